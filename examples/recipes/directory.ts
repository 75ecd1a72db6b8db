/** The `@provides` recipe's subgraph: a store directory that keeps place names itself. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { ExampleSubgraph } from '../supergraph.js';

/** The directory's rows: the place name and state code as the postal-distance subgraph's data has them. */
export const directory = [
  { id: 'dir-1', name: 'Flagship', postalCode: '10001', countryCode: 'US', placeName: 'New York', adminCode: 'NY' },
  { id: 'dir-2', name: 'Hills', postalCode: '90210', countryCode: 'US', placeName: 'Beverly Hills', adminCode: 'CA' },
  { id: 'dir-3', name: 'Loop', postalCode: '60601', countryCode: 'US', placeName: 'Chicago', adminCode: 'IL' },
] as const;

type Row = (typeof directory)[number];

export const directorySubgraph: ExampleSubgraph = {
  name: 'directory',
  typeDefs: parse(readFileSync(new URL('./directory.graphql', import.meta.url), 'utf8')),
  resolvers: {
    Query: { directory: () => directory },
    Store: {
      __resolveReference: ({ id }: { id: string }) => directory.find((row) => row.id === id) ?? null,
      // The key and the provided fields, all from the row.
      location: ({ postalCode, countryCode, placeName, adminCode }: Row) => ({ postalCode, countryCode, placeName, adminCode }),
    },
  },
};
