/**
 * `npm run bench:transport`: what one provider request costs the client, the global `fetch`
 * (undici) against the service's own transport (`src/geocoding/upstream/transport.ts`, `node:http`
 * with keep-alive), both reading the body as text and parsing it, against the fake providers on
 * 127.0.0.1 with no added latency. Two shapes: Zippopotam lookups (one small GET per code, 8 in
 * flight, as the provider runs them) and Geocodio batches (one POST of 200 codes, ~80 KB back).
 *
 * Client and fake share this process, so CPU per request counts both; the fake's share is the
 * same for both clients, so the difference is the client's. Rounds alternate the two clients;
 * medians of per-round figures.
 */
import { FakeGeocodio, FakeZippopotam } from '../test/support/fake-providers/index.js';
import { Transport } from '../src/geocoding/upstream/transport.js';
import { defaultUsDataFile } from '../src/gazetteer/loaded-data.js';
import { readGeoNames } from './lib/shapes.js';
import { median, ratio, table } from './lib/stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);

const zippopotam = await new FakeZippopotam().start();
const geocodio = await new FakeGeocodio().start();
const codes = [...new Set(readGeoNames(defaultUsDataFile()).map((r) => r.postalCode))];
let next = 0;
const code = () => codes[(next = (next + 1) % codes.length)]!;
const transport = new Transport(10_000_000);

interface Call {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly body?: string;
}
type Client = (call: Call) => Promise<unknown>;

const viaFetch: Client = async ({ url, method, body }) => {
  const res = await fetch(url, { method, headers: { accept: 'application/json', ...(body && { 'content-type': 'application/json' }) }, body, signal: AbortSignal.timeout(5_000) });
  return JSON.parse(await res.text());
};
const viaTransport: Client = async ({ url, method, body }) => {
  const { text } = await transport.exchange({
    url,
    method,
    headers: { accept: 'application/json', ...(body && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body }),
    signal: AbortSignal.timeout(5_000),
    readsBody: (status) => status === 200,
  });
  return JSON.parse(text!);
};

interface Shape {
  readonly name: string;
  /** Calls per unit of work, and the unit that is timed. */
  readonly calls: number;
  readonly unit: (client: Client) => Promise<unknown>;
}
const shapes: Shape[] = [
  {
    name: 'Zippopotam: a wave of 8 lookups',
    calls: 8,
    unit: (client) => Promise.all(Array.from({ length: 8 }, () => client({ url: new URL(`${zippopotam.url}/us/${code()}`), method: 'GET' }))),
  },
  {
    name: 'Geocodio: a batch of 200 codes',
    calls: 1,
    unit: (client) =>
      client({ url: new URL(`${geocodio.url}/${geocodio.version}/geocode?api_key=${geocodio.apiKey}`), method: 'POST', body: JSON.stringify(Array.from({ length: 200 }, code)) }),
  },
];

/** Median latency of one unit (ms) and CPU per call (ms), over `CALLS` units after 50 unmeasured. */
async function measure(shape: Shape, client: Client): Promise<{ p50: number; cpu: number }> {
  for (let i = 0; i < 50; i++) await shape.unit(client);
  const times: number[] = [];
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await shape.unit(client);
    times.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(before);
  return { p50: median(times), cpu: (cpu.user + cpu.system) / 1000 / (CALLS * shape.calls) };
}

console.log(`Provider requests, client cost: global fetch against the service's transport; fakes on 127.0.0.1, no added latency; ${ROUNDS} alternating rounds of ${CALLS} units`);
console.log('Client and fake share this process and its core: CPU per request counts both (the fake’s share is the same for both clients).\n');
const rows: string[][] = [];
for (const shape of shapes) {
  const results = { fetch: [] as { p50: number; cpu: number }[], transport: [] as { p50: number; cpu: number }[] };
  for (let round = 0; round < ROUNDS; round++) {
    results.fetch.push(await measure(shape, viaFetch));
    results.transport.push(await measure(shape, viaTransport));
  }
  const p50 = (k: keyof typeof results) => median(results[k].map((r) => r.p50));
  const cpu = (k: keyof typeof results) => median(results[k].map((r) => r.cpu));
  rows.push([shape.name, p50('fetch').toFixed(2), p50('transport').toFixed(2), ratio(p50('fetch') / p50('transport')), cpu('fetch').toFixed(3), cpu('transport').toFixed(3), ratio(cpu('fetch') / cpu('transport'))]);
}
console.log(table(['unit of work', 'fetch p50 ms', 'transport p50 ms', 'fetch ÷ transport', 'fetch CPU ms/request', 'transport CPU ms/request', 'fetch ÷ transport'], rows));
transport.close();
await Promise.all([zippopotam.close(), geocodio.close()]);
