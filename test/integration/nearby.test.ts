/**
 * `Location.nearby` and `Query.nearestLocations` through HTTP, against a brute-force oracle: a
 * WGS-84 geodesic scan of every loaded code (test/support/spatial.ts), over the bundled US data and
 * over hand-made GeoNames files loaded with GEONAMES_FILES (Windsor beside Detroit, islands across
 * the antimeridian). The search itself is tested exhaustively in test/unit/spatial-*.test.ts; this
 * file proves the GraphQL contract: pages, cursors, order, units, counts, countries, errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usEmbedded } from '../support/embedded.js';
import { METERS_PER_UNIT, type DistanceUnit } from '../../src/spatial/arguments.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { FakeZippopotam, placeOf } from '../support/fake-providers/index.js';
import { usRows } from '../support/geonames.js';
import { FAST_UPSTREAM } from '../support/remote.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';
import { expectSameList, geodesicScan, geoNamesRow, usCodes, within, type Code, type Found } from '../support/spatial.js';

const EDGES = 'edges { cursor distance meters initialBearing node { countryCode postalCode placeName latitude longitude } }';
const PAGE = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } ${EDGES}`;
const NEARBY = `query($code: String!, $country: String!, $radius: Float!, $unit: DistanceUnit!, $first: Int!, $after: String, $countries: [String!]) {
  location(postalCode: $code, countryCode: $country) { nearby(radius: $radius, unit: $unit, first: $first, after: $after, countryCodes: $countries) { ${PAGE} } }
}`;
const NEAREST = `query($latitude: Float!, $longitude: Float!, $first: Int!, $after: String, $within: Float, $unit: DistanceUnit!, $countries: [String!]) {
  nearestLocations(latitude: $latitude, longitude: $longitude, first: $first, after: $after, within: $within, unit: $unit, countryCodes: $countries) { ${PAGE} }
}`;

interface Edge {
  cursor: string;
  distance: number;
  meters: number;
  initialBearing: number | null;
  node: { countryCode: string; postalCode: string; placeName: string | null; latitude: number; longitude: number };
}
interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Edge[];
}

interface NearbyArgs {
  readonly code: string;
  readonly country?: string;
  readonly radius: number;
  readonly unit?: DistanceUnit;
  readonly first?: number;
  readonly after?: string | null;
  readonly countries?: readonly string[];
}
interface NearestArgs {
  readonly latitude: number;
  readonly longitude: number;
  readonly first?: number;
  readonly after?: string | null;
  readonly within?: number;
  readonly unit?: DistanceUnit;
  readonly countries?: readonly string[];
}

const nearbyVariables = ({ code, country = 'US', radius, unit = 'KILOMETERS', first = 20, after = null, countries }: NearbyArgs) => ({
  code,
  country,
  radius,
  unit,
  first,
  after,
  ...(countries && { countries }),
});

async function nearby(server: TestServer, args: NearbyArgs): Promise<Page> {
  const { body } = await server.graphql(NEARBY, nearbyVariables(args));
  expect(body.errors).toBeUndefined();
  return body.data!.location.nearby as Page;
}

async function nearest(server: TestServer, { latitude, longitude, first = 10, after = null, within: bound, unit = 'KILOMETERS', countries }: NearestArgs): Promise<Page> {
  const { body } = await server.graphql(NEAREST, { latitude, longitude, first, after, unit, ...(bound !== undefined && { within: bound }), ...(countries && { countries }) });
  expect(body.errors).toBeUndefined();
  return body.data!.nearestLocations as Page;
}

/** Every page of a search, following `endCursor`, concatenated; asserts what each page says of itself. */
async function allPages(fetchPage: (after: string | null) => Promise<Page>): Promise<{ edges: Edge[]; pages: Page[] }> {
  const pages: Page[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(after);
    pages.push(page);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { edges: pages.flatMap((p) => p.edges), pages };
}

/** The contract's fields of edges, as the oracle lists them. */
const found = (edges: readonly Edge[]): Found[] =>
  edges.map(({ node: { countryCode, postalCode }, meters, initialBearing }) => ({ countryCode, postalCode, meters, initialBearing }));
const keys = (list: readonly { countryCode: string; postalCode: string }[]): string[] => list.map((f) => `${f.countryCode} ${f.postalCode}`);
const keysOf = (edges: readonly Edge[]): string[] => edges.map((e) => `${e.node.countryCode} ${e.node.postalCode}`);

const embedded = usEmbedded();
const US = usCodes();
const usCode = new Map(US.map((c) => [c.postalCode, c]));
/** The row `location` answers with for a US code: the first of the file. */
const usPlace = new Map<string, { placeName: string; latitude: number; longitude: number }>();
for (const row of usRows()) if (!usPlace.has(row.postalCode)) usPlace.set(row.postalCode, row);
const code = (postalCode: string): Code => usCode.get(postalCode)!;

let us: TestServer;
let geocoder: CountingGeocoder;
beforeAll(async () => {
  geocoder = new CountingGeocoder(embedded);
  us = await startTestServer({}, geocoder);
});
afterAll(() => us.stop());

describe('Location.nearby over the bundled US data, against a geodesic scan of every code', () => {
  it.each([
    ['10001', 25, 'MILES'],
    ['90210', 10, 'KILOMETERS'],
    ['59001', 100_000, 'METERS'],
    ['99546', 4_000, 'KILOMETERS'],
    ['99546', 400, 'NAUTICAL_MILES'],
  ] as const)('lists the codes within %s %s %s exactly, nearest first, with their distances, bearings and places', async (origin, radius, unit) => {
    const meters = radius * METERS_PER_UNIT[unit];
    const expected = within(geodesicScan(US, code(origin), code(origin)), meters);
    const page = await nearby(us, { code: origin, radius, unit, first: 1_000 });
    expectSameList(found(page.edges), expected.slice(0, 1_000), `${radius} ${unit} of ${origin}`);
    expect(page.totalCount).toBe(expected.length);
    expect(page.pageInfo.hasNextPage).toBe(expected.length > 1_000);
    for (const edge of page.edges) {
      expect(edge.distance).toBe(edge.meters / METERS_PER_UNIT[unit]);
      const { placeName, latitude, longitude } = usPlace.get(edge.node.postalCode)!;
      expect(edge.node).toEqual({ countryCode: 'US', postalCode: edge.node.postalCode, placeName, latitude, longitude });
    }
  });

  it('reaches across the antimeridian: 4,000 km of Adak (176.6° W) hold Wake Island (166.6° E)', async () => {
    const { edges, pages } = await allPages((after) => nearby(us, { code: '99546', radius: 4_000, first: 1_000, after }));
    expect(pages.map((p) => p.edges.length)).toEqual([1_000, 174]);
    expectSameList(found(edges), within(geodesicScan(US, code('99546'), code('99546')), 4_000_000), 'both pages');
    expect(edges.find((e) => e.node.postalCode === '96898')?.node).toMatchObject({ placeName: 'Wake Island', longitude: 166.6419 });
  });

  it('concatenates its pages into the whole list, with no code twice and none missing, at any page size', async () => {
    const expected = within(geodesicScan(US, code('10001'), code('10001')), 5_000);
    expect(expected.length).toBe(139);
    for (const first of [1, 7, 50, 139, 1_000]) {
      const { edges, pages } = await allPages((after) => nearby(us, { code: '10001', radius: 5, first, after }));
      expectSameList(found(edges), expected, `pages of ${first}`);
      expect(pages).toHaveLength(Math.ceil(139 / first));
      expect(new Set(pages.map((p) => p.totalCount))).toEqual(new Set([139]));
    }
  });

  it("continues after any edge's cursor, with a page size of its own", async () => {
    const expected = within(geodesicScan(US, code('10001'), code('10001')), 5_000);
    const whole = await nearby(us, { code: '10001', radius: 5, first: 200 });
    for (const i of [0, 13, 99, 137]) {
      const page = await nearby(us, { code: '10001', radius: 5, first: 5, after: whole.edges[i]!.cursor });
      expectSameList(found(page.edges), expected.slice(i + 1, i + 6), `after edge ${i}`);
      expect(page.pageInfo.hasNextPage).toBe(i + 6 < 139);
    }
    const last = await nearby(us, { code: '10001', radius: 5, first: 5, after: whole.edges[138]!.cursor });
    expect(last).toEqual({ totalCount: 139, pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null }, edges: [] });
  });

  it('takes a cursor in another unit of the same radius, and refuses a cursor of another origin or radius, or an altered one, as BAD_USER_INPUT', async () => {
    const first = await nearby(us, { code: '10001', radius: 5, first: 10 });
    const after = first.pageInfo.endCursor!;
    const inMeters = await nearby(us, { code: '10001', radius: 5_000, unit: 'METERS', first: 10, after });
    expectSameList(found(inMeters.edges), within(geodesicScan(US, code('10001'), code('10001')), 5_000).slice(10, 20), 'the next page, in metres');

    const refusal = async (args: NearbyArgs) => {
      const { status, body } = await us.graphql(NEARBY, nearbyVariables(args));
      expect(status).toBe(200);
      expect(body.data).toEqual({ location: null }); // `nearby` is non-null: its error nulls the location
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]).toMatchObject({ path: ['location', 'nearby'], extensions: { code: 'BAD_USER_INPUT' } });
      return body.errors![0]!.message;
    };
    expect(await refusal({ code: '90210', radius: 5, first: 10, after })).toMatch(/^`after` is a cursor from another search/);
    expect(await refusal({ code: '10001', radius: 6, first: 10, after })).toMatch(/^`after` is a cursor from another search/);
    expect(await refusal({ code: '10001', radius: 5, first: 10, after, countries: ['US'] })).toMatch(/^`after` is a cursor from another search/);
    const altered = after.slice(0, 20) + (after[20] === 'A' ? 'B' : 'A') + after.slice(21);
    expect(await refusal({ code: '10001', radius: 5, first: 10, after: altered })).toMatch(/^`after` is not a cursor this search issued, or it was altered/);
    expect(await refusal({ code: '10001', radius: 5, first: 10, after: 'not a cursor' })).toMatch(/^`after` is not a cursor/);
  });

  it('puts the origin first, at distance 0 with no bearing, then the codes that share its coordinates by postal code', async () => {
    // APO codes in Germany: several share one point, and the origin is not the first of them by code.
    const origin = code('09012');
    const twins = US.filter((c) => c.latitude === origin.latitude && c.longitude === origin.longitude).map((c) => c.postalCode);
    expect(twins.length).toBeGreaterThanOrEqual(2);
    expect(twins.sort()[0]).not.toBe('09012');
    const page = await nearby(us, { code: '09012', radius: 1, unit: 'METERS', first: 50 });
    expect(page.edges.map((e) => [e.node.postalCode, e.meters, e.initialBearing])).toEqual([
      ['09012', 0, null],
      ...twins.filter((c) => c !== '09012').map((c) => [c, 0, null]),
    ]);
    expect(page.totalCount).toBe(twins.length);
    // From the same point as a plain point (no origin code), the ties are by postal code alone.
    const fromPoint = await nearest(us, { latitude: origin.latitude, longitude: origin.longitude, first: twins.length });
    expect(fromPoint.edges.map((e) => e.node.postalCode)).toEqual(twins);
  });

  it('measures the same codes in every unit, each distance its metres in that unit', async () => {
    const miles = 3;
    const pages = await Promise.all(
      (['METERS', 'KILOMETERS', 'MILES', 'NAUTICAL_MILES'] as const).map(async (unit) => ({
        unit,
        page: await nearby(us, { code: '60601', radius: (miles * METERS_PER_UNIT.MILES) / METERS_PER_UNIT[unit], unit, first: 1_000 }),
      })),
    );
    const expected = within(geodesicScan(US, code('60601'), code('60601')), miles * 1609.344);
    for (const { unit, page } of pages) {
      expectSameList(found(page.edges), expected, unit);
      expect(page.edges.map((e) => e.distance)).toEqual(expected.map((f) => f.meters / METERS_PER_UNIT[unit]));
    }
    // 1 mile is 1,609.344 m, 1 nautical mile 1,852 m: spot-checked on the farthest code.
    const far = (unit: DistanceUnit) => pages.find((p) => p.unit === unit)!.page.edges.at(-1)!;
    expect(far('MILES').distance).toBeCloseTo(far('METERS').distance / 1609.344, 12);
    expect(far('NAUTICAL_MILES').distance).toBeCloseTo(far('KILOMETERS').distance / 1.852, 12);
  });

  it("searches from the first part of a code resolved by its prefix (ZIP+4), whose row is the first edge", async () => {
    const { body } = await us.graphql(`{ location(postalCode: "10001-1234") { postalCode precision nearby(radius: 1, first: 100) { ${PAGE} } } }`);
    expect(body.errors).toBeUndefined();
    const { postalCode, precision, nearby: page } = body.data!.location as { postalCode: string; precision: string; nearby: Page };
    expect([postalCode, precision]).toEqual(['10001-1234', 'PREFIX']);
    expect(page.edges[0]).toMatchObject({ meters: 0, initialBearing: null, node: { postalCode: '10001' } });
    expectSameList(found(page.edges), within(geodesicScan(US, code('10001'), code('10001')), 1_000), '1 km of 10001');
  });

  it('counts every code within the radius in totalCount, not the page', async () => {
    const page = await nearby(us, { code: '10001', radius: 25, unit: 'MILES', first: 3 });
    expect(page.totalCount).toBe(within(geodesicScan(US, code('10001'), code('10001')), 25 * 1609.344).length);
    expect(page.totalCount).toBe(672);
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });
});

describe('Query.nearestLocations over the bundled US data', () => {
  const points = [
    { latitude: 40.748_4, longitude: -73.985_7 }, // the Empire State Building
    { latitude: 39.5, longitude: -98.35 }, // Kansas, far from any city
    { latitude: 36.5, longitude: -128 }, // the Pacific, 400 km off California
    { latitude: -17, longitude: 180 }, // the antimeridian, far from every code
  ];

  it.each(points)('reverse-geocodes ($latitude, $longitude) with first: 1 to the code with the least geodesic distance', async (point) => {
    const [closest] = geodesicScan(US, point);
    const page = await nearest(us, { ...point, first: 1 });
    expect(found(page.edges)).toEqual([closest]);
    expect(page.totalCount).toBe(US.length);
  });

  it('lists the codes nearest a point, nearest first, and counts every loaded code when no `within` bounds it', async () => {
    for (const point of points) {
      const page = await nearest(us, { ...point, first: 25 });
      expectSameList(found(page.edges), geodesicScan(US, point).slice(0, 25), `nearest ${point.latitude}`);
      expect([page.totalCount, page.pageInfo.hasNextPage]).toEqual([41_488, true]);
    }
  });

  it('bounds the search with `within`, and counts only the codes within it', async () => {
    const point = points[0]!;
    const expected = within(geodesicScan(US, point), 1_852);
    const { edges, pages } = await allPages((after) => nearest(us, { ...point, within: 1, unit: 'NAUTICAL_MILES', first: 8, after }));
    expectSameList(found(edges), expected, 'within 1 nautical mile');
    expect(pages[0]!.totalCount).toBe(expected.length);
    expect(edges.map((e) => e.distance)).toEqual(expected.map((f) => f.meters / 1_852));
    expect((await nearest(us, { ...points[2]!, within: 10, first: 5 })).totalCount).toBe(0);
  });
});

describe('limits and bad input', () => {
  /** The root field's error: it never ran, not even the origin's lookup; null in its place (and, non-null, in its parent's). */
  async function refused(query: string): Promise<string> {
    const before = geocoder.batches.length;
    const { status, body } = await us.graphql(query);
    expect(status).toBe(200);
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    expect(error!.extensions!.code).toBe('BAD_USER_INPUT');
    const root = String(error!.path![0]);
    expect(error!.path).toEqual([root]);
    expect(body.data === null || body.data![root] === null).toBe(true);
    expect(geocoder.batches.length).toBe(before);
    return error!.message;
  }
  const around = (args: string) => `{ location(postalCode: "20500") { nearby(${args}) { totalCount } } }`;
  const point = (args: string) => `{ nearestLocations(${args}) { totalCount } }`;

  it.each([
    [around('radius: 0'), '`radius` must be a distance above zero, got 0 KILOMETERS.'],
    [around('radius: -5, unit: MILES'), '`radius` must be a distance above zero, got -5 MILES.'],
    [around('radius: 1e400'), '`radius` must be a distance above zero, got Infinity KILOMETERS.'],
    [around('radius: 20004'), "`radius` must be at most 20,003.93 KILOMETERS (half the Earth's circumference, 20,003.93 km), got 20004 KILOMETERS."],
    [around('radius: 12430, unit: MILES'), "`radius` must be at most 12,429.86 MILES (half the Earth's circumference, 20,003.93 km), got 12430 MILES."],
    [around('radius: 1, first: 0'), '`first` must be an integer from 1 to 1,000, got 0.'],
    [around('radius: 1, first: 1001'), '`first` must be an integer from 1 to 1,000, got 1001.'],
    [around('radius: 1, countryCodes: []'), '`countryCodes` is empty: name at least one country, or omit it to search every country.'],
    [point('latitude: 90.5, longitude: 0'), '`latitude` must be in degrees from -90 to 90, got 90.5.'],
    [point('latitude: 0, longitude: -180.5'), '`longitude` must be in degrees from -180 to 180, got -180.5.'],
    [point('latitude: 0, longitude: 0, within: 0'), '`within` must be a distance above zero, got 0 KILOMETERS.'],
    [point('latitude: 0, longitude: 0, within: 1e9, unit: METERS'), "`within` must be at most 20,003,932 METERS (half the Earth's circumference, 20,003.93 km), got 1000000000 METERS."],
    [point('latitude: 0, longitude: 0, first: 1001'), '`first` must be an integer from 1 to 1,000, got 1001.'],
  ])('refuses %s before any work, naming the argument', async (query, message) => {
    expect(await refused(query)).toBe(message);
  });

  it('refuses a country code that is not one, naming `countryCodes`', async () => {
    expect(await refused(around('radius: 1, countryCodes: ["US", "USA"]'))).toMatch(/^`countryCodes`: /);
  });

  it('answers a page of MAX_NEARBY_RESULTS (1,000), written in the operation or sent as a variable', async () => {
    const selection = 'totalCount edges { cursor distance meters initialBearing node { postalCode placeName adminCode latitude longitude } }';
    const literal = await us.graphql(`{ nearestLocations(latitude: 40.75, longitude: -73.99, first: 1000) { ${selection} } }`);
    const variable = await us.graphql(`query($n: Int!) { nearestLocations(latitude: 40.75, longitude: -73.99, first: $n) { ${selection} } }`, { n: 1_000 });
    expect(literal.body.errors).toBeUndefined();
    expect(literal.body.data!.nearestLocations.edges).toHaveLength(1_000);
    expect(variable.body).toEqual(literal.body);
  });

  it('refuses an operation that would run more than MAX_NEARBY_SEARCHES (100) searches, counting a nearby once per edge it is under', async () => {
    const nested = (first: number) => `{ nearestLocations(latitude: 40.75, longitude: -73.99, first: ${first}) { edges { node { nearby(radius: 1) { totalCount } } } } }`;
    const { body } = await us.graphql(nested(99)); // 1 + 99 searches
    expect(body.errors).toBeUndefined();
    expect(body.data!.nearestLocations.edges).toHaveLength(99);
    expect(await refused(nested(100))).toBe(
      'This operation would run more than 100 spatial searches (MAX_NEARBY_SEARCHES), counting each `nearby` once per list item it appears in; search around fewer locations per operation.',
    );
    const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { nearby(radius: 1) { totalCount } } } }';
    const representations = (n: number) => US.slice(0, n).map(({ postalCode }) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
    expect((await us.graphql(entities, { r: representations(100) })).body.errors).toBeUndefined();
    const partial = await us.graphql(entities, { r: representations(101) });
    expect(partial.body.data!._entities.map((item: unknown) => item !== null)).toEqual([...Array(100).fill(true), false]);
    expect(partial.body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['_entities', 100], 'BAD_USER_INPUT']]);
    expect(partial.body.errors![0]!.message).toMatch(/^This operation would run more than 100 spatial searches/);
  });
});

describe('an origin that is not found', () => {
  it('is POSTAL_CODE_NOT_FOUND for the location, never a list', async () => {
    const { body } = await us.graphql('{ location(postalCode: "00000") { nearby(radius: 50) { totalCount edges { node { postalCode } } } } }');
    expect(body).toEqual({
      data: { location: null },
      errors: [{ message: 'Postal code "00000" was not found in US.', locations: [{ line: 1, column: 3 }], path: ['location'], extensions: { code: 'POSTAL_CODE_NOT_FOUND' } }],
    });
  });

  it('is POSTAL_CODE_NOT_FOUND for that entity, and the other entities search', async () => {
    const { body } = await us.graphql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { nearby(radius: 1) { totalCount } } } }', {
      r: ['00000', '10001'].map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' })),
    });
    const expected = within(geodesicScan(US, code('10001'), code('10001')), 1_000).length;
    expect(body.data).toEqual({ _entities: [null, { nearby: { totalCount: expected } }] });
    expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['_entities', 0], 'POSTAL_CODE_NOT_FOUND']]);
  });
});

describe('other countries, loaded with GEONAMES_FILES', () => {
  /** Hand-made Canadian rows: Windsor across the river from Detroit, one code at the exact point of 48226, and Ottawa. */
  const CANADA: Code[] = [
    { countryCode: 'CA', postalCode: 'N9A', latitude: 42.3149, longitude: -83.0364 },
    { countryCode: 'CA', postalCode: 'N9B', latitude: 42.2926, longitude: -83.0678 },
    { countryCode: 'CA', postalCode: 'N8X', latitude: 42.291, longitude: -83.0123 },
    { countryCode: 'CA', postalCode: 'N8Y', latitude: 42.3195, longitude: -82.989 },
    { countryCode: 'CA', postalCode: 'N7T', latitude: 42.97, longitude: -82.4 },
    { countryCode: 'CA', postalCode: 'N9Z', latitude: code('48226').latitude, longitude: code('48226').longitude },
    { countryCode: 'CA', postalCode: 'K1A', latitude: 45.4215, longitude: -75.6972 },
  ];
  /** Hand-made islands on both sides of the antimeridian, several at one point on it. */
  const PACIFIC: Code[] = [
    ...['B', 'A', 'C'].map((postalCode) => ({ countryCode: 'FJ', postalCode, latitude: -17, longitude: 180 })),
    ...['B', 'A'].map((postalCode) => ({ countryCode: 'TO', postalCode, latitude: -17, longitude: -180 })),
    ...Array.from({ length: 30 }, (_, i) => ({
      countryCode: i % 2 ? 'FJ' : 'TO',
      postalCode: `P${i}`,
      latitude: -17 + ((i % 5) + 1) * 0.013,
      longitude: i % 3 === 0 ? 179.99 - i * 0.003 : i % 3 === 1 ? -179.99 + i * 0.003 : 180,
    })),
  ];
  const WORLD = [...US, ...CANADA, ...PACIFIC];
  let world: TestServer;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nearby-'));
    const write = (name: string, codes: readonly Code[]) => {
      const file = path.join(dir, name);
      writeFileSync(file, `${codes.map((c) => geoNamesRow(c.countryCode, c.postalCode, c.latitude, c.longitude, `Place ${c.postalCode}`)).join('\n')}\n`);
      return file;
    };
    world = await startTestServer({ GEONAMES_FILES: `${write('CA.txt', CANADA)},${write('pacific.txt', PACIFIC)}` });
  });
  afterAll(() => world.stop());

  it('includes Windsor in a radius around Detroit, in the order of a scan of both countries, the origin first', async () => {
    const detroit = code('48226');
    const expected = within(geodesicScan(WORLD, detroit, detroit), 10_000);
    const page = await nearby(world, { code: '48226', radius: 10, first: 100 });
    expectSameList(found(page.edges), expected, '10 km of 48226');
    expect(page.totalCount).toBe(expected.length);
    // The origin, then the Canadian code at its very point (CA before US), then the rest by distance.
    expect(keysOf(page.edges.slice(0, 2))).toEqual(['US 48226', 'CA N9Z']);
    expect(page.edges[1]).toMatchObject({ meters: 0, initialBearing: null, node: { placeName: 'Place N9Z' } });
    expect(keysOf(page.edges).filter((k) => k.startsWith('CA')).sort()).toEqual(['CA N8X', 'CA N8Y', 'CA N9A', 'CA N9B', 'CA N9Z']);
  });

  it('searches only the countries in countryCodes, in any case and order; the origin only when its country is one of them', async () => {
    const detroit = code('48226');
    const canadian = await nearby(world, { code: '48226', radius: 100, first: 100, countries: ['CA'] });
    expectSameList(found(canadian.edges), within(geodesicScan(WORLD, detroit, detroit, ['CA']), 100_000), 'CA only');
    expect(keysOf(canadian.edges)).toEqual(['CA N9Z', 'CA N9A', 'CA N9B', 'CA N8Y', 'CA N8X', 'CA N7T']);
    const american = await nearby(world, { code: '48226', radius: 10, first: 100, countries: ['US'] });
    expectSameList(found(american.edges), within(geodesicScan(US, detroit, detroit), 10_000), 'US only');

    const both = await nearby(world, { code: '48226', radius: 10, first: 4, countries: ['US', 'CA'] });
    const anyCase = await nearby(world, { code: '48226', radius: 10, first: 4, countries: ['ca', 'us', 'US'] });
    expect(anyCase).toEqual(both);
    // The same search, so its cursors continue either spelling.
    const next = await nearby(world, { code: '48226', radius: 10, first: 4, after: both.pageInfo.endCursor, countries: ['Ca', 'uS'] });
    expectSameList(found(next.edges), within(geodesicScan(WORLD, detroit, detroit), 10_000).slice(4, 8), 'the next page');
  });

  it('refuses a country with no loaded data with SPATIAL_DATA_UNAVAILABLE, naming it and how to load it', async () => {
    const { body } = await world.graphql('{ location(postalCode: "48226") { nearby(radius: 10, countryCodes: ["US", "DE", "MX"]) { totalCount } } }');
    expect(body.data).toEqual({ location: null });
    expect(body.errors).toEqual([
      {
        message:
          'No postal codes of DE, MX are loaded, so they cannot be searched (loaded: CA, FJ, TO, US). Load them with the data command (`data add DE MX`), GEONAMES_COUNTRIES or GEONAMES_FILES, or leave them out of `countryCodes`.',
        locations: [{ line: 1, column: 35 }],
        path: ['location', 'nearby'],
        extensions: { code: 'SPATIAL_DATA_UNAVAILABLE' },
      },
    ]);
    const point = await us.graphql('{ nearestLocations(latitude: 45.42, longitude: -75.69, countryCodes: ["CA"]) { totalCount } }');
    expect(point.body.data).toBeNull();
    expect(point.body.errors!.map((e) => [e.path, e.extensions!.code, e.message])).toEqual([
      [
        ['nearestLocations'],
        'SPATIAL_DATA_UNAVAILABLE',
        'No postal codes of CA are loaded, so it cannot be searched (loaded: US). Load it with the data command (`data add CA`), GEONAMES_COUNTRIES or GEONAMES_FILES, or leave it out of `countryCodes`.',
      ],
    ]);
  });

  it('searches across the antimeridian: codes at 180° and −180° are one point, ties by country then code, pages split between them', async () => {
    const origin = PACIFIC[0]!; // FJ B, at (−17, 180)
    const expected = within(geodesicScan(WORLD, origin, origin), 20_000);
    expect(keys(expected.slice(0, 5))).toEqual(['FJ B', 'FJ A', 'FJ C', 'TO A', 'TO B']);
    expect(expected.slice(0, 5).map((f) => f.meters)).toEqual([0, 0, 0, 0, 0]);
    for (const first of [1, 2, 7]) {
      const { edges } = await allPages((after) => nearby(world, { code: 'B', country: 'FJ', radius: 20, first, after }));
      expectSameList(found(edges), expected, `pages of ${first}`);
    }
    expect(keys(expected).some((k) => k.startsWith('TO P'))).toBe(true);
    for (const longitude of [180, -180, 179.995, -179.995]) {
      const page = await nearest(world, { latitude: -16.99, longitude, first: 12 });
      expectSameList(found(page.edges), geodesicScan(WORLD, { latitude: -16.99, longitude }).slice(0, 12), `nearest (-16.99, ${longitude})`);
    }
  });
});

describe('an origin that a remote geocoder resolved', () => {
  const fake = new FakeZippopotam();
  let chained: TestServer;
  beforeAll(async () => {
    await fake.start();
    chained = await startTestServer({ ...FAST_UPSTREAM, ...fake.env(), GEOCODER: 'embedded,zippopotam' });
  });
  afterAll(async () => {
    await chained.stop();
    await fake.close();
  });

  const ottawa = placeOf('CA', 'K1A');
  const expected = within(geodesicScan(US, ottawa), 150_000);

  it('searches the loaded data around it, the origin first at distance 0', async () => {
    const { body } = await chained.graphql(`{ location(postalCode: "K1A", countryCode: "CA") { placeName latitude nearby(radius: 150, first: 1000) { ${PAGE} } } }`);
    expect(body.errors).toBeUndefined();
    const { placeName, latitude, nearby: page } = body.data!.location as { placeName: string; latitude: number; nearby: Page };
    expect([placeName, latitude]).toEqual(['Ottawa', ottawa.latitude]);
    expect(page.edges[0]).toMatchObject({ distance: 0, meters: 0, initialBearing: null, node: { countryCode: 'CA', postalCode: 'K1A', placeName: 'Ottawa', latitude: ottawa.latitude } });
    expect(expected.length).toBeGreaterThan(10);
    expectSameList(found(page.edges.slice(1)), expected, 'US codes within 150 km of Ottawa');
    expect(page.totalCount).toBe(expected.length + 1);
    expect(fake.requests.map((r) => r.path)).toEqual(['/ca/K1A']);
  });

  it('pages through them, the origin on the first page only', async () => {
    const { edges, pages } = await allPages((after) => nearby(chained, { code: 'K1A', country: 'CA', radius: 150, first: 4, after }));
    expect(keysOf(edges)).toEqual(['CA K1A', ...keys(expected)]);
    expect(found(edges.slice(1))).toEqual(expected);
    expect(pages.map((p) => p.totalCount)).toEqual(pages.map(() => expected.length + 1));
    const single = await nearby(chained, { code: 'K1A', country: 'CA', radius: 150, first: 1 });
    expect([keysOf(single.edges), single.pageInfo.hasNextPage]).toEqual([['CA K1A'], true]);
  });

  it('answers SPATIAL_DATA_UNAVAILABLE when the chain holds no data in memory (no embedded provider)', async () => {
    const remoteOnly = await startTestServer({ ...FAST_UPSTREAM, ...fake.env(), GEOCODER: 'zippopotam' });
    try {
      const { body } = await remoteOnly.graphql('{ location(postalCode: "10001") { placeName nearby(radius: 1) { totalCount } } }');
      expect(body.data).toEqual({ location: null });
      expect(body.errors!.map((e) => [e.path, e.extensions!.code, e.message])).toEqual([
        [
          ['location', 'nearby'],
          'SPATIAL_DATA_UNAVAILABLE',
          'No postal codes are loaded in memory to search: the searches cover the embedded datasets, and the geocoder chain (GEOCODER) does not include `embedded`. Add it, e.g. GEOCODER=embedded,zippopotam.',
        ],
      ]);
    } finally {
      await remoteOnly.stop();
    }
  });

  it('leaves the origin out when countryCodes leaves out its country', async () => {
    const page = await nearby(chained, { code: 'K1A', country: 'CA', radius: 150, first: 1_000, countries: ['US'] });
    expect(found(page.edges)).toEqual(expected);
    expect(page.totalCount).toBe(expected.length);
  });
});
