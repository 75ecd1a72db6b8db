/**
 * The example stores subgraph: a small Apollo Server on a fixed dataset (`stores.json`).
 * Clearly an example: no configuration, validation or logging beyond what a demo needs.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/** One store of the dataset. */
export interface StoreRecord {
  readonly id: string;
  readonly name: string;
  readonly postalCode: string;
  readonly countryCode: string;
}

/** Read relative to this module, never the working directory. */
export const STORES_SCHEMA_FILE = new URL('./schema.graphql', import.meta.url);
export const storesTypeDefs = parse(readFileSync(STORES_SCHEMA_FILE, 'utf8'));
export const stores: readonly StoreRecord[] = JSON.parse(readFileSync(new URL('./stores.json', import.meta.url), 'utf8')) as StoreRecord[];

const byId = new Map(stores.map((store) => [store.id, store]));

const resolvers = {
  Query: {
    stores: (_: unknown, { first }: { first?: number | null }) => (first == null ? stores : stores.slice(0, Math.max(0, first))),
    store: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
  },
  Store: {
    __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null,
    // Only the key: the router asks the postal-distance subgraph for everything else.
    location: ({ postalCode, countryCode }: StoreRecord) => ({ postalCode, countryCode }),
  },
};

export interface StoresSubgraph {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4002/graphql`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Apollo Server's start-up notices (e.g. that inline tracing is on) are noise in tests and benchmarks. */
const silent = { debug() {}, info() {}, warn() {}, error: console.error };

/** Starts the stores subgraph on `port` (0 picks a free one) and `host` (default all interfaces). */
export async function startStoresSubgraph({ port, host, quiet = false }: { port: number; host?: string; quiet?: boolean }): Promise<StoresSubgraph> {
  const server = new ApolloServer({
    ...(quiet && { logger: silent }),
    schema: buildSubgraphSchema({ typeDefs: storesTypeDefs, resolvers }),
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
  });
  const { url } = await startStandaloneServer(server, { listen: { port, ...(host && { host }) } });
  return { url: new URL('graphql', url).href, stop: () => server.stop() };
}
