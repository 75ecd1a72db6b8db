/**
 * The operation shapes every target is driven with, built from the US GeoNames file so the codes
 * are real and spread over the country. Deterministic: the same bodies on every run.
 */
import type { Row as UsRow } from '../../test/support/geonames.js';

export interface Shape {
  /** Short id, also the raw-http baseline's route. */
  readonly id: string;
  /** What the table calls it. */
  readonly title: string;
  /** The JSON request body. */
  readonly body: string;
  /** Items the response must carry (checked before measuring). */
  readonly items: number;
  /** Counts the items of one parsed response. */
  readonly count: (data: Record<string, unknown>) => number;
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

export function buildShapes(rows: readonly UsRow[]): Shape[] {
  const codes = spread(rows, 200, 7);
  const pairs = codes.slice(0, 100).map((from, i) => ({ from, to: codes[100 + i]! }));
  const entities = spread(rows, 100, 131).map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
  const origins = spread(rows, 20, 53);
  const destinations = spread(rows, 20, 977);
  const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
  return [
    {
      id: 'distance',
      title: 'one distance',
      body: body('query Distance($from: String!, $to: String!) { distance(from: $from, to: $to) { miles kilometers initialBearing } }', { from: '90210', to: '10001' }),
      items: 1,
      count: (data) => (data.distance ? 1 : 0),
    },
    {
      id: 'distances',
      title: 'distances, 100 pairs',
      body: body('query Distances($pairs: [DistancePairInput!]!) { distances(pairs: $pairs) { miles kilometers initialBearing } }', { pairs }),
      items: 100,
      count: (data) => length(data.distances),
    },
    {
      id: 'entities',
      title: '_entities, 100 Locations with distanceTo',
      body: body(
        'query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on Location { __typename placeName distanceTo(postalCode: "10001") { miles } } } }',
        { representations: entities },
      ),
      items: 100,
      count: (data) => length(data._entities),
    },
    {
      id: 'matrix',
      title: 'distanceMatrix, 20 × 20',
      body: body(
        'query Matrix($origins: [String!]!, $destinations: [String!]!) { distanceMatrix(origins: $origins, destinations: $destinations) { rows { distances { miles } } } }',
        { origins, destinations },
      ),
      items: 20,
      count: (data) => length((data.distanceMatrix as { rows?: unknown } | null)?.rows),
    },
  ];
}
