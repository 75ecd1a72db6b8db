/**
 * The service with GEOCODER=zippopotam (and embedded,zippopotam) against a fake Zippopotam that
 * counts every request: the fewest possible requests, exactly, and per-item failures.
 */
import { describe, expect, it } from 'vitest';
import { FakeZippopotam, placeOf } from '../support/fake-providers/index.js';
import { DISTANCES, pairsOver, serveWithFake, usCodes } from '../support/remote.js';

const fake = new FakeZippopotam();
const start = serveWithFake(fake, { GEOCODER: 'zippopotam' });

const sorted = (codes: readonly string[]) => [...codes].sort();

describe('the fewest requests', () => {
  it('50 pairs over 20 codes make exactly 20 requests, one per code; the same query again makes none', async () => {
    const server = await start();
    const codes = usCodes(20);
    const pairs = pairsOver(codes, 50);
    const { body } = await server.graphql(DISTANCES, { pairs });
    expect(body.errors).toBeUndefined();
    expect(body.data!.distances).toHaveLength(50);
    expect(body.data!.distances[0].from).toEqual({ postalCode: pairs[0]!.from, latitude: placeOf('US', pairs[0]!.from).latitude, longitude: placeOf('US', pairs[0]!.from).longitude });
    expect(fake.requestCount).toBe(20);
    expect(sorted(fake.codesReceived)).toEqual(sorted(codes));
    expect(fake.requests.map((r) => r.path)).toEqual(fake.requests.map((r) => `/us/${r.codes[0]}`));

    await server.graphql(DISTANCES, { pairs });
    expect(fake.requestCount).toBe(20);
  });

  it('10 concurrent clients asking overlapping codes make one request per distinct code', async () => {
    const server = await start();
    fake.latencyMs = 30; // keeps lookups in flight while the other clients ask
    const codes = usCodes(60, 3_000);
    // Client i asks codes 5i .. 5i+14: each code is wanted by up to three clients.
    const asks = Array.from({ length: 10 }, (_, i) => codes.slice(5 * i, 5 * i + 15));
    const responses = await Promise.all(asks.map((mine) => server.graphql(DISTANCES, { pairs: pairsOver(mine, 30) })));
    expect(responses.map((r) => r.body.errors)).toEqual(responses.map(() => undefined));
    const wanted = new Set(asks.flat());
    expect(wanted.size).toBe(60);
    expect(fake.requestCount).toBe(60);
    expect(sorted(fake.codesReceived)).toEqual(sorted([...wanted]));
  });

  it('embedded,zippopotam: only the codes the embedded data lacks reach Zippopotam', async () => {
    const server = await start({ GEOCODER: 'embedded,zippopotam' });
    const { body } = await server.graphql(`{
      a: distance(from: "90210", to: "10001") { meters }
      b: distance(from: "75013", fromCountry: "FR", to: "10115", toCountry: "DE") { from { placeName latitude } to { placeName } }
      c: location(postalCode: "00000") { placeName }
      d: location(postalCode: "60601") { placeName }
    }`);
    expect(body.data!.a.meters).toBeGreaterThan(0);
    expect(body.data!.b).toEqual({ from: { placeName: 'Paris 13', latitude: placeOf('FR', '75013').latitude }, to: { placeName: 'Berlin' } });
    expect(body.data!.c).toBeNull();
    expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['c'], 'POSTAL_CODE_NOT_FOUND']]);
    expect(sorted(fake.requests.map((r) => r.path))).toEqual(['/de/10115', '/fr/75013', '/us/00000']);
  });
});

describe('failures stay with their item', () => {
  const QUERY = '{ a: location(postalCode: "90210") { placeName } b: location(postalCode: "60601") { placeName } c: location(postalCode: "10001") { placeName } }';

  it.each([
    ['a provider that keeps failing (5xx)', 'GEOCODER_UNAVAILABLE', 3, { kind: 'status', status: 500 } as const, {}],
    ['a dropped connection, every time', 'GEOCODER_UNAVAILABLE', 3, { kind: 'reset' } as const, {}],
    ['a malformed body', 'GEOCODER_UNAVAILABLE', 1, { kind: 'malformed' } as const, {}],
    ['an answer for another code', 'GEOCODER_UNAVAILABLE', 1, { kind: 'wrongCode' } as const, {}],
    ['a slow answer', 'GEOCODER_TIMEOUT', 1, { kind: 'latency', ms: 3_000 } as const, { UPSTREAM_TIMEOUT_MS: '200' }],
    ['a slow trickle', 'GEOCODER_TIMEOUT', 1, { kind: 'trickle', tickMs: 25 } as const, { UPSTREAM_TIMEOUT_MS: '200' }],
    ['a 429 asking for two minutes', 'GEOCODER_RATE_LIMITED', 1, { kind: 'rateLimit', retryAfter: '120' } as const, {}],
  ])('%s: that item gets %s after %i request(s); the others resolve', async (_, code, attempts, fault, env) => {
    const server = await start(env);
    fake.failCode('60601', fault);
    const { status, body } = await server.graphql(QUERY);
    expect(status).toBe(200);
    expect(body.data).toEqual({ a: { placeName: placeOf('US', '90210').placeName }, b: null, c: { placeName: placeOf('US', '10001').placeName } });
    expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['b'], code]]);
    expect(fake.codesReceived.filter((c) => c === '60601')).toHaveLength(attempts);
    // Nothing of the upstream reaches the client: no address, no body, no stack.
    expect(JSON.stringify(body.errors)).not.toMatch(/127\.0\.0\.1|localhost|place name|post code|HTTP\/1|at .*\.(ts|js)|Error:/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('never caches a failure: the next request asks again, exactly once more', async () => {
    const server = await start();
    fake.failCode('60601', { kind: 'status', status: 503 });
    expect((await server.graphql(QUERY)).body.errors).toHaveLength(1);
    fake.heal().forget();
    const { body } = await server.graphql(QUERY);
    expect(body.errors).toBeUndefined();
    expect(fake.codesReceived).toEqual(['60601']);
  });

  it('opens the circuit after consecutive failures: the provider hears nothing more until it is probed, then recovers', async () => {
    const server = await start({ UPSTREAM_RETRIES: '0', UPSTREAM_BREAKER_THRESHOLD: '3', UPSTREAM_BREAKER_HALF_OPEN_MS: '800' });
    fake.failAlways({ kind: 'status', status: 500 });
    const one = (code: string) => server.graphql(`{ location(postalCode: "${code}") { placeName } }`);
    for (const code of ['90210', '10001', '60601']) await one(code);
    expect(fake.requestCount).toBe(3);
    const failFast = await Promise.all(['94105', '02108', '30301', '73301'].map(one));
    expect(failFast.map((r) => r.body.errors![0]!.extensions!.code)).toEqual(Array(4).fill('GEOCODER_UNAVAILABLE'));
    expect(failFast[0]!.body.errors![0]!.message).toBe('The geocoder "zippopotam" is failing, so calls to it are paused for a short while; try again shortly.');
    expect(fake.requestCount).toBe(3);

    fake.heal();
    await new Promise((resolve) => setTimeout(resolve, 850));
    expect((await one('94105')).body.data!.location).toEqual({ placeName: placeOf('US', '94105').placeName });
    expect((await one('02108')).body.data!.location).toEqual({ placeName: placeOf('US', '02108').placeName });
    expect(fake.codesReceived.slice(3)).toEqual(['94105', '02108']);
  });
});
