/**
 * The resilience of remote calls, provider by provider, against fake servers that count what
 * they receive: retries, Retry-After, timeouts, the circuit breaker, the concurrency cap, and
 * shutdown. Exact request counts throughout.
 */
import { CircuitState } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { GeocoderChain } from '../../src/geocoding/chain.js';
import type { UpstreamOptions } from '../../src/geocoding/upstream/index.js';
import type { GeocodeResult } from '../../src/geocoding/geocoder.js';
import type { PostalKey } from '../../src/postal/postal-code.js';
import { GeocodioGeocoder } from '../../src/geocoding/providers/geocodio.js';
import { ZippopotamGeocoder } from '../../src/geocoding/providers/zippopotam.js';
import { FakeGeocodio, FakeZippopotam, placeOf } from '../support/fake-providers/index.js';
import { captureLogs } from '../support/log-capture.js';
import { useFakes } from '../support/remote.js';

const FAST: UpstreamOptions = {
  timeoutMs: 1_000,
  retries: 2,
  retryBaseDelayMs: 5,
  retryMaxDelayMs: 1_500,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 300,
};

const us = (postalCode: string): PostalKey => ({ countryCode: 'US', postalCode });
const codeOf = (result: GeocodeResult | undefined) => (result?.kind === 'error' ? result.error.code : result?.kind);

const zippopotam = new FakeZippopotam();
const geocodio = new FakeGeocodio();
const closing = useFakes(zippopotam, geocodio);

function zippo(upstream: Partial<UpstreamOptions> = {}, concurrency = 8) {
  const logs = captureLogs();
  const geocoder = new ZippopotamGeocoder({ url: zippopotam.url, concurrency, upstream: { ...FAST, ...upstream }, logger: logs.logger });
  closing.push(geocoder);
  return { geocoder, logs };
}

describe('retries', () => {
  it('retries a 503 and a dropped connection, then answers: one request per attempt', async () => {
    const { geocoder, logs } = zippo();
    zippopotam.failNext({ kind: 'status', status: 503 }).failNext({ kind: 'reset' });
    const [result] = await geocoder.geocode([us('90210')]);
    expect(result).toMatchObject({ kind: 'found', place: { latitude: placeOf('US', '90210').latitude } });
    expect(zippopotam.codesReceived).toEqual(['90210', '90210', '90210']);
    expect(logs.messages('warn').filter((m) => m.startsWith('retrying'))).toEqual(['retrying after a failed attempt (retry 1 of 2)', 'retrying after a failed attempt (retry 2 of 2)']);
  });

  it('gives up after the configured retries with the item’s own code', async () => {
    const { geocoder } = zippo();
    zippopotam.failAlways({ kind: 'status', status: 500 });
    expect((await geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['GEOCODER_UNAVAILABLE']);
    expect(zippopotam.requestCount).toBe(3);
  });

  it.each([
    ['a 404 (unknown code)', undefined, '00000', 'notFound'],
    ['a malformed body', { kind: 'malformed', variant: 'truncated' } as const, '90210', 'GEOCODER_UNAVAILABLE'],
    ['a body of the wrong shape', { kind: 'malformed', variant: 'shape' } as const, '90210', 'GEOCODER_UNAVAILABLE'],
    ['coordinates out of range', { kind: 'malformed', variant: 'coordinates' } as const, '90210', 'GEOCODER_UNAVAILABLE'],
    ['an answer for another code', { kind: 'wrongCode' } as const, '90210', 'GEOCODER_UNAVAILABLE'],
    ['a 400', { kind: 'status', status: 400 } as const, '90210', 'GEOCODER_UNAVAILABLE'],
  ])('does not retry %s: exactly one request', async (_, fault, code, expected) => {
    const { geocoder } = zippo();
    if (fault) zippopotam.failNext(fault);
    expect((await geocoder.geocode([us(code)])).map(codeOf)).toEqual([expected]);
    expect(zippopotam.requestCount).toBe(1);
  });

  it('waits as long as Retry-After asks before retrying a 429 (timestamps taken by the server)', async () => {
    const { geocoder } = zippo();
    zippopotam.failNext({ kind: 'rateLimit', retryAfter: '1' });
    expect((await geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['found']);
    const [first, second] = zippopotam.requests;
    expect(zippopotam.requestCount).toBe(2);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
  });

  it('answers GEOCODER_RATE_LIMITED at once when Retry-After asks for longer than it will wait', async () => {
    const { geocoder } = zippo();
    zippopotam.failAlways({ kind: 'rateLimit', retryAfter: '120' });
    const [result] = await geocoder.geocode([us('90210')]);
    expect(codeOf(result)).toBe('GEOCODER_RATE_LIMITED');
    expect(result?.kind === 'error' && result.error.message).toBe('The geocoder "zippopotam" is rate limiting this service; try again later (it asked for 120 s).');
    expect(zippopotam.requestCount).toBe(1);
  });

  it('backs off and retries a 429 without Retry-After, then answers GEOCODER_RATE_LIMITED', async () => {
    const { geocoder } = zippo();
    zippopotam.failAlways({ kind: 'rateLimit' });
    expect((await geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['GEOCODER_RATE_LIMITED']);
    expect(zippopotam.requestCount).toBe(3);
  });
});

describe('timeouts', () => {
  it('times out a slow answer as GEOCODER_TIMEOUT, without retrying it', async () => {
    const { geocoder, logs } = zippo({ timeoutMs: 150 });
    zippopotam.failNext({ kind: 'latency', ms: 2_000 });
    expect((await geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['GEOCODER_TIMEOUT']);
    expect(zippopotam.requestCount).toBe(1);
    expect(logs.messages('warn')).toContain('request timed out');
  });

  it('times out a body that trickles in, since the timeout covers the whole body', async () => {
    const { geocoder } = zippo({ timeoutMs: 150 });
    zippopotam.failNext({ kind: 'trickle', tickMs: 20 });
    expect((await geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['GEOCODER_TIMEOUT']);
    expect(zippopotam.requestCount).toBe(1);
  });
});

describe('the circuit breaker', () => {
  it('opens after consecutive faults, sends nothing while open, probes once after the pause, and closes', async () => {
    const { geocoder, logs } = zippo({ retries: 0, breakerThreshold: 3, breakerHalfOpenAfterMs: 500 });
    const client = (geocoder as unknown as { client: { circuitState: CircuitState } }).client;
    zippopotam.failAlways({ kind: 'status', status: 502 });
    for (let i = 0; i < 3; i++) await geocoder.geocode([us('90210')]);
    expect(zippopotam.requestCount).toBe(3);
    expect(client.circuitState).toBe(CircuitState.Open);

    // Open: every lookup fails fast, and the provider hears nothing.
    const open = await geocoder.geocode([us('90210'), us('10001'), us('60601')]);
    expect(open.map(codeOf)).toEqual(['GEOCODER_UNAVAILABLE', 'GEOCODER_UNAVAILABLE', 'GEOCODER_UNAVAILABLE']);
    expect(open[0]?.kind === 'error' && open[0].error.message).toMatch(/paused/);
    expect(zippopotam.requestCount).toBe(3);

    // After the pause, one probe goes through; it succeeds, and the circuit closes.
    zippopotam.heal();
    await new Promise((resolve) => setTimeout(resolve, 550));
    expect((await geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['found']);
    expect(zippopotam.requestCount).toBe(4);
    expect(client.circuitState).toBe(CircuitState.Closed);
    expect((await geocoder.geocode([us('10001'), us('60601')])).map(codeOf)).toEqual(['found', 'found']);
    expect(zippopotam.requestCount).toBe(6);
    expect(logs.messages('info')).toEqual([
      'request failed: HTTP 502',
      'request failed: HTTP 502',
      'circuit opened: failing fast until a probe succeeds',
      'request failed: HTTP 502',
      'circuit half-open: letting one probe request through',
      'circuit closed: the provider answers again',
    ]);
  });

  it('lets a single probe through while half-open, and reopens when it fails', async () => {
    const { geocoder } = zippo({ retries: 0, breakerThreshold: 1, breakerHalfOpenAfterMs: 150 });
    zippopotam.latencyMs = 20;
    zippopotam.failAlways({ kind: 'status', status: 500 });
    await geocoder.geocode([us('90210')]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Five lookups at once while half-open: one probe reaches the provider; it fails and the others fail fast.
    const results = await geocoder.geocode(['90210', '10001', '60601', '94105', '02108'].map(us));
    expect(results.map(codeOf)).toEqual(Array(5).fill('GEOCODER_UNAVAILABLE'));
    expect(zippopotam.requestCount).toBe(2);
  });

  it('is not opened by answers about the request itself (404, 429)', async () => {
    const { geocoder } = zippo({ retries: 0, breakerThreshold: 2 });
    zippopotam.failAlways({ kind: 'rateLimit' });
    for (let i = 0; i < 3; i++) await geocoder.geocode([us('90210')]);
    zippopotam.heal();
    for (let i = 0; i < 3; i++) await geocoder.geocode([us('00000')]);
    expect((await geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['found']);
    expect(zippopotam.requestCount).toBe(7);
  });
});

describe('the concurrency cap', () => {
  it('keeps at most ZIPPOPOTAM_CONCURRENCY requests in flight, and still sends one per code', async () => {
    const { geocoder } = zippo({}, 3);
    zippopotam.latencyMs = 25;
    const codes = ['90210', '10001', '60601', '94105', '02108', '30301', '73301', '98101', '33101', '80202'];
    const results = await geocoder.geocode(codes.map(us));
    expect(results.map(codeOf)).toEqual(Array(10).fill('found'));
    expect(zippopotam.maxInFlight).toBe(3);
    expect([...zippopotam.codesReceived].sort()).toEqual([...codes].sort());
  });
});

describe('shutdown', () => {
  it('abandons calls in flight on close, answering them with GEOCODER_UNAVAILABLE', async () => {
    const { geocoder } = zippo({ timeoutMs: 60_000 });
    zippopotam.latencyMs = 30_000;
    const pending = geocoder.geocode([us('90210')]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await geocoder.close();
    const [result] = await pending;
    expect(codeOf(result)).toBe('GEOCODER_UNAVAILABLE');
    expect(result?.kind === 'error' && result.error.message).toBe('The service is shutting down; try again.');
  });
});

describe('Geocodio failures', () => {
  function geo(apiKey = geocodio.apiKey, batchSize = 10_000) {
    const logs = captureLogs();
    const geocoder = new GeocodioGeocoder({
      url: geocodio.url,
      apiKey,
      apiVersion: geocodio.version,
      batchSize,
      concurrency: 2,
      timeoutMs: 1_000,
      upstream: FAST,
      logger: logs.logger,
    });
    closing.push(geocoder);
    return { geocoder, logs };
  }

  it('a bad key: every item GEOCODER_UNAVAILABLE, one request, an operator hint in the log, the key nowhere', async () => {
    const { geocoder, logs } = geo('wrong-key-secret');
    const results = await geocoder.geocode([us('90210'), us('10001')]);
    expect(results.map(codeOf)).toEqual(['GEOCODER_UNAVAILABLE', 'GEOCODER_UNAVAILABLE']);
    expect(geocodio.requestCount).toBe(1);
    const errors = logs.lines.filter((l) => l.level === 50);
    expect(errors.map((l) => l.msg)).toEqual([
      'Geocodio refused the request (HTTP 403): GEOCODIO_API_KEY is invalid, or the account is over its quota or usage limit',
    ]);
    expect(JSON.stringify(logs.lines) + JSON.stringify(results)).not.toMatch(/wrong-key-secret|api_key|127\.0\.0\.1/);
  });

  it('a batch answer of the wrong length or order: every item of it fails, none gets a coordinate', async () => {
    const { geocoder } = geo();
    geocodio.failNext({ kind: 'wrongLength' }).failNext({ kind: 'wrongCode' });
    for (let i = 0; i < 2; i++) {
      expect((await geocoder.geocode([us('90210'), us('10001'), us('60601')])).map(codeOf)).toEqual(Array(3).fill('GEOCODER_UNAVAILABLE'));
    }
    expect(geocodio.requestCount).toBe(2);
  });

  it('results that are not the postal code itself (a street on it, a neighbouring ZIP) are not found', async () => {
    const { geocoder } = geo();
    geocodio.failNext({ kind: 'imprecise' });
    expect((await geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['notFound']);
  });

  it('is handed more codes than its batch limit in ceil(N / limit) requests, each within the limit (the chain splits)', async () => {
    const { geocoder } = geo(geocodio.apiKey, 4);
    const codes = ['90210', '10001', '60601', '94105', '02108', '30301', '73301', '98101', '33101', '80202'];
    expect((await new GeocoderChain([geocoder]).geocode(codes.map(us))).map(codeOf)).toEqual(Array(10).fill('found'));
    expect(geocodio.batches.map((b) => b.length).sort()).toEqual([2, 4, 4]);
  });

  it('a fake that enforces the limit refuses an oversized batch with 422, as Geocodio does', async () => {
    const limited = await new FakeGeocodio({ batchLimit: 2 }).start();
    try {
      const res = await fetch(`${limited.url}/v1.11/geocode?api_key=${limited.apiKey}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '["90210","10001","60601"]' });
      expect(res.status).toBe(422);
    } finally {
      await limited.close();
    }
  });
});
