/**
 * The subgraph in a real supergraph: composed with the example stores subgraph by
 * `@apollo/composition`, and queried through two independent router implementations,
 * `@apollo/gateway` and Hive Gateway's runtime, all in-process on 127.0.0.1.
 *
 * A recording proxy sits in front of each subgraph, so every assertion about what a router sent
 * is made on the wire, the same way for both routers. Each test gets a fresh postal-distance
 * subgraph (a cold cache) over one shared, already loaded dataset.
 */
import { readFileSync } from 'node:fs';
import { Trace } from '@apollo/usage-reporting-protobuf';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStoresSubgraph, stores, STORES_SCHEMA_FILE, type StoresSubgraph } from '../../examples/stores/server.js';
import { composeSupergraph, fetchSubgraphSdl, startApolloGateway, startHiveGateway, type RunningRouter } from '../../examples/supergraph.js';
import { SCHEMA_FILE } from '../../src/graphql/schema.js';
import { usEmbedded } from '../support/embedded.js';
import { keyId } from '../../src/postal/postal-code.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { usRow } from '../support/geonames.js';
import { startRecordingProxy, type Exchange, type RecordingProxy } from '../support/recording-proxy.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';

const embedded = usEmbedded();

let storesSubgraph: StoresSubgraph;
let locations: TestServer;
let geocoder: CountingGeocoder;
let locationsProxy: RecordingProxy;
let storesProxy: RecordingProxy;
let supergraphSdl: string;

/** A postal-distance subgraph with a cold cache, its geocoder batches recorded, behind the proxy. */
async function freshLocations(): Promise<void> {
  geocoder = new CountingGeocoder(embedded);
  locations = await startTestServer({}, geocoder);
  locationsProxy.retarget(`${locations.url}/graphql`);
  storesProxy.retarget(storesSubgraph.url);
}

beforeAll(async () => {
  storesSubgraph = await startStoresSubgraph({ port: 0, host: '127.0.0.1', quiet: true });
  locations = await startTestServer({}, new CountingGeocoder(embedded));
  locationsProxy = await startRecordingProxy(`${locations.url}/graphql`);
  storesProxy = await startRecordingProxy(storesSubgraph.url);
  // Composed from what the running subgraphs print, as rover dev and registries do.
  ({ supergraphSdl } = composeSupergraph([
    { name: 'locations', url: locationsProxy.url, sdl: await fetchSubgraphSdl(`${locations.url}/graphql`) },
    { name: 'stores', url: storesProxy.url, sdl: await fetchSubgraphSdl(storesSubgraph.url) },
  ]));
  await locations.stop();
});
afterAll(async () => {
  await Promise.all([storesSubgraph.stop(), locationsProxy.close(), storesProxy.close()]);
});

async function query(router: RunningRouter, text: string): Promise<GraphQLResponse> {
  const res = await fetch(router.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse['body'] };
}

/** Every representation an exchange carried, across however many `_entities` fields it held. */
function representationsOf(exchange: Exchange): { postalCode: string; countryCode: string }[] {
  return Object.entries(exchange.request.variables ?? {})
    .filter(([name]) => name.endsWith('representations'))
    .flatMap(([, value]) => value as { postalCode: string; countryCode: string }[]);
}

const entityFields = (exchanges: readonly Exchange[]): number => exchanges.reduce((n, e) => n + (e.request.query.match(/\b_entities\(/g) ?? []).length, 0);

const key = (postalCode: string): string => keyId({ postalCode, countryCode: 'US' });
const FIRST_200 = stores.slice(0, 200);
const UNIQUE_200 = [...new Set(FIRST_200.map((s) => key(s.postalCode)))];

describe('the example dataset', () => {
  it('has 200 known stores on 180 distinct US codes, then one store on an unknown code, then 7 stores around Manhattan and 2 in Beverly Hills', () => {
    expect(stores).toHaveLength(210);
    expect(UNIQUE_200).toHaveLength(180);
    expect(stores[200]).toMatchObject({ id: 'store-201', postalCode: '00000' });
    expect(stores.slice(201).map((s) => s.postalCode)).toEqual(['10001', '10001', '10018', '10036', '10003', '10002', '07030', '90210', '90212']);
    // The distance targets below are none of the stores' codes, so each is a lookup of its own.
    expect(UNIQUE_200).not.toContain(key('10001'));
    expect(UNIQUE_200).not.toContain(key('90210'));
  });
});

describe('composition with @apollo/composition', () => {
  it('composes the two schema files with no errors and no hints', () => {
    const { hints } = composeSupergraph([
      { name: 'locations', url: 'http://localhost:4001/graphql', sdl: readFileSync(SCHEMA_FILE, 'utf8') },
      { name: 'stores', url: 'http://localhost:4002/graphql', sdl: readFileSync(STORES_SCHEMA_FILE, 'utf8') },
    ]);
    expect(hints.map((h) => `${h.definition.code}: ${h.message}`)).toEqual([]);
  });

  it('composes the same supergraph from the SDL the running subgraphs print as from the files', () => {
    const fromFiles = composeSupergraph([
      { name: 'locations', url: locationsProxy.url, sdl: readFileSync(SCHEMA_FILE, 'utf8') },
      { name: 'stores', url: storesProxy.url, sdl: readFileSync(STORES_SCHEMA_FILE, 'utf8') },
    ]);
    expect(supergraphSdl).toBe(fromFiles.supergraphSdl);
    // Resolvable: the stores subgraph adds `Location.stores`, so a router may come to it with a Location.
    expect(supergraphSdl).toMatch(/@join__type\(graph: STORES, key: "postalCode countryCode"\)\n/);
  });
});

/**
 * What each router does differently, all of it allowed: Apollo Gateway sends one representation
 * per reference and one request per fetch; Hive Gateway deduplicates representations, merges
 * parallel fetches to one subgraph into one request, and reports a missing entity's error on each
 * field it asked for.
 */
const ROUTERS = [
  {
    name: 'Apollo Gateway (@apollo/gateway)',
    start: startApolloGateway,
    representationsFor200: 200,
    nestedRequests: 2,
    unknownErrorPaths: [['stores', 200, 'location']],
  },
  {
    name: 'Hive Gateway (@graphql-hive/gateway-runtime)',
    start: startHiveGateway,
    representationsFor200: 180,
    nestedRequests: 1,
    unknownErrorPaths: [
      ['stores', 200, 'location', 'placeName'],
      ['stores', 200, 'location', 'latitude'],
    ],
  },
];

describe.each(ROUTERS)('through $name', ({ start, representationsFor200, nestedRequests, unknownErrorPaths }) => {
  let router: RunningRouter;
  beforeAll(async () => {
    router = await start({ supergraphSdl, port: 0 });
  });
  afterAll(() => router.stop());
  beforeEach(freshLocations);
  afterEach(() => locations.stop());

  it('resolves 200 stores with their location and distance in one _entities request and one geocoder batch of their 180 codes', async () => {
    const { body } = await query(router, '{ stores(first: 200) { id name location { postalCode countryCode placeName latitude longitude distanceTo(postalCode: "10001") { miles } } } }');
    expect(body.errors).toBeUndefined();
    const got = body.data!.stores as { id: string; location: { postalCode: string; placeName: string; latitude: number; distanceTo: { miles: number } } }[];
    expect(got.map((s) => s.id)).toEqual(FIRST_200.map((s) => s.id));
    expect(got.map((s) => s.location.postalCode)).toEqual(FIRST_200.map((s) => s.postalCode));
    for (const store of got) {
      const row = usRow(store.location.postalCode);
      expect([store.location.placeName, store.location.latitude]).toEqual([row.placeName, row.latitude]);
      expect(store.location.distanceTo.miles).toBeGreaterThan(0);
    }

    expect(storesProxy.exchanges).toHaveLength(1);
    expect(locationsProxy.exchanges).toHaveLength(1);
    const [entities] = locationsProxy.entityRequests();
    expect(entityFields(locationsProxy.exchanges)).toBe(1);
    expect(representationsOf(entities!)).toHaveLength(representationsFor200);
    // What a router's entity cache reads: our answer may be kept for a day.
    expect(entities!.response.headers.get('cache-control')).toBe('max-age=86400, public');

    // Each unique code asked once, all in one batch; the distance target is only known after them.
    expect(geocoder.batches.map((b) => b.length)).toEqual([180, 1]);
    expect([...geocoder.batches[0]!].sort()).toEqual([...UNIQUE_200].sort());
    expect(geocoder.batches[1]).toEqual([key('10001')]);
  });

  it('asks the geocoder for no code twice when a nested query asks for the same codes again and again', async () => {
    const { body } = await query(
      router,
      `{ stores(first: 200) { id location { placeName distanceTo(postalCode: "10001") { to { placeName distanceTo(postalCode: "90210") { miles to { postalCode } } } } } }
         again: stores(first: 20) { location { postalCode latitude } } }`,
    );
    expect(body.errors).toBeUndefined();
    const list = body.data!.stores as { location: { distanceTo: { to: { placeName: string; distanceTo: { miles: number; to: { postalCode: string } } } } } }[];
    expect(list).toHaveLength(200);
    expect(new Set(list.map((s) => s.location.distanceTo.to.placeName))).toEqual(new Set([usRow('10001').placeName]));
    expect(new Set(list.map((s) => s.location.distanceTo.to.distanceTo.to.postalCode))).toEqual(new Set(['90210']));
    expect((body.data!.again as { location: { latitude: number } }[]).map((s) => s.location.latitude)).toEqual(
      FIRST_200.slice(0, 20).map((s) => usRow(s.postalCode).latitude),
    );

    expect(storesProxy.exchanges).toHaveLength(1);
    expect(locationsProxy.exchanges).toHaveLength(nestedRequests);
    expect(entityFields(locationsProxy.exchanges)).toBe(2);
    const asked = geocoder.batches.flat();
    expect(asked).toHaveLength(182);
    expect(new Set(asked)).toEqual(new Set([...UNIQUE_200, key('10001'), key('90210')]));
  });

  it('answers a store whose postal code is unknown with a null location and an error, and resolves the other 209', async () => {
    const { body } = await query(router, '{ stores { id name location { postalCode placeName latitude } } }');
    const got = body.data!.stores as { id: string; name: string; location: { postalCode: string } | null }[];
    expect(got).toHaveLength(210);
    expect(got[200]).toEqual({ id: 'store-201', name: stores[200]!.name, location: null });
    expect(got.map((s) => s.location?.postalCode)).toEqual(stores.map((s) => (s.postalCode === '00000' ? undefined : s.postalCode)));
    expect(body.errors!.map((e) => [e.path, e.extensions!.code, e.extensions!.serviceName])).toEqual(
      unknownErrorPaths.map((path) => [path, 'POSTAL_CODE_NOT_FOUND', 'locations']),
    );
    expect(body.errors![0]!.message).toBe('Postal code "00000" was not found in US.');
    expect(locationsProxy.entityRequests()).toHaveLength(1);
    expect(locationsProxy.entityRequests()[0]!.response.headers.get('cache-control')).toBe('no-store');
    // The 180 codes, the unknown one, the 6 Manhattan codes and the 2 of Beverly Hills.
    expect(geocoder.batches.map((b) => b.length)).toEqual([189]);
  });
});

describe('through Apollo Gateway: cache policy and traces', () => {
  let router: RunningRouter;
  let tracing: RunningRouter;
  beforeAll(async () => {
    [router, tracing] = await Promise.all([startApolloGateway({ supergraphSdl, port: 0 }), startApolloGateway({ supergraphSdl, port: 0, traces: true })]);
  });
  afterAll(() => Promise.all([router.stop(), tracing.stop()]));
  beforeEach(freshLocations);
  afterEach(() => locations.stop());

  it("answers with the most restrictive of the subgraphs' Cache-Control: stores' 5 minutes over our day", async () => {
    const { body, headers } = await query(router, '{ stores(first: 200) { location { placeName distanceTo(postalCode: "10001") { miles } } } }');
    expect(body.errors).toBeUndefined();
    expect(storesProxy.exchanges.map((e) => e.response.headers.get('cache-control'))).toEqual(['max-age=300, public']);
    expect(locationsProxy.exchanges.map((e) => e.response.headers.get('cache-control'))).toEqual(['max-age=86400, public']);
    expect(headers.get('cache-control')).toBe('max-age=300, public');
  });

  it('answers no-store when a subgraph answered with an error', async () => {
    const { body, headers } = await query(router, '{ store(id: "store-201") { name location { latitude } } }');
    expect(body.errors).toHaveLength(1);
    expect(headers.get('cache-control')).toBe('no-store');
  });

  it('asks our subgraph for an inline trace only when it captures traces, and gets one covering every entity', async () => {
    const text = '{ stores(first: 3) { location { placeName } } }';
    expect((await query(router, text)).body.errors).toBeUndefined();
    expect((await query(tracing, text)).body.errors).toBeUndefined();
    const [plain, traced] = locationsProxy.exchanges;
    expect(locationsProxy.exchanges).toHaveLength(2);
    expect(plain!.request.headers['apollo-federation-include-trace']).toBeUndefined();
    expect(plain!.response.body.extensions).toBeUndefined();
    expect(traced!.request.headers['apollo-federation-include-trace']).toBe('ftv1');
    const trace = Trace.decode(Buffer.from(traced!.response.body.extensions!.ftv1 as string, 'base64'));
    const [entities] = trace.root!.child!;
    expect(entities!.responseName).toBe('_entities');
    expect(entities!.child!.map((c) => [c.index, c.child!.map((f) => f.responseName)])).toEqual([
      [0, ['placeName']],
      [1, ['placeName']],
      [2, ['placeName']],
    ]);
  });
});
