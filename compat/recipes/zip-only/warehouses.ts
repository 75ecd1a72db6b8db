/**
 * The ZIP-only adopter's warehouses subgraph (warehouses.graphql), served by Apollo Server with
 * @apollo/subgraph: clearly an example, a fixed list and a made-up delivery table.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

export const WAREHOUSES_SDL = readFileSync(new URL('./warehouses.graphql', import.meta.url), 'utf8');
export const BEFORE_SDL = readFileSync(new URL('./before.graphql', import.meta.url), 'utf8');

export const WAREHOUSES = [
  { id: 'w1', name: 'Newark', postalCode: '07102' },
  { id: 'w2', name: 'Chicago', postalCode: '60601' },
  { id: 'w3', name: 'Reno', postalCode: '89501' },
] as const;

/** Business days from the warehouses to a ZIP: by its first digit, the national area. */
export const deliveryDays = (postalCode: string): number => 1 + Math.abs(Number(postalCode[0] ?? '0') - 5) / 2;

/** What the subgraph knows of a Location: its ZIP. */
interface Zip {
  readonly postalCode: string;
}

const resolvers = {
  Query: { warehouses: () => WAREHOUSES },
  Warehouse: {
    __resolveReference: ({ id }: { id: string }) => WAREHOUSES.find((w) => w.id === id) ?? null,
    location: ({ postalCode }: Zip): Zip => ({ postalCode }),
  },
  Location: {
    // Either key: { postalCode } from its own references, { postalCode, countryCode } from the
    // postal-distance subgraph's. A code of another country is not a ZIP: no such Location here.
    __resolveReference: ({ postalCode, countryCode }: { postalCode: string; countryCode?: string }): Zip | null =>
      countryCode === undefined || countryCode === 'US' ? { postalCode } : null,
    countryCode: () => 'US',
    deliveryDays: ({ postalCode }: Zip) => Math.round(deliveryDays(postalCode)),
  },
};

/** Serves the subgraph on 127.0.0.1 at an ephemeral port. */
export async function startWarehouses(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: parse(WAREHOUSES_SDL), resolvers }), stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url: new URL('graphql', url).href, stop: () => server.stop() };
}

