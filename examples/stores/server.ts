/**
 * The example stores subgraph: a small Apollo Server on a fixed dataset (`stores.json`).
 * Clearly an example: no configuration, validation or logging beyond what a demo needs.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { startSubgraph, type ExampleSubgraph, type RunningSubgraph } from '../supergraph.js';

/** One store of the dataset: a row with a plain postal code column. */
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

const codeOf = ({ postalCode, countryCode }: { postalCode: string; countryCode: string }): string => `${countryCode}:${postalCode}`;

/** A `Location` as this subgraph knows it: only its key. */
interface LocationKey {
  readonly postalCode: string;
  readonly countryCode: string;
}

/** The stores subgraph over `records` (tests use longer lists than the dataset). */
export function storesSubgraphOf(records: readonly StoreRecord[]): ExampleSubgraph {
  const byId = new Map(records.map((store) => [store.id, store]));
  const byCode = new Map<string, StoreRecord[]>();
  for (const store of records) byCode.set(codeOf(store), [...(byCode.get(codeOf(store)) ?? []), store]);
  return {
    name: 'stores',
    typeDefs: storesTypeDefs,
    resolvers: {
      Query: {
        stores: (_: unknown, { first }: { first?: number | null }) => (first == null ? records : records.slice(0, Math.max(0, first))),
        store: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
      },
      Store: {
        __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null,
        // The join: a plain postal code column handed over as the key of the other subgraph's entity.
        location: ({ postalCode, countryCode }: StoreRecord): LocationKey => ({ postalCode, countryCode }),
      },
      Location: {
        // The router sends the key the postal-distance subgraph answered with (its canonical form of the
        // code), for a `Location` it holds from any path: a store's, `location`, an edge of `nearby`.
        __resolveReference: ({ postalCode, countryCode }: LocationKey): LocationKey => ({ postalCode, countryCode }),
        stores: (location: LocationKey) => byCode.get(codeOf(location)) ?? [],
      },
    },
  };
}

/** The stores subgraph over the dataset, for `startSubgraph` and the recipes. */
export const storesSubgraph: ExampleSubgraph = storesSubgraphOf(stores);

export type StoresSubgraph = RunningSubgraph;

/** Starts the stores subgraph on `port` (0 picks a free one) and `host` (default all interfaces). */
export function startStoresSubgraph(options: { port: number; host?: string; quiet?: boolean }): Promise<StoresSubgraph> {
  return startSubgraph(storesSubgraph, options);
}
