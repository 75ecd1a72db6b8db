/**
 * The transport under every remote geocoder (`src/geocoding/upstream/transport.ts`, Node's own HTTP
 * client), against the fake providers on 127.0.0.1: compressed answers, the body size limit
 * counted after decompression, and keep-alive connections. Counts are exact: requests,
 * compressed answers, TCP connections.
 */
import { describe, expect, it } from 'vitest';
import type { GeocodeResult } from '../../src/geocoding/geocoder.js';
import { Transport } from '../../src/geocoding/upstream/transport.js';
import { UpstreamError } from '../../src/geocoding/upstream/upstream-error.js';
import type { PostalKey } from '../../src/postal/postal-code.js';
import { GeocodioGeocoder } from '../../src/geocoding/providers/geocodio.js';
import { ZippopotamGeocoder } from '../../src/geocoding/providers/zippopotam.js';
import { usRows } from '../support/geonames.js';
import { FakeGeocodio, FakeZippopotam, placeOf } from '../support/fake-providers/index.js';
import { captureLogs } from '../support/log-capture.js';
import { useFakes } from '../support/remote.js';

const UPSTREAM = { timeoutMs: 2_000, retries: 2, retryBaseDelayMs: 5, retryMaxDelayMs: 50, breakerThreshold: 5, breakerHalfOpenAfterMs: 300 };
const us = (postalCode: string): PostalKey => ({ countryCode: 'US', postalCode });
const codeOf = (result: GeocodeResult | undefined) => (result?.kind === 'error' ? result.error.code : result?.kind);
/** 200 distinct US codes: a Geocodio answer of about 80 KB, which compresses about tenfold. */
const CODES = [...new Set(usRows().map((r) => r.postalCode))].slice(0, 200);

const geocodio = new FakeGeocodio();
const zippopotam = new FakeZippopotam();
const closing = useFakes(geocodio, zippopotam);

function geo() {
  const logs = captureLogs();
  const geocoder = new GeocodioGeocoder({ url: geocodio.url, apiKey: geocodio.apiKey, apiVersion: geocodio.version, batchSize: 10_000, concurrency: 2, timeoutMs: 2_000, upstream: UPSTREAM, logger: logs.logger });
  closing.push(geocoder);
  return { geocoder, logs };
}

function geocodioRequest(signal = new AbortController().signal, codes: readonly string[] = CODES) {
  return {
    url: new URL(`${geocodio.url}/${geocodio.version}/geocode?api_key=${geocodio.apiKey}`),
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(codes),
    signal,
    readsBody: (status: number) => status === 200,
  };
}

describe('compression', () => {
  it.each(['gzip', 'br'] as const)('asks for it, and decodes a %s answer: 200 places from one compressed request', async (encoding) => {
    geocodio.compression = encoding;
    const results = await geo().geocoder.geocode(CODES.map(us));
    expect(results.map(codeOf)).toEqual(CODES.map(() => 'found'));
    expect(results[0]).toMatchObject({ place: { latitude: placeOf('US', CODES[0]!).latitude } });
    expect(geocodio.requestCount).toBe(1);
    expect(geocodio.compressedAnswers).toBe(1);
    expect(geocodio.requests[0]!.headers['accept-encoding']).toBe('br, gzip');
  });

  it('refuses an encoding it did not ask for as a malformed answer: GEOCODER_UNAVAILABLE, not retried', async () => {
    geocodio.failNext({ kind: 'unaskedEncoding' });
    expect((await geo().geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['GEOCODER_UNAVAILABLE']);
    expect(geocodio.requestCount).toBe(1);
    expect(geocodio.compressedAnswers).toBe(1);
  });

  it('takes a body that does not decode for a malformed answer, not a network fault: one request, no retry', async () => {
    geocodio.failNext({ kind: 'corruptEncoding' });
    const { geocoder, logs } = geo();
    expect((await geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['GEOCODER_UNAVAILABLE']);
    expect(geocodio.requestCount).toBe(1);
    expect(logs.messages('warn')).toEqual(['request failed: body does not decode as gzip']);
  });
});

describe('body size limit', () => {
  it('counts decoded bytes: a gzip answer under the limit on the wire that inflates past it is refused', async () => {
    geocodio.compression = 'gzip';
    const plain = new Transport(1_000_000);
    const transport = new Transport(40_000);
    closing.push(plain, transport);
    const whole = await plain.exchange(geocodioRequest());
    expect(whole.text!.length).toBeGreaterThan(40_000); // the decoded answer is over the limit,
    expect(Number(whole.headers['content-length'])).toBeLessThan(40_000); // the bytes on the wire are not
    await expect(transport.exchange(geocodioRequest())).rejects.toEqual(new UpstreamError('malformed', 'body is over the limit of 40000 bytes'));
    expect(geocodio.compressedAnswers).toBe(2);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const transport = new Transport(1_000);
    closing.push(transport);
    await expect(transport.exchange(geocodioRequest())).rejects.toMatchObject({ failure: 'malformed', message: expect.stringMatching(/^body of \d+ bytes is over the limit of 1000$/) });
  });

  it('rejects when the signal aborts, and leaves the body unread when told not to read it', async () => {
    const transport = new Transport(1_000_000);
    closing.push(transport);
    geocodio.latencyMs = 200;
    const [refusedCode, ...others] = CODES;
    const aborted = transport.exchange(geocodioRequest(AbortSignal.timeout(20), others));
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    geocodio.latencyMs = 0;
    // By code, not the next request: on a loaded machine the aborted one may still arrive after this line.
    geocodio.failCode(refusedCode!, { kind: 'status', status: 503, retryAfter: '3' });
    const refused = await transport.exchange(geocodioRequest(undefined, [refusedCode!]));
    expect(refused).toMatchObject({ status: 503, text: undefined, headers: { 'retry-after': '3' } });
  });
});

describe('redirects', () => {
  it('does not follow one (it would carry the API key along): one request, GEOCODER_UNAVAILABLE, and an error log that says to check the URL', async () => {
    const { geocoder, logs } = geo();
    geocodio.failNext({ kind: 'status', status: 301 });
    expect((await geocoder.geocode([us('90210')])).map(codeOf)).toEqual(['GEOCODER_UNAVAILABLE']);
    expect(geocodio.requestCount).toBe(1);
    expect(logs.messages('error')).toEqual(['the provider redirected the request (HTTP 301), and redirects are not followed: check its configured URL (https, host, path)']);
  });
});

describe('connections', () => {
  it('keeps them alive: 20 sequential lookups over one connection, 40 more at 8 in flight over at most 8', async () => {
    const logs = captureLogs();
    const geocoder = new ZippopotamGeocoder({ url: zippopotam.url, concurrency: 8, upstream: UPSTREAM, logger: logs.logger });
    closing.push(geocoder);
    for (const code of CODES.slice(0, 20)) expect((await geocoder.geocode([us(code)])).map(codeOf)).toEqual(['found']);
    expect(zippopotam.requestCount).toBe(20);
    expect(zippopotam.connections).toBe(1);
    zippopotam.forget();
    expect((await geocoder.geocode(CODES.slice(20, 60).map(us))).map(codeOf)).toEqual(Array(40).fill('found'));
    expect(zippopotam.requestCount).toBe(40);
    expect(zippopotam.maxInFlight).toBeLessThanOrEqual(8);
    // The idle connection kept from the sequential lookups is reused, so at most 7 are new.
    expect(zippopotam.connections).toBeLessThanOrEqual(7);
  });
});
