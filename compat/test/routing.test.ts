/**
 * Routing through every router that runs offline: Apollo Gateway (library), Hive Gateway with its
 * JavaScript planner and with Hive Router's Rust planner (CLI), and the Grafbase engine (CLI).
 * The built service, the example stores subgraph and the ZIP-only adopter's warehouses sit behind
 * recording proxies, so what each router sends is counted on the wire; answers are compared with
 * what the service itself answers for the same codes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordingProxy, type Exchange, type RecordingProxy } from '../../test/support/recording-proxy.js';
import { apollo, type SubgraphSchema } from '../src/compose.js';
import { graphql, serviceSdl } from '../src/graphql-client.js';
import { STORES_DATA } from '../src/paths.js';
import { startService, startStores, type RunningProcess } from '../src/processes.js';
import { startApolloGateway, startGrafbase, startHiveGateway, type RunningRouter } from '../src/routers.js';
import { deliveryDays, startWarehouses, WAREHOUSES, WAREHOUSES_SDL } from '../recipes/zip-only/warehouses.js';

/** Searches one operation may run: the stores past it get no location, with an error each. */
const MAX_NEARBY_SEARCHES = 5;
const stores = JSON.parse(readFileSync(STORES_DATA, 'utf8')) as { id: string; name: string; postalCode: string }[];

let service: RunningProcess;
let storesProcess: RunningProcess;
let warehouses: { url: string; stop(): Promise<void> };
let ours: RecordingProxy;
let storesProxy: RecordingProxy;
let warehousesProxy: RecordingProxy;
let subgraphs: SubgraphSchema[];
let supergraphSdl: string;

beforeAll(async () => {
  [service, storesProcess, warehouses] = await Promise.all([startService({ MAX_NEARBY_SEARCHES: String(MAX_NEARBY_SEARCHES) }), startStores(), startWarehouses()]);
  [ours, storesProxy, warehousesProxy] = await Promise.all([startRecordingProxy(service.url), startRecordingProxy(storesProcess.url), startRecordingProxy(warehouses.url)]);
  subgraphs = [
    { name: 'locations', url: ours.url, sdl: await serviceSdl(service.url) },
    { name: 'stores', url: storesProxy.url, sdl: await serviceSdl(storesProcess.url) },
    { name: 'warehouses', url: warehousesProxy.url, sdl: WAREHOUSES_SDL },
  ];
  const composed = await apollo.compose(subgraphs);
  if (composed.output === undefined) throw new Error(composed.errors.join('\n'));
  supergraphSdl = composed.output;
});
afterAll(async () => {
  await Promise.all([ours.close(), storesProxy.close(), warehousesProxy.close()]);
  await Promise.all([service.stop(), storesProcess.stop(), warehouses.stop()]);
});

/** The service's own answer to `query`, asked directly (not through the proxy, so nothing is counted). */
const direct = async (query: string) => (await graphql(service.url, query)).data;

const entityFields = (exchanges: readonly Exchange[]): number => exchanges.reduce((n, e) => n + (e.request.query.match(/\b_entities\(/g) ?? []).length, 0);

interface RouterCase {
  readonly name: string;
  readonly start: () => Promise<RunningRouter>;
  /** Where it puts the error of a refused `_entities` item under `stores[i]` (`location { nearby }` selected), after `["stores", i]`. */
  readonly refusedItemPath: readonly string[];
  /** Whether it adds `extensions.serviceName` to the errors it forwards. */
  readonly namesSubgraph: boolean;
}

const ROUTERS: readonly RouterCase[] = [
  { name: 'Apollo Gateway (@apollo/gateway)', start: () => startApolloGateway(supergraphSdl), refusedItemPath: ['location'], namesSubgraph: true },
  { name: 'Hive Gateway, JavaScript planner', start: () => startHiveGateway({ supergraphSdl, planner: 'js' }), refusedItemPath: ['location', 'nearby'], namesSubgraph: true },
  { name: 'Hive Gateway, Rust planner (--hive-router-runtime)', start: () => startHiveGateway({ supergraphSdl, planner: 'rust' }), refusedItemPath: ['location'], namesSubgraph: true },
  { name: 'Grafbase (grafbase dev)', start: () => startGrafbase(subgraphs), refusedItemPath: ['location'], namesSubgraph: false },
];

/** More stores than searches allowed, each with a `nearby`: the items past MAX_NEARBY_SEARCHES are refused. */
const PARTLY_REFUSED = MAX_NEARBY_SEARCHES + 3;
const PARTLY_REFUSED_QUERY = `{ stores(first: ${PARTLY_REFUSED}) { name location { postalCode nearby(radius: 1, unit: MILES, first: 1) { totalCount } } } }`;

describe.each(ROUTERS)('through $name', ({ start, refusedItemPath, namesSubgraph }) => {
  let router: RunningRouter;
  beforeAll(async () => {
    router = await start();
  });
  afterAll(() => router.stop());
  beforeEach(() => {
    for (const proxy of [ours, storesProxy, warehousesProxy]) proxy.exchanges.length = 0;
  });

  it('joins 10 stores to their Location and distanceTo with one _entities call to us, answering as the service does', async () => {
    const body = await graphql(router.url, '{ stores(first: 10) { id location { postalCode placeName latitude distanceTo(postalCode: "10001") { miles } } } }');
    expect(body.errors).toBeUndefined();
    const first10 = stores.slice(0, 10);
    const expected = await direct(`{ ${first10.map((s, i) => `s${i}: location(postalCode: "${s.postalCode}") { postalCode placeName latitude distanceTo(postalCode: "10001") { miles } }`).join(' ')} }`);
    expect(body.data?.stores).toEqual(first10.map((s, i) => ({ id: s.id, location: expected?.[`s${i}`] })));
    expect(ours.exchanges).toHaveLength(1);
    expect(entityFields(ours.exchanges)).toBe(1);
  });

  it('finds the stores near 10001 (nearby, then their stores) with one request to us and no _entities call to us', async () => {
    const body = await graphql(router.url, '{ location(postalCode: "10001") { nearby(radius: 25, unit: MILES, first: 100) { edges { distance node { postalCode stores { name } } } } } }');
    expect(body.errors).toBeUndefined();
    const edges = body.data?.location.nearby.edges as { distance: number; node: { postalCode: string; stores: { name: string }[] } }[];
    const expected = await direct('{ location(postalCode: "10001") { nearby(radius: 25, unit: MILES, first: 100) { edges { distance node { postalCode } } } } }');
    expect(edges.map(({ distance, node }) => ({ distance, node: { postalCode: node.postalCode } }))).toEqual(expected?.location.nearby.edges);
    expect(edges[0]!.node.stores.map((s) => s.name)).toEqual(stores.filter((s) => s.postalCode === '10001').map((s) => s.name));
    expect(ours.exchanges).toHaveLength(1);
    expect(entityFields(ours.exchanges)).toBe(0);
    expect(entityFields(storesProxy.exchanges)).toBe(1);
  });

  it('finds the stores in the codes of Beverly Hills (locationsByPlace, then their stores) with one request to us and one _entities call to the stores', async () => {
    const query = (stores: boolean) => `{ locationsByPlace(name: "Beverly Hills", adminCode: "CA") { totalCount edges { node { postalCode${stores ? ' stores { name }' : ''} } } } }`;
    const body = await graphql(router.url, query(true));
    expect(body.errors).toBeUndefined();
    const edges = body.data?.locationsByPlace.edges as { node: { postalCode: string; stores: { name: string }[] } }[];
    const expected = await direct(query(false));
    expect(edges.map(({ node }) => ({ node: { postalCode: node.postalCode } }))).toEqual(expected?.locationsByPlace.edges);
    expect(edges.flatMap(({ node }) => node.stores.map((s) => s.name))).toEqual(stores.filter((s) => s.name.startsWith('Beverly Hills, CA')).map((s) => s.name));
    expect(ours.exchanges).toHaveLength(1);
    expect(entityFields(ours.exchanges)).toBe(0);
    expect(entityFields(storesProxy.exchanges)).toBe(1);
  });

  it('finds the stores inside a polygon (locationsInArea, then their stores) with one request to us and one _entities call to the stores', async () => {
    const polygon = '[[[-74.019, 40.700], [-73.971, 40.709], [-73.958, 40.762], [-74.010, 40.762], [-74.019, 40.700]]]';
    const query = (stores: boolean) => `{ locationsInArea(polygon: ${polygon}, first: 200) { totalCount edges { node { postalCode${stores ? ' stores { name }' : ''} } } } }`;
    const body = await graphql(router.url, query(true));
    expect(body.errors).toBeUndefined();
    const edges = body.data?.locationsInArea.edges as { node: { postalCode: string; stores: { name: string }[] } }[];
    const expected = await direct(query(false));
    expect(edges.map(({ node }) => ({ node: { postalCode: node.postalCode } }))).toEqual(expected?.locationsInArea.edges);
    expect(edges.flatMap(({ node }) => node.stores.map((s) => s.name)).sort()).toEqual(stores.filter((s) => s.name.startsWith('New York, NY')).map((s) => s.name).sort());
    expect(ours.exchanges).toHaveLength(1);
    expect(entityFields(ours.exchanges)).toBe(0);
    expect(entityFields(storesProxy.exchanges)).toBe(1);
  });

  it("pages a Relay client's connection query (edges { cursor node } pageInfo { hasNextPage endCursor }) as the service does", async () => {
    const page = (after: string | null) =>
      `{ location(postalCode: "10001") { nearby(radius: 2, unit: MILES, first: 3${after ? `, after: ${JSON.stringify(after)}` : ''}) { edges { cursor node { postalCode } } pageInfo { hasNextPage endCursor } } } }`;
    const first = await graphql(router.url, page(null));
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual(await direct(page(null)));
    const { endCursor, hasNextPage } = first.data?.location.nearby.pageInfo as { endCursor: string; hasNextPage: boolean };
    expect(hasNextPage).toBe(true);
    const second = await graphql(router.url, page(endCursor));
    expect(second.data).toEqual(await direct(page(endCursor)));
    expect(second.data?.location.nearby.edges[0].cursor).not.toBe(endCursor);
  });

  it('routes the ZIP-only adopter both ways: its warehouses to our places, our location to its delivery days', async () => {
    const body = await graphql(router.url, '{ warehouses { name location { postalCode deliveryDays placeName distanceTo(postalCode: "10001") { miles } } } }');
    expect(body.errors).toBeUndefined();
    const expected = await direct(`{ ${WAREHOUSES.map((w, i) => `w${i}: location(postalCode: "${w.postalCode}") { placeName distanceTo(postalCode: "10001") { miles } }`).join(' ')} }`);
    expect(body.data?.warehouses).toEqual(
      WAREHOUSES.map((w, i) => ({ name: w.name, location: { postalCode: w.postalCode, deliveryDays: Math.round(deliveryDays(w.postalCode)), ...expected?.[`w${i}`] } })),
    );
    const back = await graphql(router.url, '{ location(postalCode: "89501") { placeName deliveryDays } }');
    expect(back.errors).toBeUndefined();
    expect(back.data?.location).toEqual({ placeName: 'Reno', deliveryDays: Math.round(deliveryDays('89501')) });
  });

  it('answers a partly refused _entities call with the rest of its data and errors naming the refused items', async () => {
    const body = await graphql(router.url, PARTLY_REFUSED_QUERY);
    const got = body.data?.stores as { name: string; location: { postalCode: string } | null }[];
    expect(got.map((s) => s.name)).toEqual(stores.slice(0, PARTLY_REFUSED).map((s) => s.name));
    const refused = got.flatMap((s, i) => (s.location === null ? [i] : []));
    expect(got.length - refused.length).toBe(MAX_NEARBY_SEARCHES);
    const named = new Set((body.errors ?? []).map((e) => (e.path?.[0] === 'stores' ? e.path[1] : undefined)));
    expect([...named].sort()).toEqual(refused);
  });

  it(`forwards one error per refused item, with our message and code, at ["stores", i, ${refusedItemPath.map((p) => JSON.stringify(p)).join(', ')}]`, async () => {
    const body = await graphql(router.url, PARTLY_REFUSED_QUERY);
    const refused = Array.from({ length: PARTLY_REFUSED - MAX_NEARBY_SEARCHES }, (_, i) => MAX_NEARBY_SEARCHES + i);
    expect(body.errors?.map((e) => ({ path: e.path, message: e.message, code: e.extensions?.code, serviceName: e.extensions?.serviceName }))).toEqual(
      refused.map((i) => ({
        path: ['stores', i, ...refusedItemPath],
        message: expect.stringContaining('MAX_NEARBY_SEARCHES'),
        code: 'BAD_USER_INPUT',
        serviceName: namesSubgraph ? 'locations' : undefined,
      })),
    );
  });
});
