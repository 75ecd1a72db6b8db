/**
 * The cold-cache section of `npm run bench`: how long a query takes when none of its postal codes
 * is cached and every one must come from a remote geocoder answering in `LATENCY_MS`.
 *
 * The geocoders are the fake providers of the tests (`test/support/fake-providers/`), run in this
 * process on 127.0.0.1 with a fixed latency per request; the service is `node dist/main.js`
 * (production) pointed at one of them. Every measured request uses postal codes no earlier
 * request used (taken in order from the US file), so each is fully cold, and requests go one at a
 * time (latency, not queueing). Shapes as in the warm section; `_entities` asks `distanceTo` a
 * fresh code too, which the service can only look up once the locations are known: two waves.
 *
 * Expected time: one provider round trip per wave of lookups. Geocodio takes a wave in one batch
 * request; Zippopotam looks codes up one per request, `ZIPPOPOTAM_CONCURRENCY` (8) at a time, so a
 * wave of n codes costs ceil(n / 8) round trips. A round trip is measured, not assumed: the bench
 * sends the provider the same request for a wave itself (fetch from this process, fresh codes),
 * which takes the fake's latency plus its own work and the loopback; the nominal latency is shown
 * too. The target is ≤ 1.2× the expected time.
 *
 * Two phases per shape, from the same process: the `requests` right after start-up (after 2
 * unmeasured ones, whose lazy loading takes hundreds of ms), and the `requests` after
 * `warmupRequests` more. In between, V8 optimizes the cold path (the provider's answer parsed,
 * places cached, first geodesics, GraphQL over fresh values): a fresh process runs it in
 * unoptimized code, a process that has served cold requests for a while does not. Both are
 * printed; the target is judged on the second, the state a service spends its life in.
 */
import { fileURLToPath } from 'node:url';
import { FakeGeocodio, FakeZippopotam, type FakeProvider } from '../test/support/fake-providers/index.js';
import { stopAll, type Child } from './lib/children.js';
import type { UsRow } from './lib/shapes.js';
import { int, median, ms, ratio, table } from './lib/stats.js';
import { startService } from './throughput.js';

export interface ColdOptions {
  readonly rows: readonly UsRow[];
  /** Added by the fake provider to every answer, in ms. */
  readonly latencyMs: number;
  /** Measured requests per shape and provider in each phase: right after start-up (after 2 unmeasured ones), and after `warmupRequests` more. */
  readonly requests: number;
  /** Unmeasured requests per shape between the two phases. */
  readonly warmupRequests: number;
  readonly progress: (line: string) => void;
}

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface ColdShape {
  readonly id: string;
  readonly title: string;
  /** Codes per wave of lookups, in order. */
  readonly waves: readonly number[];
  /** A request body using the codes given (as many as the waves add up to). */
  readonly body: (codes: readonly string[]) => string;
}

const SHAPES: readonly ColdShape[] = [
  {
    id: 'distance',
    title: 'one distance',
    waves: [2],
    body: ([from, to]) => JSON.stringify({ query: 'query($from: String!, $to: String!) { distance(from: $from, to: $to) { miles } }', variables: { from, to } }),
  },
  {
    id: 'distances',
    title: 'distances, 100 pairs',
    waves: [200],
    body: (codes) =>
      JSON.stringify({
        query: 'query($pairs: [DistancePairInput!]!) { distances(pairs: $pairs) { miles } }',
        variables: { pairs: Array.from({ length: 100 }, (_, i) => ({ from: codes[2 * i], to: codes[2 * i + 1] })) },
      }),
  },
  {
    id: 'entities',
    title: '_entities ×100, distanceTo a fresh code',
    waves: [100, 1],
    body: (codes) =>
      JSON.stringify({
        query: 'query($r: [_Any!]!, $to: String!) { _entities(representations: $r) { ... on Location { placeName distanceTo(postalCode: $to) { miles } } } }',
        variables: { r: codes.slice(0, 100).map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' })), to: codes[100] },
      }),
  },
  {
    id: 'matrix',
    title: 'distanceMatrix, 20 × 20',
    waves: [40],
    body: (codes) =>
      JSON.stringify({
        query: 'query($o: [String!]!, $d: [String!]!) { distanceMatrix(origins: $o, destinations: $d) { rows { distances { miles } } } }',
        variables: { o: codes.slice(0, 20), d: codes.slice(20, 40) },
      }),
  },
];

interface Provider {
  readonly name: string;
  readonly fake: FakeProvider & { env(): Record<string, string> };
  readonly geocoder: string;
  /** Round trips one wave of `n` codes costs. */
  readonly roundTrips: (n: number) => number;
  /** One provider request for `codes` (at most what one round trip carries), as the service sends it. */
  readonly direct: (codes: readonly string[]) => Promise<void>;
}

interface Sample {
  /** `fresh`: among the first requests after start-up; `warm`: after the warm-up requests. */
  readonly phase: 'fresh' | 'warm';
  readonly ms: number;
  readonly providerRequests: number;
  /** The provider's own time for this request's waves, measured directly (round trips × one direct request each). */
  readonly directMs: number;
}

export interface ColdResult {
  readonly latencyMs: number;
  readonly rows: readonly { readonly provider: Provider; readonly shape: ColdShape; readonly samples: readonly Sample[] }[];
}

export async function runCold(options: ColdOptions): Promise<ColdResult> {
  const geocodio = new FakeGeocodio();
  const zippopotam = new FakeZippopotam();
  const ok = async (res: Response): Promise<void> => {
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`provider answered ${res.status}`);
  };
  const providers: Provider[] = [
    {
      name: 'Geocodio (batch)',
      fake: geocodio,
      geocoder: 'geocodio',
      roundTrips: () => 1,
      direct: async (codes) =>
        ok(await fetch(`${geocodio.url}/${geocodio.version}/geocode?api_key=${geocodio.apiKey}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(codes) })),
    },
    {
      name: 'Zippopotam (one code a request, 8 at a time)',
      fake: zippopotam,
      geocoder: 'zippopotam',
      roundTrips: (n) => Math.ceil(n / 8),
      direct: async (codes) => void (await Promise.all(codes.slice(0, 8).map(async (code) => ok(await fetch(`${zippopotam.url}/us/${code}`))))),
    },
  ];
  // Every code is used once per provider (each has its own service process, so its own cache), so no request finds one cached.
  const codes = [...new Set(options.rows.map((r) => r.postalCode))];
  let next = 0;
  const take = (n: number): string[] => {
    if (next + n > codes.length) throw new Error('cold bench: out of fresh postal codes; lower BENCH_COLD_REQUESTS');
    next += n;
    return codes.slice(next - n, next);
  };

  const children: Child[] = [];
  const rows: { provider: Provider; shape: ColdShape; samples: Sample[] }[] = [];
  try {
    for (const provider of providers) {
      next = 0;
      await provider.fake.start();
      provider.fake.latencyMs = options.latencyMs;
      const child = await startService(`service (${provider.geocoder})`, MAIN, { GEOCODER: provider.geocoder, ...provider.fake.env() });
      children.push(child);
      const url = `${child.url}/graphql`;
      const byShape = new Map(SHAPES.map((shape) => [shape, [] as Sample[]]));
      const { requests, warmupRequests } = options;
      const phaseOf = (i: number) => (i >= 2 && i < 2 + requests ? 'fresh' : i >= 2 + requests + warmupRequests ? 'warm' : undefined);
      for (let i = 0; i < 2 + 2 * requests + warmupRequests; i++) {
        for (const shape of SHAPES) {
          // The provider's own round trips for this shape's waves, on codes of their own (so the service's stay cold).
          let directMs = 0;
          for (const wave of shape.waves) {
            const trips = provider.roundTrips(wave);
            const perTrip = Math.min(wave, Math.ceil(wave / trips));
            for (let trip = 0; trip < trips; trip++) {
              const sent = performance.now();
              await provider.direct(take(perTrip));
              directMs += performance.now() - sent;
            }
          }
          const body = shape.body(take(shape.waves.reduce((a, b) => a + b, 0)));
          const before = provider.fake.requestCount;
          const started = performance.now();
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const text = await res.text();
          const elapsed = performance.now() - started;
          if (res.status !== 200 || text.includes('"errors"')) throw new Error(`cold ${shape.id} via ${provider.geocoder}: ${res.status} ${text.slice(0, 300)}`);
          const phase = phaseOf(i);
          if (phase) byShape.get(shape)!.push({ phase, ms: elapsed, providerRequests: provider.fake.requestCount - before, directMs });
        }
      }
      for (const [shape, samples] of byShape) {
        rows.push({ provider, shape, samples });
        const p50 = (phase: Sample['phase']) => ms(median(samples.filter((s) => s.phase === phase).map((s) => s.ms)));
        options.progress(`  cold ${shape.id.padEnd(9)} via ${provider.geocoder.padEnd(10)} p50 ${p50('fresh')} ms fresh, ${p50('warm')} ms after warm-up`);
      }
      await child.stop();
      await provider.fake.close();
    }
  } finally {
    await stopAll(children);
    await Promise.all(providers.map((p) => p.fake.close()));
  }
  return { latencyMs: options.latencyMs, rows };
}

export function formatCold(result: ColdResult): string {
  const body = result.rows.map(({ provider, shape, samples }) => {
    const trips = shape.waves.reduce((n, codes) => n + provider.roundTrips(codes), 0);
    const of = (phase: Sample['phase']) => samples.filter((s) => s.phase === phase);
    // Each phase against the round trips measured beside its own requests.
    const p50 = (phase: Sample['phase']) => median(of(phase).map((s) => s.ms));
    const expected = (phase: Sample['phase']) => median(of(phase).map((s) => s.directMs));
    const warmRatio = p50('warm') / expected('warm');
    return [
      `${shape.title}: ${provider.name.split(' ')[0]}`,
      shape.waves.join(' + '),
      String(median(samples.map((s) => s.providerRequests))),
      String(trips),
      int(trips * result.latencyMs),
      ms(expected('warm')),
      ms(p50('fresh')),
      ratio(p50('fresh') / expected('fresh')),
      ms(p50('warm')),
      ms(Math.max(...of('warm').map((s) => s.ms))),
      ratio(warmRatio),
      warmRatio <= 1.2 ? 'yes' : 'no',
    ];
  });
  return table(
    ['shape: provider', 'codes per wave', 'provider requests', 'round trips', 'nominal ms', 'measured trips ms', 'fresh p50 ms', 'fresh ÷ trips', 'p50 ms', 'max ms', 'p50 ÷ trips', '≤ 1.2×'],
    body,
  );
}
