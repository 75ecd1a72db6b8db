/**
 * `npm run bench:upstream`: how many external requests, and how much wall time, this service
 * needs against a remote geocoder, beside a naive resolver and the theoretical minimum.
 *
 * Everything runs in this one process on 127.0.0.1: the fake providers from the tests (with an
 * added latency per request), the real service (started fresh, cold cache, for every run) and
 * the clients, which send `distances` queries over HTTP.
 *
 * The naive resolver is what most tutorials write: for each pair, fetch both sides from the
 * provider (single-lookup endpoints; Geocodio's `GET /geocode?q=`), all pairs at once, no dedup,
 * no cache, no batching. It is called in-process, without HTTP or GraphQL in front of it, so its
 * wall time is flattered, not penalised.
 *
 * Theoretical minimum: single lookup, one request per distinct code; batch, ceil(distinct codes
 * / batch limit). Concurrent clients are started together. For Geocodio they are measured twice:
 * with the defaults (no window: a batch asked while another is out joins the next request) and
 * with a batch window (BATCH_WINDOW_MS), which holds every lookup so all share one batch; the
 * script fails if the service makes more requests than the minimum, except in the default row,
 * which is the cost-free setting and is reported as it comes.
 *
 * Options (environment): BENCH_LATENCY_MS (default 20), BENCH_RUNS (default 3; wall times are medians).
 */
import os from 'node:os';
import { FakeGeocodio, FakeZippopotam, placeOf, type FakeProvider } from '../test/support/fake-providers/index.js';
import { DISTANCES, pairsOver, usCodes, type Pair } from '../test/support/remote.js';
import { startTestServer } from '../test/support/server.js';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const GEOCODIO_BATCH_LIMIT = 10_000;
const CONCURRENT_BATCH_WINDOW_MS = 50;

interface Shape {
  readonly pairs: number;
  readonly codes: number;
  readonly clients: number;
}

const SHAPES: readonly Shape[] = [
  { pairs: 100, codes: 20, clients: 1 },
  { pairs: 1_000, codes: 200, clients: 1 },
  { pairs: 100, codes: 50, clients: 10 },
];
// Not 1,000 pairs × 10 clients: the naive resolver would open 20,000 sockets at once and this
// process runs out of file descriptors (EMFILE) before it finishes.

type ProviderName = 'zippopotam' | 'geocodio';

interface Measure {
  readonly requests: number;
  readonly ms: number;
}

/** Each client's pairs: all over the same pool of codes, each client starting at a different place in it, so they overlap. */
function workload(shape: Shape, offset: number): Pair[][] {
  const codes = usCodes(shape.codes, 2_000 + offset);
  return Array.from({ length: shape.clients }, (_, c) => {
    const rotated = [...codes.slice((c * 7) % codes.length), ...codes.slice(0, (c * 7) % codes.length)];
    return pairsOver(rotated, shape.pairs);
  });
}

const minimum = (provider: ProviderName, distinct: number) => (provider === 'zippopotam' ? distinct : Math.ceil(distinct / GEOCODIO_BATCH_LIMIT));

async function runService(provider: ProviderName, fake: FakeZippopotam | FakeGeocodio, clients: Pair[][], batchWindowMs: number): Promise<Measure> {
  const server = await startTestServer({
    GEOCODER: provider,
    ...fake.env(),
    BATCH_WINDOW_MS: String(batchWindowMs),
    MAX_DISTANCE_PAIRS: '100000',
  });
  fake.forget();
  try {
    const started = performance.now();
    const responses = await Promise.all(clients.map((pairs) => server.graphql(DISTANCES, { pairs })));
    const ms = performance.now() - started;
    for (const { body } of responses) {
      if (body.errors) throw new Error(`service answered with errors: ${JSON.stringify(body.errors.slice(0, 2))}`);
    }
    return { requests: fake.requestCount, ms };
  } finally {
    await server.stop();
  }
}

/** The tutorial resolver: each side of each pair fetched on its own. */
async function naiveGeocode(provider: ProviderName, fake: FakeZippopotam | FakeGeocodio, code: string): Promise<{ lat: number; lng: number }> {
  if (provider === 'zippopotam') {
    const res = await fetch(`${fake.url}/us/${code}`);
    const body = (await res.json()) as { places: { latitude: string; longitude: string }[] };
    return { lat: Number(body.places[0]!.latitude), lng: Number(body.places[0]!.longitude) };
  }
  const geocodio = fake as FakeGeocodio;
  const res = await fetch(`${geocodio.url}/${geocodio.version}/geocode?q=${encodeURIComponent(code)}&api_key=${geocodio.apiKey}`);
  const body = (await res.json()) as { results: { location: { lat: number; lng: number } }[] };
  return body.results[0]!.location;
}

async function runNaive(provider: ProviderName, fake: FakeZippopotam | FakeGeocodio, clients: Pair[][]): Promise<Measure> {
  fake.forget();
  const started = performance.now();
  await Promise.all(
    clients.map((pairs) =>
      Promise.all(
        pairs.map(async ({ from, to }) => {
          const [a, b] = await Promise.all([naiveGeocode(provider, fake, from), naiveGeocode(provider, fake, to)]);
          if (a.lat !== placeOf('US', from).latitude) throw new Error(`naive resolver got a wrong coordinate for ${from}`);
          return haversineMeters(a, b);
        }),
      ),
    ),
  );
  return { requests: fake.requestCount, ms: performance.now() - started };
}

function haversineMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** All runs must agree on the request count (it is exact, not statistical). */
function sameCount(measures: Measure[], what: string): number {
  const counts = new Set(measures.map((m) => m.requests));
  if (counts.size !== 1) throw new Error(`${what}: request counts differ between runs: ${[...counts].join(', ')}`);
  return measures[0]!.requests;
}

async function main(): Promise<void> {
  const fakes: Record<ProviderName, FakeZippopotam | FakeGeocodio> = {
    zippopotam: await new FakeZippopotam().start(),
    geocodio: await new FakeGeocodio({ batchLimit: GEOCODIO_BATCH_LIMIT }).start(),
  };
  const rows: string[][] = [];
  let belowMinimum = false;
  let aboveMinimum = false;
  try {
    for (const provider of ['zippopotam', 'geocodio'] as const) {
      const fake: FakeProvider & (FakeZippopotam | FakeGeocodio) = fakes[provider];
      fake.latencyMs = LATENCY_MS;
      for (const [s, shape] of SHAPES.entries()) for (const window of provider === 'geocodio' && shape.clients > 1 ? [0, CONCURRENT_BATCH_WINDOW_MS] : [0]) {
        const defaultConcurrent = shape.clients > 1 && provider === 'geocodio' && window === 0;
        const service: Measure[] = [];
        const naive: Measure[] = [];
        for (let run = 0; run < RUNS; run++) {
          const clients = workload(shape, s * 1_000);
          service.push(await runService(provider, fake, clients, window));
          naive.push(await runNaive(provider, fake, clients));
        }
        const distinct = new Set(workload(shape, s * 1_000).flat().flatMap((p) => [p.from, p.to])).size;
        const min = minimum(provider, distinct);
        const serviceRequests = sameCount(service, `${provider} service`);
        const naiveRequests = sameCount(naive, `${provider} naive`);
        if (serviceRequests > min && !defaultConcurrent) aboveMinimum = true;
        if (serviceRequests < min) belowMinimum = true;
        const serviceMs = median(service.map((m) => m.ms));
        const naiveMs = median(naive.map((m) => m.ms));
        rows.push([
          provider,
          `${shape.pairs} pairs / ${distinct} codes / ${shape.clients} client${shape.clients > 1 ? 's' : ''}`,
          String(window),
          String(serviceRequests),
          String(naiveRequests),
          String(min),
          `${(naiveRequests / serviceRequests).toFixed(1)}×`,
          serviceMs.toFixed(0),
          naiveMs.toFixed(0),
          `${(naiveMs / serviceMs).toFixed(1)}×`,
        ]);
      }
    }
  } finally {
    await Promise.all(Object.values(fakes).map((f) => f.close()));
  }

  const header = ['provider', 'shape (pairs / distinct codes / clients)', 'window ms', 'requests: service', 'naive', 'minimum', 'naive ÷ service', 'wall ms: service', 'naive', 'naive ÷ service'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  rows.forEach((r) => console.log(line(r)));
  const cpus = os.cpus();
  console.log(
    `\nProvider latency ${LATENCY_MS} ms per request; wall times are the median of ${RUNS} runs, each with a cold service.` +
      `\nMachine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}; the fake providers, the service and the clients` +
      ' share this one process (and those cores), so wall times compare the two approaches, not absolute capacity.' +
      `\nService: ZIPPOPOTAM_CONCURRENCY=8 (default); Geocodio batch limit ${GEOCODIO_BATCH_LIMIT}. Naive: no cap, no dedup, no cache, no batching.`,
  );
  if (aboveMinimum || belowMinimum) {
    console.error(aboveMinimum ? '\nThe service made more requests than the minimum in at least one scenario.' : '\nA count is below the minimum: the benchmark is wrong.');
    process.exitCode = 1;
  }
}

await main();
