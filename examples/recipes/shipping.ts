/** The shipping recipe's subgraph: one field added to `Location`, computed from its coordinates. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { ExampleSubgraph } from '../supergraph.js';

/**
 * An example rule, not a carrier's: Alaska, Hawaii and the territories are NONCONTIGUOUS; the
 * contiguous states are cut at 104° W and 90° W.
 */
export function shippingZone(latitude: number, longitude: number): string {
  if (latitude > 49.5 || latitude < 24.5 || longitude < -125) return 'NONCONTIGUOUS';
  if (longitude < -104) return 'WEST';
  if (longitude < -90) return 'CENTRAL';
  return 'EAST';
}

/** What the router sends for each `Location`: the key, and the `@requires` fields it fetched first. */
interface Representation {
  readonly postalCode: string;
  readonly countryCode: string;
  readonly latitude: number;
  readonly longitude: number;
}

export const shippingSubgraph: ExampleSubgraph = {
  name: 'shipping',
  typeDefs: parse(readFileSync(new URL('./shipping.graphql', import.meta.url), 'utf8')),
  resolvers: {
    Location: {
      __resolveReference: (representation: Representation) => representation,
      shippingZone: ({ latitude, longitude }: Representation) => shippingZone(latitude, longitude),
    },
  },
};
