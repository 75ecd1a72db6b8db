/**
 * The federation recipes (docs/federation.md, examples/recipes/): each composed with
 * `@apollo/composition` as a new user would compose it, and queried through both router
 * implementations. Recording proxies in front of every subgraph count what the routers send.
 */
import { print, type DocumentNode } from 'graphql';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { fitnessTypeDefs, flybyTypeDefs, places, workouts } from '../../examples/recipes/prefix.js';
import { directory } from '../../examples/recipes/directory.js';
import { RECIPES, type Recipe } from '../../examples/recipes/index.js';
import { shippingSubgraph, shippingZone } from '../../examples/recipes/shipping.js';
import { stores, storesSubgraphOf, type StoreRecord } from '../../examples/stores/server.js';
import {
  composeSupergraph,
  CompositionError,
  fetchSubgraphSdl,
  startApolloGateway,
  startHiveGateway,
  startSubgraph,
  type RouterOptions,
  type RunningRouter,
  type RunningSubgraph,
} from '../../examples/supergraph.js';
import { keyId } from '../../src/postal/postal-code.js';
import { usEmbedded } from '../support/embedded.js';
import { namingFor, servedTypeDefs } from '../../src/graphql/schema.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { usRow } from '../support/geonames.js';
import { areaOracle, codesOf, inPolygon, nameOracle, type Position } from '../support/place-search.js';
import { geodesicScan, usCodes, within } from '../support/spatial.js';
import { startRecordingProxy, type Exchange, type RecordingProxy } from '../support/recording-proxy.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';

const embedded = usEmbedded();

/** This subgraph's SDL as served under a prefix (`''`: the canonical names), for composition alone. */
const ours = (prefix: string): string => print(servedTypeDefs({ naming: namingFor(prefix) }));

/** The error codes composition fails with, in its order; `[]` when it composes. */
function compositionErrors(subgraphs: Record<string, string | DocumentNode>): readonly string[] {
  try {
    const { hints } = composeSupergraph(Object.entries(subgraphs).map(([name, sdl]) => ({ name, url: `http://${name}.example/graphql`, sdl: typeof sdl === 'string' ? sdl : print(sdl) })));
    expect(hints.map((h) => `${h.definition.code}: ${h.message}`)).toEqual([]);
    return [];
  } catch (error) {
    if (!(error instanceof CompositionError)) throw error;
    return error.codes;
  }
}

describe('composition beside subgraphs that already use our names', () => {
  it('fails beside a FlyBy-like Location subgraph: Query.location(id:) and ours collide', () => {
    expect(compositionErrors({ locations: ours(''), flyby: flybyTypeDefs })).toEqual([
      'REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH',
      'REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH',
      'INVALID_FIELD_SHARING',
    ]);
  });

  it('still fails when that team renames only its root fields: the two Location types cannot satisfy each other', () => {
    const renamedRoots = print(flybyTypeDefs).replace('location(id: ID!)', 'flybyLocation(id: ID!)').replace('locations:', 'flybyLocations:');
    expect(renamedRoots).toMatch(/flybyLocation\(id: ID!\)[\s\S]*flybyLocations:|flybyLocations:[\s\S]*flybyLocation\(id: ID!\)/);
    const codes = compositionErrors({ locations: ours(''), flyby: renamedRoots });
    expect(new Set(codes)).toEqual(new Set(['SATISFIABILITY_ERROR']));
    expect(codes.length).toBeGreaterThan(0);
  });

  it('fails beside a fitness subgraph with its own Distance { value unit }', () => {
    // One error per field of either Distance the other subgraph cannot resolve, on every path to it.
    const codes = compositionErrors({ locations: ours(''), fitness: fitnessTypeDefs });
    expect(new Set(codes)).toEqual(new Set(['SATISFIABILITY_ERROR']));
    expect(codes.length).toBeGreaterThan(0);
  });

  it('composes beside both with SCHEMA_PREFIX=Postal, with no errors and no hints', () => {
    expect(compositionErrors({ locations: ours('Postal'), flyby: flybyTypeDefs, fitness: fitnessTypeDefs })).toEqual([]);
  });

  it('composes beside a subgraph that @provides our place names on its Store.location, with no errors and no hints', () => {
    expect(compositionErrors({ locations: ours(''), directory: RECIPES.provide.subgraphs[0]!.typeDefs })).toEqual([]);
  });

  it('composes beside a subgraph with Relay connections of its own and a PageInfo it does not share', () => {
    // Most Relay subgraphs: `PageInfo` is theirs, not @shareable. Ours is LocationPageInfo, so the two never meet.
    const posts = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
      type Post @key(fields: "id") { id: ID! title: String! }
      type PostEdge { cursor: String! node: Post! }
      type PostConnection { edges: [PostEdge!]! pageInfo: PageInfo! }
      type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
      type Query { posts(first: Int, after: String): PostConnection! }`;
    expect(compositionErrors({ locations: ours(''), posts })).toEqual([]);
  });

  it('fails to compose a field contributed to Location with an unresolvable key, with the error that says so', () => {
    const unresolvable = print(shippingSubgraph.typeDefs).replace('@key(fields: "postalCode countryCode")', '@key(fields: "postalCode countryCode", resolvable: false)');
    try {
      composeSupergraph([
        { name: 'locations', url: 'http://locations.example/graphql', sdl: ours('') },
        { name: 'shipping', url: 'http://shipping.example/graphql', sdl: unresolvable },
      ]);
      expect.unreachable('composition should fail');
    } catch (error) {
      expect((error as CompositionError).codes).toEqual(['SATISFIABILITY_ERROR']);
      expect((error as CompositionError).message).toContain(
        'cannot move to subgraph "shipping", which has field "Location.shippingZone", because none of the @key defined on type "Location" in subgraph "shipping" are resolvable',
      );
    }
  });
});

/** A recipe's supergraph, running: our subgraph and the recipe's, each behind a recording proxy, and a router. */
interface RunningRecipe {
  readonly geocoder: CountingGeocoder;
  /** The proxy in front of each subgraph, by name (`locations` is ours). */
  readonly proxies: Readonly<Record<string, RecordingProxy>>;
  query(text: string): Promise<GraphQLResponse['body']>;
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((stop) => stop()));
  cleanup = [];
});

/** Starts a recipe's supergraph, composed from what the running subgraphs print, as rover dev and registries do. */
async function startRecipe(recipe: Recipe, start: (options: RouterOptions) => Promise<RunningRouter>): Promise<RunningRecipe> {
  const geocoder = new CountingGeocoder(embedded);
  const locations: TestServer = await startTestServer(recipe.env, geocoder);
  cleanup.push(() => locations.stop());
  const others: RunningSubgraph[] = await Promise.all(recipe.subgraphs.map((subgraph) => startSubgraph(subgraph, { port: 0, host: '127.0.0.1', quiet: true })));
  cleanup.push(...others.map((other) => () => other.stop()));
  const targets = [{ name: 'locations', url: `${locations.url}/graphql` }, ...recipe.subgraphs.map((subgraph, i) => ({ name: subgraph.name, url: others[i]!.url }))];
  const proxies: Record<string, RecordingProxy> = {};
  for (const { name, url } of targets) {
    proxies[name] = await startRecordingProxy(url);
    cleanup.push(() => proxies[name]!.close());
  }
  const sources = await Promise.all(targets.map(async ({ name, url }) => ({ name, url: proxies[name]!.url, sdl: await fetchSubgraphSdl(url) })));
  const { supergraphSdl, hints } = composeSupergraph(sources);
  expect(hints.map((h) => `${h.definition.code}: ${h.message}`)).toEqual([]);
  const router = await start({ supergraphSdl, port: 0 });
  cleanup.push(() => router.stop());
  return {
    geocoder,
    proxies,
    async query(text) {
      const res = await fetch(router.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
      return (await res.json()) as GraphQLResponse['body'];
    },
  };
}

/** Every representation of every `_entities` field an exchange carried. */
const representationsOf = (exchange: Exchange): Record<string, unknown>[] =>
  Object.entries(exchange.request.variables ?? {})
    .filter(([name]) => name.endsWith('representations'))
    .flatMap(([, value]) => value as Record<string, unknown>[]);

/**
 * What the routers do differently, all of it allowed: Apollo Gateway sends one request per fetch of
 * its plan (one per path to an entity) and reports a failed fetch once; Hive Gateway merges parallel
 * fetches to one subgraph into one request and reports the error on each field it asked for.
 */
const ROUTERS = [
  { name: 'Apollo Gateway (@apollo/gateway)', start: startApolloGateway, mergesFetches: false },
  { name: 'Hive Gateway (@graphql-hive/gateway-runtime)', start: startHiveGateway, mergesFetches: true },
];

describe.each(ROUTERS)('the recipes through $name', ({ start, mergesFetches }) => {
  it('join: stores reference Locations by their postal code column, and add the stores at a code to Location', async () => {
    const recipe = await startRecipe(RECIPES.join, start);
    const body = await recipe.query(RECIPES.join.query);
    expect(body.errors).toBeUndefined();
    const first3 = stores.slice(0, 3);
    expect((body.data!.stores as { name: string; location: { postalCode: string; placeName: string } }[]).map((s) => [s.name, s.location.postalCode, s.location.placeName])).toEqual(
      first3.map((s) => [s.name, s.postalCode, usRow(s.postalCode).placeName]),
    );
    expect(body.data!.location).toEqual({ placeName: 'Akutan', stores: [{ name: 'Akutan, AK' }, { name: 'Akutan, AK (second store)' }] });
    // Ours: the root `location`, and one _entities call for the 3 stores' locations.
    const { locations, stores: storesProxy } = recipe.proxies;
    expect(locations!.entityRequests().map((e) => representationsOf(e).length)).toEqual([3]);
    // The stores subgraph: the root `stores`, and one _entities call with the one Location asked for its stores.
    expect(storesProxy!.entityRequests().map((e) => representationsOf(e))).toEqual([[{ __typename: 'Location', postalCode: '99553', countryCode: 'US' }]]);
  });

  it('nearby: stores within 25 miles of 10001, nearest first, with one request here and one _entities call to the stores subgraph', async () => {
    const recipe = await startRecipe(RECIPES.nearby, start);
    const body = await recipe.query(RECIPES.nearby.query);
    expect(body.errors).toBeUndefined();
    const origin = usCodes().find((c) => c.postalCode === '10001')!;
    const expected = within(geodesicScan(usCodes(), origin, origin), 25 * 1609.344).slice(0, 100);
    const storesAt = (postalCode: string) => stores.filter((s) => s.postalCode === postalCode).map(({ name }) => ({ name }));
    expect(body.data).toEqual({
      location: {
        nearby: { edges: expected.map(({ postalCode, meters }) => ({ distance: meters / 1609.344, node: { postalCode, stores: storesAt(postalCode) } })) },
      },
    });
    // The stores it found, nearest first: Hoboken, across the river, among them.
    const found = (body.data!.location.nearby.edges as { node: { stores: { name: string }[] } }[]).flatMap((e) => e.node.stores.map((s) => s.name));
    expect(found).toEqual([
      'New York, NY (Chelsea)',
      'New York, NY (Penn Station)',
      'New York, NY (Garment District)',
      'New York, NY (Times Square)',
      'New York, NY (Union Square)',
      'Hoboken, NJ',
      'New York, NY (Lower East Side)',
    ]);
    // On the wire: one request here (the search), one _entities call there with every edge's Location.
    const { locations, stores: storesProxy } = recipe.proxies;
    expect(locations!.exchanges).toHaveLength(1);
    expect(locations!.entityRequests()).toEqual([]);
    expect(storesProxy!.exchanges).toHaveLength(1);
    expect(storesProxy!.entityRequests().map(representationsOf)).toEqual([expected.map(({ postalCode }) => ({ __typename: 'Location', postalCode, countryCode: 'US' }))]);
    // Only the origin was looked up: every edge came from the loaded data.
    expect(recipe.geocoder.batches).toEqual([[keyId({ postalCode: '10001', countryCode: 'US' })]]);
  });

  it('byPlace: the stores in the codes of Beverly Hills, with one request here and one _entities call to the stores subgraph', async () => {
    const recipe = await startRecipe(RECIPES.byPlace, start);
    const body = await recipe.query(RECIPES.byPlace.query);
    expect(body.errors).toBeUndefined();
    const codes = nameOracle(codesOf('US'), { name: 'Beverly Hills', match: 'EXACT', adminCode: 'CA' }).map((c) => c.postalCode);
    const storesAt = (postalCode: string) => stores.filter((s) => s.postalCode === postalCode).map(({ name }) => ({ name }));
    expect(body.data).toEqual({ locationsByPlace: { totalCount: codes.length, edges: codes.map((postalCode) => ({ node: { postalCode, stores: storesAt(postalCode) } })) } });
    const found = (body.data!.locationsByPlace.edges as { node: { stores: { name: string }[] } }[]).flatMap((e) => e.node.stores.map((s) => s.name));
    expect(found).toEqual(['Beverly Hills, CA (Rodeo Drive)', 'Beverly Hills, CA (Wilshire Boulevard)']);
    // On the wire: one request here (the search), one _entities call there with every edge's Location; no lookup.
    const { locations, stores: storesProxy } = recipe.proxies;
    expect(locations!.exchanges).toHaveLength(1);
    expect(locations!.entityRequests()).toEqual([]);
    expect(storesProxy!.exchanges).toHaveLength(1);
    expect(storesProxy!.entityRequests().map(representationsOf)).toEqual([codes.map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }))]);
    expect(recipe.geocoder.batches).toEqual([]);
  });

  it('inArea: the stores inside a polygon over Manhattan, with one request here and one _entities call to the stores subgraph', async () => {
    const recipe = await startRecipe(RECIPES.inArea, start);
    const body = await recipe.query(RECIPES.inArea.query);
    expect(body.errors).toBeUndefined();
    const polygon: Position[] = [[-74.019, 40.7], [-73.971, 40.709], [-73.958, 40.762], [-74.01, 40.762], [-74.019, 40.7]];
    const codes = areaOracle(codesOf('US'), (p) => inPolygon([polygon], p)).map((c) => c.postalCode);
    expect(codes.length).toBeLessThanOrEqual(200);
    const storesAt = (postalCode: string) => stores.filter((s) => s.postalCode === postalCode).map(({ name }) => ({ name }));
    expect(body.data).toEqual({ locationsInArea: { totalCount: codes.length, edges: codes.map((postalCode) => ({ node: { postalCode, stores: storesAt(postalCode) } })) } });
    // The Manhattan stores, by postal code; Hoboken, across the river, is outside.
    const found = (body.data!.locationsInArea.edges as { node: { stores: { name: string }[] } }[]).flatMap((e) => e.node.stores.map((s) => s.name));
    expect(found).toEqual([
      'New York, NY (Chelsea)',
      'New York, NY (Penn Station)',
      'New York, NY (Lower East Side)',
      'New York, NY (Union Square)',
      'New York, NY (Garment District)',
      'New York, NY (Times Square)',
    ]);
    const { locations, stores: storesProxy } = recipe.proxies;
    expect(locations!.exchanges).toHaveLength(1);
    expect(storesProxy!.exchanges).toHaveLength(1);
    expect(storesProxy!.entityRequests().map((e) => representationsOf(e).length)).toEqual([codes.length]);
    expect(recipe.geocoder.batches).toEqual([]);
  });

  it('contribute: shipping adds Location.shippingZone from the coordinates the router fetches from us first', async () => {
    const recipe = await startRecipe(RECIPES.contribute, start);
    const body = await recipe.query(RECIPES.contribute.query);
    expect(body.errors).toBeUndefined();
    const [from, to] = [usRow('90210'), usRow('10001')];
    expect(body.data!.distance).toMatchObject({
      from: { placeName: 'Beverly Hills', shippingZone: 'WEST' },
      to: { placeName: 'New York', shippingZone: 'EAST' },
    });
    expect([shippingZone(from.latitude, from.longitude), shippingZone(to.latitude, to.longitude)]).toEqual(['WEST', 'EAST']);
    // One request to us (the distance, with both ends' coordinates), then shipping's _entities carrying them:
    // one call per end (two paths, two fetches), merged into one request by Hive Gateway.
    expect(recipe.proxies.locations!.exchanges).toHaveLength(1);
    expect(recipe.proxies.shipping!.exchanges.map((e) => representationsOf(e).length)).toEqual(mergesFetches ? [2] : [1, 1]);
    expect(recipe.proxies.shipping!.exchanges.flatMap(representationsOf)).toEqual([
      { __typename: 'Location', postalCode: '90210', countryCode: 'US', latitude: from.latitude, longitude: from.longitude },
      { __typename: 'Location', postalCode: '10001', countryCode: 'US', latitude: to.latitude, longitude: to.longitude },
    ]);
  });

  it('provide: a query selecting only the provided place names asks the postal-distance subgraph nothing', async () => {
    const recipe = await startRecipe(RECIPES.provide, start);
    const body = await recipe.query(RECIPES.provide.query);
    expect(body).toEqual({ data: { directory: directory.map(({ name, placeName, adminCode }) => ({ name, location: { placeName, adminCode } })) } });
    expect(recipe.proxies.locations!.exchanges).toHaveLength(0);
    expect(recipe.proxies.directory!.exchanges).toHaveLength(1);
    expect(recipe.geocoder.batches).toEqual([]);

    // A field it does not provide sends the router to us, once, for every store.
    const more = await recipe.query('{ directory { location { placeName latitude } } }');
    expect(more.errors).toBeUndefined();
    expect((more.data!.directory as { location: { latitude: number } }[]).map((s) => s.location.latitude)).toEqual(directory.map((row) => usRow(row.postalCode).latitude));
    expect(recipe.proxies.locations!.entityRequests().map((e) => representationsOf(e).length)).toEqual([3]);
  });

  it('prefix: beside a FlyBy-like Location and a fitness Distance, answers with both and our _entities in one request', async () => {
    const recipe = await startRecipe(RECIPES.prefix, start);
    const body = await recipe.query(RECIPES.prefix.query);
    expect(body.errors).toBeUndefined();
    expect(body.data!.workouts).toEqual(workouts.map(({ name, distance }) => ({ name, distance })));
    const got = body.data!.locations as { name: string; postal: { placeName: string; distanceTo: { miles: number } } }[];
    expect(got.map((l) => [l.name, l.postal.placeName])).toEqual(places.map((p) => [p.name, usRow(p.postalCode).placeName]));
    expect(got[0]!.postal.distanceTo.miles).toBe(0); // 10001 to itself
    expect(got[1]!.postal.distanceTo.miles).toBeCloseTo(2458.737, 3);

    const { locations, flyby, fitness } = recipe.proxies;
    expect([locations, flyby, fitness].map((proxy) => proxy!.exchanges.length)).toEqual([1, 1, 1]);
    const [entities] = locations!.entityRequests();
    expect(representationsOf(entities!)).toEqual(places.map(({ postalCode }) => ({ __typename: 'PostalLocation', postalCode, countryCode: 'US' })));
    expect(recipe.geocoder.batches).toEqual([places.map(({ postalCode }) => keyId({ postalCode, countryCode: 'US' }))]);
  });

  it('limits: a router sends one _entities call for the whole list; the first MAX_ENTITIES resolve, each one past it is null with our error', async () => {
    const recipe = await startRecipe(RECIPES.limits, start);
    const body = await recipe.query(RECIPES.limits.query);
    // The first 150 stores are on 150 distinct codes, so deduplicating routers send as many.
    const first150 = stores.slice(0, 150);
    expect(new Set(first150.map((s) => s.postalCode)).size).toBe(150);
    // Never split into calls under the limit: one request, every representation in it.
    expect(recipe.proxies.locations!.exchanges).toHaveLength(1);
    expect(recipe.proxies.locations!.entityRequests().map((e) => representationsOf(e).length)).toEqual([150]);
    // The stores keep their own fields; the first 100 locations resolve, the other 50 are null with our error.
    expect(body.data!.stores).toEqual(first150.map(({ name, postalCode }, i) => ({ name, location: { placeName: i < 100 ? usRow(postalCode).placeName : null } })));
    expect(body.errors!.map((error) => error.path![1])).toEqual(first150.slice(100).map((_, i) => 100 + i));
    for (const error of body.errors!) {
      expect(error.message).toContain('Too many representations: 150 given, at most 100');
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', serviceName: 'locations' });
    }
  });
});

describe.each(ROUTERS)('a list of 1,500 stores with their distance, through $name', ({ start }) => {
  /** 1,500 stores on distinct US codes spread over the file: one `_entities` call of 1,500 representations. */
  const many: StoreRecord[] = usCodes()
    .filter((_, i) => i % 27 === 0)
    .slice(0, 1_500)
    .map(({ postalCode }, i) => ({ id: `store-${i}`, name: `Store ${i}`, postalCode, countryCode: 'US' }));
  const recipe = (env: Record<string, string>): Recipe => ({ title: '1,500 stores', env, subgraphs: [storesSubgraphOf(many)], query: '{ stores { name location { distanceTo(postalCode: "10001") { miles } } } }' });

  it('resolves at the default limits, in one _entities call and one geocoder batch of every code', async () => {
    expect(many).toHaveLength(1_500);
    const running = await startRecipe(recipe({}), start);
    const body = await running.query(recipe({}).query);
    expect(body.errors).toBeUndefined();
    const miles = (body.data!.stores as { location: { distanceTo: { miles: number } } }[]).map((s) => s.location.distanceTo.miles);
    expect(miles).toHaveLength(1_500);
    expect(miles.filter((m) => m > 0)).toHaveLength(many.filter((s) => s.postalCode !== '10001').length);
    expect(running.proxies.locations!.entityRequests().map((e) => representationsOf(e).length)).toEqual([1_500]);
    expect(running.geocoder.batches.map((b) => b.length)).toEqual([1_500, 1]);
  });

  it('at MAX_ENTITIES=1000, resolves the first 1,000 stores and answers the other 500 null with our error', async () => {
    const running = await startRecipe(recipe({ MAX_ENTITIES: '1000' }), start);
    const body = await running.query(recipe({}).query);
    const resolved = (body.data!.stores as { location: { distanceTo: unknown } | null }[]).map((store) => store.location?.distanceTo != null);
    expect(resolved).toEqual(many.map((_, i) => i < 1_000));
    expect(new Set(body.errors!.map((error) => error.path![1])).size).toBe(500);
    expect(body.errors![0]!.message).toContain('Too many representations: 1500 given, at most 1000');
  });
});

describe("Hive Gateway's experimental cap on a batch", () => {
  it('splits the list into _entities calls of at most MAX_ENTITIES, sent in one request, and the query resolves', async () => {
    const recipe = await startRecipe(RECIPES.limits, (options) => startHiveGateway({ ...options, maxBatchSize: 100 }));
    const body = await recipe.query(RECIPES.limits.query);
    expect(body.errors).toBeUndefined();
    expect((body.data!.stores as { location: { placeName: string } }[]).map((s) => s.location.placeName)).toEqual(stores.slice(0, 150).map((s) => usRow(s.postalCode).placeName));
    expect(recipe.proxies.locations!.exchanges.map((e) => [e.request.query.match(/\b_entities\(/g)?.length, ...Object.values(e.request.variables ?? {}).map((v) => (v as unknown[]).length)])).toEqual([
      [2, 100, 50],
    ]);
  });
});
