/**
 * `npm run bench:federation`: the 200-store query through a router, beside the same work asked of
 * our subgraph directly.
 *
 * Starts, in this one process on 127.0.0.1, the postal-distance subgraph (embedded US data), the
 * example stores subgraph, and two routers (@apollo/gateway and Hive Gateway's runtime). Then:
 *  1. one cold query through Apollo Gateway, with recording proxies in front of the subgraphs,
 *     to count the subgraph requests, representations and geocoder batches it causes;
 *  2. after a warm-up, `ROUNDS` sequential runs (one request in flight, so latency is not queueing)
 *     of the 200-store query through each router, and of the equivalent `_entities` query sent
 *     straight to our subgraph, interleaved round by round so drift hits all of them alike.
 * Routers here talk to the subgraphs directly, not through the proxies.
 *
 *   ROUNDS  measured runs per target (default 200); WARMUP  unmeasured runs first (default 30)
 */
import os from 'node:os';
import { pino } from 'pino';
import { startStoresSubgraph, stores } from '../examples/stores/server.js';
import { composeSupergraph, fetchSubgraphSdl, startApolloGateway, startHiveGateway, type RunningRouter } from '../examples/supergraph.js';
import { loadConfig } from '../src/config.js';
import type { GeocodeResult, Geocoder } from '../src/geocoding/geocoder.js';
import type { PostalKey } from '../src/postal/postal-code.js';
import { usEmbedded } from '../test/support/embedded.js';
import { createLogger } from '../src/logger.js';
import { startApp } from '../src/app.js';
import { startRecordingProxy } from '../test/support/recording-proxy.js';

const ROUNDS = Number(process.env.ROUNDS ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 30);
const TARGET = '10001';

const ROUTER_QUERY = `{ stores(first: 200) { id name location { postalCode countryCode placeName latitude longitude distanceTo(postalCode: "${TARGET}") { miles } } } }`;
// What a router asks our subgraph for that query; the stores' own fields come from the other subgraph.
const DIRECT_QUERY = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Location { postalCode countryCode placeName latitude longitude distanceTo(postalCode: "${TARGET}") { miles } } } }`;
const representations = stores.slice(0, 200).map(({ postalCode, countryCode }) => ({ __typename: 'Location', postalCode, countryCode }));

/** Records the size of every batch the geocoder is asked. */
class CountingGeocoder implements Geocoder {
  readonly batches: number[] = [];
  readonly name: string;
  readonly maxBatchSize: number;
  constructor(private readonly inner: Geocoder) {
    this.name = inner.name;
    this.maxBatchSize = inner.maxBatchSize;
  }
  ready(): Promise<void> {
    return this.inner.ready();
  }
  geocode(keys: readonly PostalKey[]): Promise<readonly GeocodeResult[]> {
    this.batches.push(keys.length);
    return this.inner.geocode(keys);
  }
}

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { errors?: unknown[]; data?: unknown };
  if (res.status !== 200 || body.errors || !body.data) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

// --- start everything ---------------------------------------------------------------------------
// The response cache off: a router sends our subgraph the same `_entities` body every time, and so
// does the direct target, so with it on both measure the cache, not the work or the hop.
const config = loadConfig({ NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', RESPONSE_CACHE_MAX_BYTES: '0' });
const geocoder = new CountingGeocoder(usEmbedded());
const app = await startApp({ config, logger: createLogger(config), geocoder });
await app.ready;
const locationsUrl = `${app.url}/graphql`;
const storesSubgraph = await startStoresSubgraph({ port: 0, host: '127.0.0.1', quiet: true });
const [locationsSdl, storesSdl] = await Promise.all([fetchSubgraphSdl(locationsUrl), fetchSubgraphSdl(storesSubgraph.url)]);

// --- 1. one cold query, counted on the wire ---------------------------------------------------
const locationsProxy = await startRecordingProxy(locationsUrl);
const storesProxy = await startRecordingProxy(storesSubgraph.url);
const counted = composeSupergraph([
  { name: 'locations', url: locationsProxy.url, sdl: locationsSdl },
  { name: 'stores', url: storesProxy.url, sdl: storesSdl },
]);
const countingRouter = await startApolloGateway({ supergraphSdl: counted.supergraphSdl, port: 0 });
await post(countingRouter.url, ROUTER_QUERY);
const entityRequests = locationsProxy.entityRequests();
const cold = {
  requestsToLocations: locationsProxy.exchanges.length,
  entitiesRequests: entityRequests.length,
  representations: entityRequests.reduce((n, e) => n + ((e.request.variables?.representations as unknown[] | undefined)?.length ?? 0), 0),
  requestsToStores: storesProxy.exchanges.length,
  geocoderBatches: [...geocoder.batches],
};
await Promise.all([countingRouter.stop(), locationsProxy.close(), storesProxy.close()]);

// --- 2. latency, warm ---------------------------------------------------------------------------
const { supergraphSdl } = composeSupergraph([
  { name: 'locations', url: locationsUrl, sdl: locationsSdl },
  { name: 'stores', url: storesSubgraph.url, sdl: storesSdl },
]);
const routers: [string, RunningRouter][] = [
  ['Apollo Gateway', await startApolloGateway({ supergraphSdl, port: 0 })],
  ['Hive Gateway', await startHiveGateway({ supergraphSdl, port: 0 })],
];
const targets: [string, () => Promise<void>][] = [
  ['subgraph directly (_entities ×200)', () => post(locationsUrl, DIRECT_QUERY, { representations })],
  ...routers.map(([name, router]): [string, () => Promise<void>] => [`through ${name}`, () => post(router.url, ROUTER_QUERY)]),
];
const samples = new Map<string, number[]>(targets.map(([name]) => [name, []]));
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  for (const [name, run] of targets) {
    const started = performance.now();
    await run();
    if (round >= WARMUP) samples.get(name)!.push(performance.now() - started);
  }
}
await Promise.all([...routers.map(([, r]) => r.stop()), storesSubgraph.stop(), app.stop()]);

// --- report -------------------------------------------------------------------------------------
const stats = [...samples].map(([name, ms]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { name, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: ms.reduce((a, b) => a + b, 0) / ms.length };
});
const direct = stats[0]!;
const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;

console.log(`Node ${process.version}, ${os.cpus().length} CPU cores (${os.cpus()[0]?.model ?? 'unknown'}), shared by the client, both routers and both subgraphs, all in this one process.`);
console.log('Note: this machine has 2 shared cores; absolute figures move between runs, the ratio less so.\n');
console.log('One cold 200-store query through Apollo Gateway:');
console.log(`  requests to the postal-distance subgraph: ${cold.requestsToLocations} (${cold.entitiesRequests} _entities, ${cold.representations} representations)`);
console.log(`  requests to the stores subgraph:          ${cold.requestsToStores}`);
console.log(`  geocoder calls: ${cold.geocoderBatches.length}, batch sizes [${cold.geocoderBatches.join(', ')}] (${new Set(representations.map((r) => r.postalCode)).size} unique store codes + the distance target)\n`);
console.log(`Latency of the 200-store query, warm caches, ${ROUNDS} sequential runs each after ${WARMUP} warm-up runs:`);
for (const s of stats) {
  const ratio = s === direct ? '' : `   p50 ratio to direct ${(s.p50 / direct.p50).toFixed(2)}×`;
  console.log(`  ${s.name.padEnd(36)} p50 ${fmt(s.p50)}   p99 ${fmt(s.p99)}   mean ${fmt(s.mean)}${ratio}`);
}
