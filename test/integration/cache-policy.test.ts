/**
 * Our per-operation cache policy (src/graphql/operation/cache-policy.ts, set by the cache-control
 * plugin) against Apollo Server's per-field cache-control plugin, which it replaces: the same
 * schema, the same operations, the same `Cache-Control`, except where cache-policy.ts says we are
 * stricter on purpose.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { Locator } from '../../src/geocoding/locator.js';
import { usData, usEmbedded } from '../support/embedded.js';
import { TimeZones } from '../../src/geocoding/time-zones.js';
import { RequestContext, type Context } from '../../src/graphql/context.js';
import { OperationAnalyzer } from '../../src/graphql/operation/analysis.js';
import { cacheControlPlugin } from '../../src/graphql/plugins/cache-control.js';
import { createSchema } from '../../src/graphql/schema.js';
import { ResponseWarnings } from '../../src/graphql/warnings.js';
import { PlaceNameSearch } from '../../src/place-names/place-name-search.js';
import { SpatialSearch } from '../../src/spatial/spatial-search.js';
import { WorkBudget } from '../../src/work-budget.js';

const logger = pino({ level: 'silent' });
const config = loadConfig({ NODE_ENV: 'test' });
const data = usData();
const geocoder = usEmbedded(data);
const locator = new Locator(geocoder, { maxEntries: 1_000, ttlMs: 60_000, notFoundTtlMs: 60_000, batchWindowMs: 0 }, logger);
const timeZones = new TimeZones({ logger });
const spatial = new SpatialSearch(() => data.current, data.answering, config.limits);
const names = new PlaceNameSearch(() => data.current, data.answering, config.limits);
const context = (): Context => {
  const warnings = new ResponseWarnings();
  return new RequestContext(locator.forOperation({ listener: warnings }), timeZones, spatial, names, 'test', warnings, undefined, new WorkBudget(1e6), () => logger);
};
const analyzer = (limits = config.limits) => new OperationAnalyzer({ toCanonical: (c) => c, limits, maxPlanFields: 10_000, maxHeldFields: 100_000 });

/** Apollo's default plugin, as a subgraph has it unless told otherwise. */
const apollos = new ApolloServer<Context>({ schema: createSchema(), introspection: true });
const ours = new ApolloServer<Context>({
  schema: createSchema(),
  introspection: true,
  plugins: [ApolloServerPluginCacheControlDisabled(), cacheControlPlugin(analyzer())],
});

beforeAll(async () => {
  await geocoder.ready();
  await Promise.all([apollos.start(), ours.start()]);
});
afterAll(() => Promise.all([apollos.stop(), ours.stop()]));

async function cacheControl(server: ApolloServer<Context>, query: string, variables?: Record<string, unknown>): Promise<string | undefined> {
  const response = await server.executeOperation({ query, ...(variables && { variables }) }, { contextValue: context() });
  return response.http.headers.get('cache-control');
}

const location = (postalCode: string) => ({ __typename: 'Location', postalCode, countryCode: 'US' });

describe('Cache-Control from per-operation hints', () => {
  it.each<[string, string, Record<string, unknown>?]>([
    ['a location', '{ location(postalCode: "90210") { placeName } }'],
    ['a location with __typename', '{ __typename location(postalCode: "90210") { __typename placeName } }'],
    ['an unknown code (an error)', '{ location(postalCode: "00000") { placeName } }'],
    ['a malformed code (an error)', '{ distance(from: "abc", to: "10001") { miles } }'],
    ['a distance and its locations, through a named fragment', 'query { distance(from: "90210", to: "10001") { ...D } } fragment D on Distance { miles from { placeName } to { ...L } } fragment L on Location { placeName }'],
    ['aliases of two root fields', '{ a: location(postalCode: "90210") { placeName } b: distance(from: "90210", to: "60601") { miles } }'],
    ['an inline fragment on the root', '{ ... on Query { location(postalCode: "90210") { placeName } } }'],
    ['distances', '{ distances(pairs: [{ from: "90210", to: "10001" }, { from: "60601", to: "94105" }]) { kilometers to { placeName } } }'],
    ['a matrix whose rows inherit its hint', '{ distanceMatrix(origins: ["90210"], destinations: ["10001"]) { rows { origin { placeName } distances { miles } } } }'],
    ['a matrix without rows', '{ distanceMatrix(origins: ["90210"], destinations: ["10001"]) { origins { placeName } } }'],
    ['distanceTo from a location', '{ location(postalCode: "90210") { distanceTo(postalCode: "10001") { miles to { placeName } } } }'],
    [
      'a page of codes nearby, with its page info',
      '{ location(postalCode: "10001") { nearby(radius: 2, first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor distance node { placeName } } } } }',
    ],
    ['the codes nearest a point', '{ nearestLocations(latitude: 40.75, longitude: -73.99, first: 2) { edges { meters node { postalCode } } pageInfo { hasNextPage } } }'],
    ['a search of a country with no loaded data (an error)', '{ nearestLocations(latitude: 40.75, longitude: -73.99, countryCodes: ["CA"]) { totalCount } }'],
    ['the codes of a place name', '{ locationsByPlace(name: "bever", match: PREFIX, first: 2) { totalCount edges { cursor node { postalCode } } pageInfo { endCursor } } }'],
    ['the codes in an area', '{ locationsInArea(boundingBox: { west: -88, south: 41.8, east: -87.6, north: 41.9 }, first: 2) { edges { node { placeName } } pageInfo { hasNextPage } } }'],
    ['a malformed polygon (an error)', '{ locationsInArea(polygon: [[[0, 0], [1, 0], [0, 0]]]) { totalCount } }'],
    ['only __typename', '{ __typename }'],
    ['_service', '{ _service { sdl } }'],
    ['introspection alone', '{ __schema { queryType { name } } }'],
    ['_entities', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName distanceTo(postalCode: "10001") { miles } } } }', { r: [location('90210'), location('60601')] }],
    ['_entities with an unknown code (an error)', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName } } }', { r: [location('00000')] }],
    ['two operations and no operation name (an error)', 'query A { _service { sdl } } query B { location(postalCode: "90210") { placeName } }'],
    ['a parse error', '{ location(postalCode: "90210") { placeName }'],
    ['a validation error', '{ location(postalCode: "90210") { nope } }'],
  ])('matches Apollo’s plugin: %s', async (_, query, variables) => {
    const expected = await cacheControl(apollos, query, variables);
    expect(expected).toBeDefined();
    expect(await cacheControl(ours, query, variables)).toBe(expected);
  });

  it('is stricter than Apollo’s plugin for introspection beside a hinted field: not cached', async () => {
    const query = '{ __schema { queryType { name } } location(postalCode: "90210") { placeName } }';
    expect(await cacheControl(apollos, query)).toBe('max-age=86400, public');
    expect(await cacheControl(ours, query)).toBe('no-store');
  });

  it('keeps an empty _entities answer for a day, where Apollo’s plugin (which sees no entity type) forbids storing it', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName } } }';
    expect(await cacheControl(apollos, query, { r: [] })).toBe('no-store');
    expect(await cacheControl(ours, query, { r: [] })).toBe('max-age=86400, public');
  });
});

describe('Cache-Control from per-operation hints, on a schema with every kind of hint', () => {
  const typeDefs = `
    directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
    enum CacheControlScope { PUBLIC PRIVATE }
    type Query {
      long: Long
      short: Short
      unhinted: Plain
      inheriting: Inheriting
      fieldHinted: Long @cacheControl(maxAge: 5)
      scalar: Int
      hintedScalar: Int @cacheControl(maxAge: 30)
      private: Private
      node: Node
      list: [Long!]!
    }
    type Long @cacheControl(maxAge: 1000) { n: Int short: Short plain: Plain inherits: Inheriting fieldInherits: Plain @cacheControl(inheritMaxAge: true) }
    type Short @cacheControl(maxAge: 10) { n: Int }
    type Plain { n: Int long: Long }
    type Inheriting @cacheControl(inheritMaxAge: true) { n: Int short: Short }
    type Private @cacheControl(maxAge: 100, scope: PRIVATE) { n: Int }
    interface Node @cacheControl(maxAge: 50) { id: ID }
    type Thing implements Node @cacheControl(maxAge: 2000) { id: ID }
  `;
  const object = () => ({});
  const resolvers = {
    Query: { long: object, short: object, unhinted: object, inheriting: object, fieldHinted: object, scalar: () => 1, hintedScalar: () => 1, private: object, node: () => ({ id: '1' }), list: () => [{}, {}] },
    Long: { short: object, plain: object, inherits: object, fieldInherits: object },
    Plain: { long: object },
    Inheriting: { short: object },
    Node: { __resolveType: () => 'Thing' },
  };
  const theirs = new ApolloServer<Context>({ typeDefs, resolvers });
  const mine = new ApolloServer<Context>({ typeDefs, resolvers, plugins: [ApolloServerPluginCacheControlDisabled(), cacheControlPlugin(analyzer())] });
  beforeAll(() => Promise.all([theirs.start(), mine.start()]));
  afterAll(() => Promise.all([theirs.stop(), mine.stop()]));

  it.each([
    ['{ long { n } }', 'max-age=1000, public'],
    ['{ long { short { n } } }', 'max-age=10, public'],
    ['{ list { n } }', 'max-age=1000, public'],
    ['{ unhinted { n } }', 'no-store'],
    ['{ long { plain { n } } }', 'no-store'],
    ['{ long { inherits { n } } }', 'max-age=1000, public'],
    ['{ long { inherits { short { n } } } }', 'max-age=10, public'],
    ['{ long { fieldInherits { n } } }', 'max-age=1000, public'],
    ['{ inheriting { n } }', 'no-store'],
    ['{ fieldHinted { n } }', 'max-age=5, public'],
    ['{ scalar }', 'no-store'],
    ['{ hintedScalar }', 'max-age=30, public'],
    ['{ private { n } }', 'max-age=100, private'],
    ['{ long { n } private { n } }', 'max-age=100, private'],
    ['{ node { id } }', 'max-age=50, public'],
    ['{ node { ... on Thing { id } } }', 'max-age=50, public'],
  ])('%s: %s, as Apollo’s plugin says', async (query, header) => {
    const their = await theirs.executeOperation({ query }, { contextValue: context() });
    const my = await mine.executeOperation({ query }, { contextValue: context() });
    expect(their.http.headers.get('cache-control')).toBe(header);
    expect(my.http.headers.get('cache-control')).toBe(header);
  });
});
