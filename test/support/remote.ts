/** Helpers for tests that run the service against fake providers. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { FakeProvider } from './fake-providers/index.js';
import { usRows } from './geonames.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * Resilience settings small enough for tests: short timeout, millisecond backoff, a breaker that
 * opens after 5 consecutive faults and probes after 300 ms. Tests override what they examine.
 */
export const FAST_UPSTREAM: Readonly<Record<string, string>> = {
  UPSTREAM_TIMEOUT_MS: '1000',
  UPSTREAM_RETRIES: '2',
  UPSTREAM_RETRY_BASE_DELAY_MS: '5',
  UPSTREAM_RETRY_MAX_DELAY_MS: '1500',
  UPSTREAM_BREAKER_THRESHOLD: '5',
  UPSTREAM_BREAKER_HALF_OPEN_MS: '300',
};

/** `count` distinct US ZIP codes the fakes know, starting at row `from` of the GeoNames file. */
export function usCodes(count: number, from = 1_000): string[] {
  const codes: string[] = [];
  const seen = new Set<string>();
  for (const row of usRows().slice(from)) {
    if (seen.has(row.postalCode)) continue;
    seen.add(row.postalCode);
    codes.push(row.postalCode);
    if (codes.length === count) break;
  }
  return codes;
}

export interface Pair {
  readonly from: string;
  readonly to: string;
}

/** `count` pairs over `codes`, every code used at least once when `count` allows, many repeated. */
export function pairsOver(codes: readonly string[], count: number): Pair[] {
  return Array.from({ length: count }, (_, i) => ({ from: codes[i % codes.length]!, to: codes[(i * 7 + 3) % codes.length]! }));
}

export const DISTANCES = 'query($pairs: [DistancePairInput!]!) { distances(pairs: $pairs) { meters from { postalCode latitude longitude } to { postalCode } } }';

/**
 * Runs `fake` for the current test file and returns a starter for services that use it as their
 * geocoder (`env` adds to and overrides FAST_UPSTREAM and the fake's URL). After each test, the
 * services stop and the fake is healed, its records forgotten, its latency reset.
 */
export function serveWithFake(fake: FakeProvider & { env(): Record<string, string> }, baseEnv: Record<string, string>): (env?: Record<string, string>) => Promise<TestServer> {
  const servers: TestServer[] = [];
  beforeAll(() => fake.start());
  afterAll(() => fake.close());
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    reset(fake);
  });
  return async (env = {}) => {
    const server = await startTestServer({ ...FAST_UPSTREAM, ...fake.env(), ...baseEnv, ...env });
    servers.push(server);
    return server;
  };
}

/**
 * Runs `fakes` for the current test file and returns a list for what each test opens against them
 * (geocoders, transports): after each test those close and every fake is reset.
 */
export function useFakes(...fakes: FakeProvider[]): { close(): unknown }[] {
  const closing: { close(): unknown }[] = [];
  beforeAll(() => Promise.all(fakes.map((fake) => fake.start())));
  afterAll(() => Promise.all(fakes.map((fake) => fake.close())));
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((c) => c.close()));
    fakes.forEach(reset);
  });
  return closing;
}

/** Healed, its records forgotten, no added latency, no compression. */
function reset(fake: FakeProvider): void {
  fake.heal().forget();
  fake.latencyMs = 0;
  fake.compression = undefined;
}
