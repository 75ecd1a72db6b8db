/**
 * SCHEMA_PREFIX: the same service under other names. Two services run side by side, one with the
 * canonical names and one with `SCHEMA_PREFIX=Postal`, and every behaviour is compared between them
 * on the wire: answers, errors, limits and cache hints must differ in nothing but the names.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kind, parse, validate } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema, namingFor, typeDefs } from '../../src/graphql/schema.js';
import { usEmbedded } from '../support/embedded.js';
import { CANONICAL_NAMING } from '../../src/graphql/naming.js';
import { exampleOperation } from '../../src/graphql/apollo.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';

const embedded = usEmbedded();
// Small limits, so that the comparisons below can break them cheaply.
const LIMITS = { MAX_DISTANCE_PAIRS: '2', MAX_MATRIX_CELLS: '81', MAX_ENTITIES: '3', MAX_NEARBY_RESULTS: '5' };
let canonical: TestServer;
let prefixed: TestServer;

beforeAll(async () => {
  [canonical, prefixed] = await Promise.all([
    startTestServer(LIMITS, new CountingGeocoder(embedded)),
    startTestServer({ ...LIMITS, SCHEMA_PREFIX: 'Postal' }, new CountingGeocoder(embedded)),
  ]);
});
afterAll(() => Promise.all([canonical.stop(), prefixed.stop()]));

const postal = namingFor('Postal');
/** A response or SDL of the prefixed service with its served names mapped back to the canonical ones. */
const canonicalized = (text: string): string => text.replace(/\b[Pp]ostal[A-Z]\w*/g, postal.toCanonical);
/** A response body without error locations: the prefixed operations are longer, so columns differ. */
const withoutLocations = (body: GraphQLResponse['body']) => ({ ...body, ...(body.errors && { errors: body.errors.map(({ locations: _, ...error }) => error) }) });

const sdlOf = async (server: TestServer): Promise<string> => (await server.graphql('{ _service { sdl } }')).body.data!._service.sdl as string;

describe('with SCHEMA_PREFIX=Postal', () => {
  it("prints every type it defines and every root field under the prefix in _service { sdl }, and federation's own as they are", async () => {
    const document = parse(await sdlOf(prefixed));
    const types = document.definitions.flatMap((d) => ('name' in d && d.name && d.kind !== Kind.DIRECTIVE_DEFINITION ? [d.name.value] : []));
    const federations = (name: string): boolean => name.startsWith('_') || name.includes('__');
    // Every type schema.graphql defines, in its order, under the prefix; the root type keeps its name.
    const defined = typeDefs.definitions.flatMap((d) => ('name' in d && d.name && d.kind !== Kind.DIRECTIVE_DEFINITION ? [d.name.value] : []));
    expect(defined).toContain('LocationPrecision');
    expect(types.filter((name) => !federations(name))).toEqual(defined.map((name) => (name === 'Query' ? name : `Postal${name}`)));
    expect(types.filter(federations).sort()).toEqual([
      '_Any',
      '_Entity',
      '_Service',
      'federation__ContextFieldValue',
      'federation__FieldSet',
      'federation__Policy',
      'federation__Scope',
      'link__Import',
      'link__Purpose',
    ]);
    const query = document.definitions.find((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Query');
    expect(query?.kind === Kind.OBJECT_TYPE_DEFINITION && query.fields?.map((f) => f.name.value)).toEqual([
      'postalLocation',
      'postalDistance',
      'postalDistances',
      'postalDistanceMatrix',
      'postalNearestLocations',
      'postalDatasets',
      'postalLocationsInArea',
      'postalLocationsByPlace',
      '_entities',
      '_service',
    ]);
  });

  it('prints the same schema as the canonical service but for the names', async () => {
    expect(canonicalized(await sdlOf(prefixed))).toBe(await sdlOf(canonical));
  });

  it('prints with `npm run schema:print` exactly what it serves, configured limits included', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'build/print-schema.ts'], {
      env: { PATH: process.env.PATH ?? '', ...LIMITS, SCHEMA_PREFIX: 'Postal' },
    });
    const served = await sdlOf(prefixed);
    expect(stdout).toBe(`${served}\n`);
    // A matrix side of 3: the square root of the middle (9) of 81 cells.
    expect(served).toMatch(/rows: \[PostalDistanceMatrixRow!\]! @listSize\(assumedSize: 3\)/);
  });

  it('preloads the explorer with an example operation valid against the schema it serves, and only that one', () => {
    const prefixedSchema = createSchema({ naming: postal });
    const canonicalSchema = createSchema();
    expect(exampleOperation(postal)).toMatch(/^ {2}postalDistance\(from: "90210", to: "10001"\) \{$/m);
    expect(validate(prefixedSchema, parse(exampleOperation(postal)))).toEqual([]);
    expect(validate(canonicalSchema, parse(exampleOperation(CANONICAL_NAMING)))).toEqual([]);
    expect(validate(canonicalSchema, parse(exampleOperation(postal))).map((e) => e.message)).toEqual(['Cannot query field "postalDistance" on type "Query". Did you mean "distance"?']);
  });

  // Each case: the operation for the canonical names and for the prefixed ones. Aliases keep the
  // response keys and error paths equal, so whole responses compare.
  const CASES = [
    ['a location', '{ r: location(postalCode: "90210") { postalCode placeName latitude } }', '{ r: postalLocation(postalCode: "90210") { postalCode placeName latitude } }'],
    ['an unknown code', '{ r: location(postalCode: "00000") { placeName } }', '{ r: postalLocation(postalCode: "00000") { placeName } }'],
    ['a malformed code', '{ r: distance(from: "90210", to: "not a code!") { miles } }', '{ r: postalDistance(from: "90210", to: "not a code!") { miles } }'],
    [
      'a distance from a location',
      '{ r: location(postalCode: "10001") { distanceTo(postalCode: "90210", method: HAVERSINE) { miles method to { placeName } } } }',
      '{ r: postalLocation(postalCode: "10001") { distanceTo(postalCode: "90210", method: HAVERSINE) { miles method to { placeName } } } }',
    ],
    [
      'a matrix',
      '{ r: distanceMatrix(origins: ["10001", "00000"], destinations: ["90210"]) { rows { origin { postalCode } distances { kilometers } } } }',
      '{ r: postalDistanceMatrix(origins: ["10001", "00000"], destinations: ["90210"]) { rows { origin { postalCode } distances { kilometers } } } }',
    ],
    [
      'too many pairs',
      '{ r: distances(pairs: [{ from: "10001", to: "90210" }, { from: "10001", to: "60601" }, { from: "60601", to: "90210" }]) { miles } }',
      '{ r: postalDistances(pairs: [{ from: "10001", to: "90210" }, { from: "10001", to: "60601" }, { from: "60601", to: "90210" }]) { miles } }',
    ],
    ['an input of the wrong type', '{ r: distances(pairs: [{ from: 10001 }]) { miles } }', '{ r: postalDistances(pairs: [{ from: 10001 }]) { miles } }'],
    [
      'a page of codes nearby, with its cursors',
      '{ r: location(postalCode: "10001") { nearby(radius: 3, unit: MILES, first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor distance node { __typename postalCode } } } } }',
      '{ r: postalLocation(postalCode: "10001") { nearby(radius: 3, unit: MILES, first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor distance node { __typename postalCode } } } } }',
    ],
    [
      'the codes nearest a point',
      '{ r: nearestLocations(latitude: 40.75, longitude: -73.99, first: 2) { __typename edges { __typename node { postalCode } } pageInfo { __typename } } }',
      '{ r: postalNearestLocations(latitude: 40.75, longitude: -73.99, first: 2) { __typename edges { __typename node { postalCode } } pageInfo { __typename } } }',
    ],
    ['a page over MAX_NEARBY_RESULTS', '{ r: nearestLocations(latitude: 0, longitude: 0, first: 6) { totalCount } }', '{ r: postalNearestLocations(latitude: 0, longitude: 0, first: 6) { totalCount } }'],
    [
      'a search of a country with no loaded data',
      '{ r: nearestLocations(latitude: 45.42, longitude: -75.69, countryCodes: ["CA"]) { totalCount } }',
      '{ r: postalNearestLocations(latitude: 45.42, longitude: -75.69, countryCodes: ["CA"]) { totalCount } }',
    ],
    [
      'the codes of a place name',
      '{ r: locationsByPlace(name: "bever", match: PREFIX, first: 2) { __typename totalCount edges { __typename cursor node { __typename postalCode } } } }',
      '{ r: postalLocationsByPlace(name: "bever", match: PREFIX, first: 2) { __typename totalCount edges { __typename cursor node { __typename postalCode } } } }',
    ],
    [
      'the codes in an area',
      '{ r: locationsInArea(boundingBox: { west: -88, south: 41.8, east: -87.6, north: 41.9 }, first: 2) { totalCount pageInfo { __typename endCursor } edges { node { postalCode } } } }',
      '{ r: postalLocationsInArea(boundingBox: { west: -88, south: 41.8, east: -87.6, north: 41.9 }, first: 2) { totalCount pageInfo { __typename endCursor } edges { node { postalCode } } } }',
    ],
    ['a malformed polygon', '{ r: locationsInArea(polygon: [[[0, 0], [1, 0], [0, 0]]]) { totalCount } }', '{ r: postalLocationsInArea(polygon: [[[0, 0], [1, 0], [0, 0]]]) { totalCount } }'],
  ] as const;

  it('serves the inputs and enums of the searches under the prefix, as variables name them', async () => {
    const query = `query($box: PostalBoundingBoxInput, $match: PostalPlaceMatch!) {
      a: postalLocationsInArea(boundingBox: $box, first: 1) { totalCount }
      p: postalLocationsByPlace(name: "bever", match: $match, first: 1) { totalCount }
    }`;
    const { body } = await prefixed.graphql(query, { box: { west: -88, south: 41.8, east: -87.6, north: 41.9 }, match: 'PREFIX' });
    expect(body.errors).toBeUndefined();
    const expected = await canonical.graphql(query.replaceAll('Postal', '').replace(/postalL/g, 'l'), { box: { west: -88, south: 41.8, east: -87.6, north: 41.9 }, match: 'PREFIX' });
    expect(expected.body.errors).toBeUndefined();
    expect(body.data).toEqual(expected.body.data);
  });

  it.each(CASES)('answers %s exactly as the canonical service does, with the same Cache-Control', async (_, canonicalQuery, prefixedQuery) => {
    const [expected, got] = await Promise.all([canonical.graphql(canonicalQuery), prefixed.graphql(prefixedQuery)]);
    expect(canonicalized(JSON.stringify(withoutLocations(got.body)))).toBe(JSON.stringify(withoutLocations(expected.body)));
    expect([got.status, got.headers.get('cache-control')]).toEqual([expected.status, expected.headers.get('cache-control')]);
  });

  const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on TYPE { postalCode placeName } } }';
  const representations = (typename: string, codes: string[]) => codes.map((postalCode) => ({ __typename: typename, postalCode, countryCode: 'US' }));

  it('resolves entities under the renamed __typename, with the same answers, limits and Cache-Control', async () => {
    for (const codes of [['90210', '10001'], ['90210', '00000'], ['90210', '10001', '60601', '73301']]) {
      const [expected, got] = await Promise.all([
        canonical.graphql(ENTITIES.replace('TYPE', 'Location'), { r: representations('Location', codes) }),
        prefixed.graphql(ENTITIES.replace('TYPE', 'PostalLocation'), { r: representations('PostalLocation', codes) }),
      ]);
      expect(canonicalized(JSON.stringify(got.body))).toBe(JSON.stringify(expected.body));
      expect(got.headers.get('cache-control')).toBe(expected.headers.get('cache-control'));
    }
    const { body, headers } = await prefixed.graphql(ENTITIES.replace('TYPE', 'PostalLocation'), { r: representations('PostalLocation', ['90210']) });
    expect(body).toEqual({ data: { _entities: [{ __typename: 'PostalLocation', postalCode: '90210', placeName: 'Beverly Hills' }] } });
    expect(headers.get('cache-control')).toBe('max-age=86400, public');
  });
});
