/**
 * The operation shapes every target is driven with, built from the US GeoNames file so the codes
 * are real and spread over the country.
 *
 * Each shape can make two kinds of body: `body`, fixed (deterministic: the same on every run, for
 * the "repeated" rows, what a router sends for one page many users load), and `random()`, the
 * same operation with codes drawn uniformly from the whole dataset on every call: what a router
 * serving many users sends, and the bench's headline. The generator runs in the load generator's
 * process, never in the measured one.
 */
import type { Row as UsRow } from '../../test/support/geonames.js';
import { seeded } from '../../test/support/random.js';

export interface Shape {
  /** Short id, also the raw-http baseline's route. */
  readonly id: string;
  /** What the table calls it. */
  readonly title: string;
  /** The JSON request body, the same every time. */
  readonly body: string;
  /** A JSON request body of the same operation with fresh random codes, different on every call. */
  readonly random: () => string;
  /** Items the response must carry (checked before measuring): exactly, or at least with `atLeast`. */
  readonly items: number;
  readonly atLeast?: boolean;
  /** Counts the items of one parsed response. */
  readonly count: (data: Record<string, unknown>) => number;
  /** False for shapes the baselines do not serve (the bare Apollo subgraph has no spatial search). */
  readonly baseline?: boolean;
}

// The rows of a GeoNames file, read as the tests read them.
export { readGeoNames, type Row as UsRow } from '../../test/support/geonames.js';

/** `count` codes spread evenly over the file, distinct, starting at `offset` rows in. */
function spread(rows: readonly UsRow[], count: number, offset: number): string[] {
  const seen = new Set<string>();
  const step = Math.floor(rows.length / count);
  for (let i = offset; seen.size < count; i += step) seen.add(rows[i % rows.length]!.postalCode);
  return [...seen];
}

const length = (value: unknown): number => (Array.isArray(value) ? value.length : -1);


const QUERIES = {
  distance: 'query Distance($from: String!, $to: String!) { distance(from: $from, to: $to) { miles kilometers initialBearing } }',
  distances: 'query Distances($pairs: [DistancePairInput!]!) { distances(pairs: $pairs) { miles kilometers initialBearing } }',
  entities:
    'query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on Location { __typename placeName distanceTo(postalCode: "10001") { miles } } } }',
  matrix:
    'query Matrix($origins: [String!]!, $destinations: [String!]!) { distanceMatrix(origins: $origins, destinations: $destinations) { rows { distances { miles } } } }',
  nearby:
    'query Nearby($code: String!) { location(postalCode: $code) { nearby(radius: 25, unit: MILES, first: 50) { totalCount edges { distance node { postalCode placeName } } } } }',
  nearest:
    'query Nearest($latitude: Float!, $longitude: Float!) { nearestLocations(latitude: $latitude, longitude: $longitude, first: 10) { edges { distance node { postalCode placeName } } } }',
} as const;

export function buildShapes(rows: readonly UsRow[], seed = 1): Shape[] {
  const codes = spread(rows, 200, 7);
  const pairs = codes.slice(0, 100).map((from, i) => ({ from, to: codes[100 + i]! }));
  const entities = spread(rows, 100, 131).map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
  const origins = spread(rows, 20, 53);
  const destinations = spread(rows, 20, 977);
  const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
  // Every distinct code of the file, drawn uniformly.
  const all = [...new Set(rows.map((row) => row.postalCode))];
  const next = seeded(seed);
  const code = (): string => all[Math.floor(next() * all.length)]!;
  const codesOf = (n: number): string[] => Array.from({ length: n }, code);
  // A point near a random code (within about 5 km): a phone's position, not a code's own point.
  const pointNear = (): { latitude: number; longitude: number } => {
    const row = rows[Math.floor(next() * rows.length)]!;
    return { latitude: row.latitude + (next() - 0.5) * 0.09, longitude: row.longitude + (next() - 0.5) * 0.09 };
  };
  const edges = (connection: unknown): number => length((connection as { edges?: unknown } | null)?.edges);
  return [
    {
      id: 'distance',
      title: 'one distance',
      body: body(QUERIES.distance, { from: '90210', to: '10001' }),
      random: () => body(QUERIES.distance, { from: code(), to: code() }),
      items: 1,
      count: (data) => (data.distance ? 1 : 0),
    },
    {
      id: 'distances',
      title: 'distances, 100 pairs',
      body: body(QUERIES.distances, { pairs }),
      random: () => body(QUERIES.distances, { pairs: Array.from({ length: 100 }, () => ({ from: code(), to: code() })) }),
      items: 100,
      count: (data) => length(data.distances),
    },
    {
      id: 'entities',
      title: '_entities, 100 Locations with distanceTo',
      body: body(QUERIES.entities, { representations: entities }),
      random: () => body(QUERIES.entities, { representations: codesOf(100).map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' })) }),
      items: 100,
      count: (data) => length(data._entities),
    },
    {
      id: 'matrix',
      title: 'distanceMatrix, 20 × 20',
      body: body(QUERIES.matrix, { origins, destinations }),
      random: () => body(QUERIES.matrix, { origins: codesOf(20), destinations: codesOf(20) }),
      items: 20,
      count: (data) => length((data.distanceMatrix as { rows?: unknown } | null)?.rows),
    },
    {
      id: 'nearby',
      title: 'nearby, 25 miles, first 50',
      body: body(QUERIES.nearby, { code: '10001' }),
      random: () => body(QUERIES.nearby, { code: code() }),
      // A random origin may have fewer than 50 codes within 25 miles; the origin itself always is one.
      items: 1,
      atLeast: true,
      count: (data) => edges((data.location as { nearby?: unknown } | null)?.nearby),
      baseline: false,
    },
    {
      id: 'nearest',
      title: 'nearestLocations, first 10',
      body: body(QUERIES.nearest, { latitude: 40.7506, longitude: -73.9972 }),
      random: () => body(QUERIES.nearest, pointNear()),
      items: 10,
      count: (data) => edges(data.nearestLocations),
      baseline: false,
    },
  ];
}
