/**
 * What each router does with what this subgraph offers routers over HTTP: the router-only guard
 * (ROUTER_SECRET: the router configured to send `Router-Authorization`, then the same router
 * without it), compressed answers, and subgraph batching (a JSON array of operations). The
 * service sits behind a recording proxy that passes encodings through as they are, so what each
 * router asks for, gets and sends is recorded on the wire; the router without the secret talks
 * to the service itself, and the work done is read from the service's /metrics.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startRecordingProxy, type Exchange, type RecordingProxy } from '../../test/support/recording-proxy.js';
import { apollo, type SubgraphSchema } from '../src/compose.js';
import { graphql, serviceSdl } from '../src/graphql-client.js';
import { startService, startStores, type RunningProcess } from '../src/processes.js';
import { startApolloGateway, startGrafbase, startHiveGateway, type RunningRouter } from '../src/routers.js';
import { serviceWork } from '../src/service-metrics.js';

const SECRET = 'compat-router-secret-of-the-suite';
const AUTHORIZED = { 'router-authorization': SECRET };
/** The service's 401 body's message, and the line it logs for each request it refuses so. */
const REFUSED = 'This subgraph answers only its router: send the Router-Authorization header the router is configured with.';
const REFUSAL_LOG = 'request without the router secret: answered 401';

/** Hive Gateway's settings: headers for the `locations` subgraph's transport, the secret read from the environment. */
const HIVE_SECRET_CONFIG = "export const gatewayConfig = { transportEntries: { locations: { headers: [['router-authorization', '{env.ROUTER_SECRET}']] } } };\n";
/** Grafbase's: a header rule for the `locations` subgraph, the secret read from the environment. */
const GRAFBASE_SECRET_TOML = '[[subgraphs.locations.headers]]\nrule = "insert"\nname = "router-authorization"\nvalue = "{{ env.ROUTER_SECRET }}"\n';

/** An answer over COMPRESS_MIN_BYTES (1,400 by default): 100 edges. */
const LARGE = '{ location(postalCode: "10001") { nearby(radius: 25, unit: MILES, first: 100) { edges { distance node { postalCode } } } } }';
const SMALL = '{ location(postalCode: "10001") { placeName } }';
/** Two `_entities` fetches to us in one stage of the plan, after one request to the stores. */
const TWO_FETCHES = '{ a: stores(first: 2) { location { placeName } } b: stores(first: 3) { location { latitude } } }';

interface Setup {
  readonly supergraphSdl: string;
  readonly subgraphs: readonly SubgraphSchema[];
}

interface RouterCase {
  readonly name: string;
  /** Starts the router; with `secret`, configured to send it to our subgraph. */
  readonly start: (setup: Setup, secret: boolean) => Promise<RunningRouter>;
  /** The Accept-Encoding it sends subgraphs. */
  readonly acceptEncoding: string;
  /** What its client gets for SMALL when our subgraph answers 401: `data`, and each error's message, code and path. */
  readonly refusal: { readonly data: unknown; readonly errors: readonly { message: string; code: unknown; path: unknown }[] };
  /** How many `_entities` fields each request it sends us for TWO_FETCHES holds, in ascending order. */
  readonly entityFieldsPerRequest: readonly number[];
}

const ROUTERS: readonly RouterCase[] = [
  {
    name: 'Apollo Gateway (@apollo/gateway)',
    start: ({ supergraphSdl }, secret) => startApolloGateway(supergraphSdl, secret ? AUTHORIZED : {}),
    acceptEncoding: 'gzip,deflate',
    refusal: { data: { location: null }, errors: [{ message: '401: Unauthorized', code: 'UNAUTHENTICATED', path: undefined }] },
    entityFieldsPerRequest: [1, 1],
  },
  {
    name: 'Hive Gateway, JavaScript planner',
    start: ({ supergraphSdl }, secret) => startHiveGateway({ supergraphSdl, planner: 'js', ...(secret && { config: HIVE_SECRET_CONFIG, env: { ROUTER_SECRET: SECRET } }) }),
    acceptEncoding: 'gzip, deflate, br, zstd',
    refusal: { data: { location: null }, errors: [{ message: REFUSED, code: 'UNAUTHENTICATED', path: ['location'] }] },
    entityFieldsPerRequest: [2],
  },
  {
    name: 'Hive Gateway, Rust planner (--hive-router-runtime)',
    start: ({ supergraphSdl }, secret) => startHiveGateway({ supergraphSdl, planner: 'rust', ...(secret && { config: HIVE_SECRET_CONFIG, env: { ROUTER_SECRET: SECRET } }) }),
    acceptEncoding: 'gzip, deflate, br, zstd',
    refusal: { data: undefined, errors: [{ message: REFUSED, code: 'UNAUTHENTICATED', path: ['location'] }] },
    entityFieldsPerRequest: [2],
  },
  {
    name: 'Grafbase (grafbase dev)',
    start: ({ subgraphs }, secret) => (secret ? startGrafbase(subgraphs, GRAFBASE_SECRET_TOML, { ROUTER_SECRET: SECRET }) : startGrafbase(subgraphs)),
    acceptEncoding: 'gzip, br, zstd, deflate',
    refusal: { data: { location: null }, errors: [{ message: 'Request failed with status code: 401', code: 'SUBGRAPH_REQUEST_ERROR', path: ['location'] }] },
    entityFieldsPerRequest: [1, 1],
  },
];

let service: RunningProcess;
let stores: RunningProcess;
let ours: RecordingProxy;
/** Through the proxy, for the routers with the secret. */
let proxied: Setup;
/** To the service itself, for the routers without it. */
let unproxied: Setup;

async function setup(locationsUrl: string, sdl: string, storesSchema: SubgraphSchema): Promise<Setup> {
  const subgraphs = [{ name: 'locations', url: locationsUrl, sdl }, storesSchema];
  const composed = await apollo.compose(subgraphs);
  if (composed.output === undefined) throw new Error(composed.errors.join('\n'));
  return { supergraphSdl: composed.output, subgraphs };
}

beforeAll(async () => {
  [service, stores] = await Promise.all([startService({ ROUTER_SECRET: SECRET }), startStores()]);
  ours = await startRecordingProxy(service.url, { passEncoding: true });
  const [sdl, storesSdl] = await Promise.all([serviceSdl(service.url, AUTHORIZED), serviceSdl(stores.url)]);
  const storesSchema = { name: 'stores', url: stores.url, sdl: storesSdl };
  [proxied, unproxied] = await Promise.all([setup(ours.url, sdl, storesSchema), setup(service.url, sdl, storesSchema)]);
});
afterAll(async () => {
  await ours.close();
  await Promise.all([service.stop(), stores.stop()]);
});

/** The service's own answer, asked with the secret and not through the proxy. */
const direct = async (query: string) => (await graphql(service.url, query, undefined, AUTHORIZED)).data;
const refusalsLogged = (): number => service.output().split('\n').filter((line) => line.includes(REFUSAL_LOG)).length;
const entityFields = (exchange: Exchange): number => (exchange.request.query.match(/\b_entities\(/g) ?? []).length;

describe.each(ROUTERS)('$name', (router) => {
  let withSecret: RunningRouter;
  let withoutSecret: RunningRouter;
  beforeAll(async () => {
    [withSecret, withoutSecret] = await Promise.all([router.start(proxied, true), router.start(unproxied, false)]);
  });
  afterAll(() => Promise.all([withSecret.stop(), withoutSecret.stop()]));
  beforeEach(() => {
    ours.exchanges.length = 0;
  });

  it('configured with the secret, sends it to us and gets our answers', async () => {
    const body = await graphql(withSecret.url, SMALL);
    expect([body.errors, body.data]).toEqual([undefined, await direct(SMALL)]);
    expect(ours.exchanges.map((e) => [e.request.headers['router-authorization'], e.response.status])).toEqual([[SECRET, 200]]);
  });

  it('without it, gets our 401 and tells its client so, while we do no work', async () => {
    const [before, logged] = [await serviceWork(service.url), refusalsLogged()];
    const body = await graphql(withoutSecret.url, SMALL);
    expect([body.data, body.errors?.map((e) => ({ message: e.message, code: e.extensions?.code, path: e.path }))]).toEqual([router.refusal.data, router.refusal.errors]);
    // The service's log comes through a pipe, and may arrive after the answer.
    await vi.waitFor(() => expect(refusalsLogged() - logged).toBe(1));
    expect(await serviceWork(service.url)).toEqual(before);
  });

  it(`asks for compressed answers (Accept-Encoding: ${router.acceptEncoding})`, async () => {
    await graphql(withSecret.url, SMALL);
    expect(ours.exchanges.map((e) => e.request.headers['accept-encoding'])).toEqual([router.acceptEncoding]);
  });

  it('decodes our gzip answer over COMPRESS_MIN_BYTES to what the service answers', async () => {
    const body = await graphql(withSecret.url, LARGE);
    expect(ours.exchanges.map((e) => e.response.encoding)).toEqual(['gzip']);
    expect([body.errors, body.data]).toEqual([undefined, await direct(LARGE)]);
  });

  it(`sends one operation per request, never a JSON array: two fetches of one plan stage as requests of ${JSON.stringify(router.entityFieldsPerRequest)} _entities fields`, async () => {
    const body = await graphql(withSecret.url, TWO_FETCHES);
    expect(body.errors).toBeUndefined();
    expect(ours.exchanges.map((e) => e.request.batch)).toEqual(ours.exchanges.map(() => undefined));
    expect(ours.exchanges.map(entityFields).sort()).toEqual(router.entityFieldsPerRequest);
  });
});
