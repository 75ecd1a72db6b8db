/**
 * `Query.locationsByPlace` and `Query.locationsInArea` through HTTP, against brute-force oracles
 * over the bundled US data (test/support/place-search.ts) and a small German file loaded with
 * GEONAMES_FILES (München, Köln, Gießen, St. and Saint written both ways). The searches themselves
 * are tested exhaustively in test/unit/place-name-search.test.ts and area-search.test.ts; this file
 * proves the GraphQL contract: pages, cursors, counts, nodes, countries, refusals, names, caching.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaOracle, codesOf, fileCodes, inBox, inPolygon, nameOracle, type NameOracleQuery, type NamedCode, type Position } from '../support/place-search.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';

const DE_FILE = fileURLToPath(new URL('../fixtures/place-names/DE.txt', import.meta.url));
const US = codesOf('US');
const DE = fileCodes('DE', DE_FILE);

const PAGE = 'totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { countryCode postalCode } }';
const BY_PLACE = `query($name: String!, $match: PlaceMatch!, $countries: [String!], $admin: String, $first: Int!, $after: String) {
  locationsByPlace(name: $name, match: $match, countryCodes: $countries, adminCode: $admin, first: $first, after: $after) { ${PAGE} }
}`;
const IN_AREA = `query($box: BoundingBoxInput, $polygon: [[[Float!]!]!], $countries: [String!], $first: Int!, $after: String) {
  locationsInArea(boundingBox: $box, polygon: $polygon, countryCodes: $countries, first: $first, after: $after) { ${PAGE} }
}`;

interface Edge {
  cursor: string;
  node: { countryCode: string; postalCode: string };
}
interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Edge[];
}

let us: TestServer;
let de: TestServer;
beforeAll(async () => {
  [us, de] = await Promise.all([startTestServer(), startTestServer({ GEONAMES_FILES: DE_FILE })]);
});
afterAll(() => Promise.all([us.stop(), de.stop()]));

async function page(server: TestServer, query: string, variables: Record<string, unknown>): Promise<Page> {
  const { body } = await server.graphql(query, variables);
  expect(body.errors).toBeUndefined();
  return Object.values(body.data!)[0] as Page;
}

/** Every page, following `endCursor`; asserts what each page says of itself and that totalCount never changes. */
async function allPages(fetchPage: (after: string | null) => Promise<Page>): Promise<{ keys: string[]; pages: number; totalCount: number }> {
  const keys: string[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const current = await fetchPage(after);
    pages++;
    totals.add(current.totalCount);
    expect(current.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(current.pageInfo.startCursor).toBe(current.edges[0]?.cursor ?? null);
    expect(current.pageInfo.endCursor).toBe(current.edges.at(-1)?.cursor ?? null);
    keys.push(...current.edges.map((e) => `${e.node.countryCode} ${e.node.postalCode}`));
    if (!current.pageInfo.hasNextPage) break;
    after = current.pageInfo.endCursor;
  }
  expect(totals.size).toBe(1);
  return { keys, pages, totalCount: [...totals][0]! };
}

const keys = (codes: readonly NamedCode[]): string[] => codes.map((c) => `${c.countryCode} ${c.postalCode}`);

const byPlace = (server: TestServer, query: NameOracleQuery, first = 20, after: string | null = null) =>
  page(server, BY_PLACE, { name: query.name, match: query.match, countries: query.countryCodes ?? null, admin: query.adminCode ?? null, first, after });

/** The error of a refused root field: BAD_USER_INPUT at its path, with a null `data`. */
async function refusal(server: TestServer, query: string, variables: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await server.graphql(query, variables);
  expect(status).toBe(200);
  expect(body.data).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  return body.errors![0]!.message;
}

describe('Query.locationsByPlace over the bundled US data, against a scan of every row', () => {
  it.each<[NameOracleQuery, number]>([
    [{ name: 'Springfield', match: 'EXACT' }, 7],
    [{ name: 'Washington', match: 'EXACT' }, 20],
    [{ name: 'springfield', match: 'EXACT', adminCode: 'IL' }, 10],
    [{ name: 'WASHINGTON', match: 'EXACT', adminCode: 'dc' }, 100],
    [{ name: 'spring', match: 'PREFIX' }, 100],
    [{ name: 'Wash', match: 'PREFIX', adminCode: 'PA' }, 3],
  ])('pages %j to the end: the whole list of the oracle, no code twice, totalCount on every page', async (query, first) => {
    const expected = keys(nameOracle(US, query));
    const { keys: found, pages, totalCount } = await allPages((after) => byPlace(us, query, first, after));
    expect(found).toEqual(expected);
    expect(new Set(found).size).toBe(found.length);
    expect(totalCount).toBe(expected.length);
    expect(pages).toBe(Math.ceil(expected.length / first));
    expect(expected.length).toBeGreaterThan(first);
  });

  it('answers each node as `location` answers its code', async () => {
    const fields = 'postalCode matchedPostalCode precision countryCode latitude longitude placeName adminName adminCode timeZone';
    const { body } = await us.graphql(`{ locationsByPlace(name: "beverly hills", first: 10) { edges { node { ${fields} } } } }`);
    expect(body.errors).toBeUndefined();
    const nodes = (body.data!.locationsByPlace.edges as { node: { postalCode: string } }[]).map((e) => e.node);
    expect(nodes.map((n) => n.postalCode)).toEqual(keys(nameOracle(US, { name: 'Beverly Hills', match: 'EXACT' })).map((k) => k.slice(3)));
    for (const node of nodes) {
      const { body: one } = await us.graphql(`{ location(postalCode: "${node.postalCode}") { ${fields} } }`);
      expect(node).toEqual(one.data!.location);
    }
  });

  it('is cacheable for a day, as the other searches are', async () => {
    const { headers } = await us.graphql('{ locationsByPlace(name: "Springfield") { totalCount } }');
    expect(headers.get('cache-control')).toBe('max-age=86400, public');
  });
});

describe('Query.locationsByPlace over German names (GEONAMES_FILES)', () => {
  it.each(['München', 'MÜNCHEN', 'munchen', 'Munchen'])('finds the codes of München, written either way in the data, for %j', async (name) => {
    const found = await byPlace(de, { name, match: 'EXACT' });
    expect(found.edges.map((e) => e.node.postalCode)).toEqual(['80331', '80333', '80335']);
    expect(keys(nameOracle(DE, { name, match: 'EXACT' }))).toEqual(['DE 80331', 'DE 80333', 'DE 80335']);
  });

  it.each([
    ['Köln', 'EXACT', ['50667', '50668']],
    ['KOLN', 'EXACT', ['50667', '50668']],
    ['Giessen', 'EXACT', ['35390']],
    ['St. Wendel', 'EXACT', ['66606', '66607']],
    ['saint wendel', 'EXACT', ['66606', '66607']],
    ['Sankt Wendel', 'EXACT', []],
    ['münchen', 'PREFIX', ['80331', '80333', '80335', '81241']],
    ['st', 'PREFIX', ['66606', '66607', '66386', '70173']],
    ['st. in', 'PREFIX', ['66386']],
  ] as const)('finds %j (%s) as the oracle does', async (name, match, codes) => {
    const found = await byPlace(de, { name, match, countryCodes: ['DE'] });
    expect(found.edges.map((e) => e.node.postalCode)).toEqual(codes);
    expect(found.totalCount).toBe(codes.length);
    expect(keys(nameOracle(DE, { name, match }))).toEqual(codes.map((c) => `DE ${c}`));
  });

  it('searches every loaded country without countryCodes, and narrows to them with it', async () => {
    const everywhere = await byPlace(de, { name: 'Washington', match: 'EXACT' }, 1);
    expect(everywhere.totalCount).toBe(nameOracle(US, { name: 'Washington', match: 'EXACT' }).length);
    const german = await byPlace(de, { name: 'Washington', match: 'EXACT', countryCodes: ['de'] });
    expect(german.totalCount).toBe(0);
    expect(german.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  });
});

describe('Query.locationsByPlace refuses bad arguments as BAD_USER_INPUT, naming them', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a name longer than any place name', { name: 'x'.repeat(201), match: 'EXACT', first: 20 }, /^`name` must be at most 200 characters, got 201\.$/],
    ['a name with no letter or digit', { name: ' -. ', match: 'EXACT', first: 20 }, /^`name` must have a letter or digit, got " -. "\.$/],
    ['a one-letter PREFIX', { name: 'B.', match: 'PREFIX', first: 20 }, /^`name` must have at least 2 characters for PREFIX, counted once case, accents and punctuation are set aside, got "B\."\.$/],
    ['an admin code that is no code', { name: 'Springfield', match: 'EXACT', admin: 'I L', first: 20 }, /^`adminCode` must be the code of a first-level administrative division/],
    ['a page over the maximum', { name: 'Springfield', match: 'EXACT', first: 1_001 }, /^`first` must be an integer from 1 to 1,000, got 1001\.$/],
    ['an empty countryCodes', { name: 'Springfield', match: 'EXACT', countries: [], first: 20 }, /^`countryCodes` is empty/],
  ])('%s', async (_, variables, message) => {
    expect(await refusal(us, BY_PLACE, variables)).toMatch(message);
  });

  it('refuses a cursor of another search', async () => {
    const first = await byPlace(us, { name: 'Springfield', match: 'EXACT' }, 2);
    const message = await refusal(us, BY_PLACE, { name: 'Springfield', match: 'PREFIX', first: 2, after: first.pageInfo.endCursor });
    expect(message).toMatch(/^`after` is a cursor from another search/);
  });

  it('answers SPATIAL_DATA_UNAVAILABLE for a country with no loaded data', async () => {
    const { body } = await us.graphql('{ locationsByPlace(name: "Paris", countryCodes: ["FR"]) { totalCount } }');
    expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['locationsByPlace'], 'SPATIAL_DATA_UNAVAILABLE']]);
  });
});

const ring = (...corners: Position[]): Position[] => [...corners, corners[0]!];
const inArea = (server: TestServer, area: { box?: object; polygon?: readonly (readonly Position[])[] }, first = 20, after: string | null = null, countries?: string[]) =>
  page(server, IN_AREA, { box: area.box ?? null, polygon: area.polygon ?? null, first, after, countries: countries ?? null });

describe('Query.locationsInArea over the bundled US data, against an even-odd scan of every code', () => {
  const polygons: Record<string, Position[][]> = {
    'a triangle': [ring([-100, 36], [-90, 36], [-95, 42])],
    'a polygon with a hole': [ring([-88.5, 41.5], [-87.3, 41.5], [-87.3, 42.3], [-88.5, 42.3]), ring([-87.7, 41.85], [-87.6, 41.85], [-87.6, 41.92], [-87.7, 41.92])],
    'a concave polygon': [ring([-74.1, 40.6], [-73.8, 40.6], [-73.8, 40.9], [-73.9, 40.9], [-73.9, 40.7], [-74.0, 40.7], [-74.0, 40.9], [-74.1, 40.9])],
  };

  it.each(Object.entries(polygons))('pages the codes of %s to the end, by code, totalCount on every page', async (_, polygon) => {
    const expected = keys(areaOracle(US, (p) => inPolygon(polygon, p)));
    const { keys: found, pages, totalCount } = await allPages((after) => inArea(us, { polygon }, 100, after));
    expect(found).toEqual(expected);
    expect(new Set(found).size).toBe(found.length);
    expect(totalCount).toBe(expected.length);
    expect(pages).toBe(Math.ceil(expected.length / 100));
  });

  it.each([
    ['around Chicago', { west: -88, south: 41.6, east: -87.5, north: 42.1 }],
    ['across the antimeridian: the Aleutians, Wake Island and Guam', { west: 140, south: 10, east: -170, north: 60 }],
  ])('lists the codes of a box %s, edges included', async (_, box) => {
    const expected = keys(areaOracle(US, (p) => inBox(box, p)));
    const { keys: found, totalCount } = await allPages((after) => inArea(us, { box }, 50, after));
    expect(found).toEqual(expected);
    expect(totalCount).toBe(expected.length);
  });

  it('reaches across the antimeridian: codes east of 140° E and west of 170° W in one box', async () => {
    const { body } = await us.graphql('{ locationsInArea(boundingBox: { west: 140, south: 10, east: -170, north: 60 }, first: 1000) { edges { node { postalCode placeName longitude } } } }');
    const longitudes = (body.data!.locationsInArea.edges as { node: { longitude: number } }[]).map((e) => e.node.longitude);
    expect(longitudes.filter((l) => l > 140).length).toBeGreaterThan(0);
    expect(longitudes.filter((l) => l < -170).length).toBeGreaterThan(0);
    expect(longitudes.filter((l) => l > -170 && l < 140)).toEqual([]);
  });

  it('is cacheable for a day, as the other searches are', async () => {
    const { headers } = await us.graphql('{ locationsInArea(boundingBox: { west: -88, south: 41.6, east: -87.5, north: 42.1 }) { totalCount } }');
    expect(headers.get('cache-control')).toBe('max-age=86400, public');
  });
});

describe('Query.locationsInArea refuses a malformed area as BAD_USER_INPUT, naming the ring and position', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['neither area', {}, 'Give exactly one area, `boundingBox` or `polygon`; got neither.'],
    ['both areas', { box: { west: 0, south: 0, east: 1, north: 1 }, polygon: [ring([0, 0], [1, 0], [1, 1])] }, 'Give exactly one area, `boundingBox` or `polygon`; got both.'],
    [
      'a ring that is not closed',
      { polygon: [[[0, 0], [1, 0], [1, 1], [0, 1]]] },
      '`polygon` ring 0 (the outer boundary) is not closed: its last position (3) must repeat its first, [0,0], got [0,1].',
    ],
    ['a ring of 3 positions', { polygon: [ring([0, 0], [1, 0], [1, 1]), [[0, 0], [1, 1], [0, 0]]] }, '`polygon` ring 1 (a hole) has 3 positions; a ring needs at least 4: three corners and the first again to close it.'],
    [
      'a latitude outside ±90',
      { polygon: [[[0, 0], [1, 0], [1, 90.5], [0, 0]]] },
      '`polygon` ring 0 (the outer boundary), position 2: the latitude (second) must be in degrees from -90 to 90, got 90.5. GeoJSON positions are [longitude, latitude].',
    ],
    [
      'latitude and longitude swapped',
      { polygon: [[[-33.9, 151.2], [-33.8, 151.2], [-33.8, 151.3], [-33.9, 151.2]]] },
      '`polygon` ring 0 (the outer boundary), position 0: the latitude (second) must be in degrees from -90 to 90, got 151.2. GeoJSON positions are [longitude, latitude].',
    ],
    ['a box with south north of north', { box: { west: 0, south: 2, east: 1, north: 1 } }, '`boundingBox.south` (2) is north of `boundingBox.north` (1).'],
  ])('%s', async (_, variables, message) => {
    expect(await refusal(us, IN_AREA, { first: 20, ...variables })).toBe(message);
  });
});
