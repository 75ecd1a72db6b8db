/**
 * The service with GEOCODER=geocodio (and embedded,geocodio) against a fake Geocodio that counts
 * every batch: N uncached codes cost ceil(N / batch size) requests, exactly.
 */
import { describe, expect, it } from 'vitest';
import { FakeGeocodio, placeOf } from '../support/fake-providers/index.js';
import { DISTANCES, pairsOver, serveWithFake, usCodes } from '../support/remote.js';

const fake = new FakeGeocodio();
const start = serveWithFake(fake, { GEOCODER: 'geocodio' });

const sorted = (codes: readonly string[]) => [...codes].sort();

describe('batching', () => {
  it('50 pairs over 20 codes make exactly one request carrying the 20 codes; the same query again makes none', async () => {
    const server = await start();
    const codes = usCodes(20);
    const pairs = pairsOver(codes, 50);
    const { body } = await server.graphql(DISTANCES, { pairs });
    expect(body.errors).toBeUndefined();
    expect(body.data!.distances[0].from).toEqual({ postalCode: pairs[0]!.from, latitude: placeOf('US', pairs[0]!.from).latitude, longitude: placeOf('US', pairs[0]!.from).longitude });
    expect(fake.requestCount).toBe(1);
    expect(sorted(fake.batches[0]!)).toEqual(sorted(codes));
    expect(fake.requests[0]!.method).toBe('POST');
    expect(fake.requests[0]!.query.get('api_key')).toBe(fake.apiKey);

    await server.graphql(DISTANCES, { pairs });
    expect(fake.requestCount).toBe(1);
  });

  it('splits by GEOCODIO_BATCH_SIZE: 20 codes in batches of 7 are 3 requests of 7, 7 and 6', async () => {
    const server = await start({ GEOCODIO_BATCH_SIZE: '7' });
    const codes = usCodes(20, 8_000);
    const { body } = await server.graphql(DISTANCES, { pairs: pairsOver(codes, 40) });
    expect(body.errors).toBeUndefined();
    expect(fake.batches.map((b) => b.length).sort()).toEqual([6, 7, 7]);
    expect(sorted(fake.codesReceived)).toEqual(sorted(codes));
  });

  it('with a batch window, 10 concurrent clients asking overlapping codes share one request', async () => {
    const server = await start({ BATCH_WINDOW_MS: '200' });
    const codes = usCodes(60, 12_000);
    const asks = Array.from({ length: 10 }, (_, i) => codes.slice(5 * i, 5 * i + 15));
    const responses = await Promise.all(asks.map((mine) => server.graphql(DISTANCES, { pairs: pairsOver(mine, 30) })));
    expect(responses.map((r) => r.body.errors)).toEqual(responses.map(() => undefined));
    expect(fake.requestCount).toBe(1);
    expect(sorted(fake.batches[0]!)).toEqual(sorted(codes));
  });

  it('by default, 16 clients at once (40 pairs each over 120 uncached codes) make at most 4 requests, each code asked once', async () => {
    const server = await start();
    // Long enough that all 16 requests arrive while the first batch is out, however busy the machine.
    fake.latencyMs = 300;
    const codes = usCodes(120, 20_000);
    const asks = Array.from({ length: 16 }, (_, i) => codes.slice((7 * i) % 100, ((7 * i) % 100) + 20));
    const responses = await Promise.all(asks.map((mine) => server.graphql(DISTANCES, { pairs: pairsOver(mine, 40) })));
    expect(responses.map((r) => r.body.errors)).toEqual(responses.map(() => undefined));
    expect(fake.requestCount).toBeLessThanOrEqual(4);
    expect(sorted(fake.codesReceived)).toEqual(sorted([...new Set(asks.flat())]));
  });

  it('by default, a lone cold query sends its batch at once: one request, nothing to wait for', async () => {
    const server = await start();
    fake.latencyMs = 30;
    const { body } = await server.graphql(DISTANCES, { pairs: pairsOver(usCodes(10, 24_000), 10) });
    expect(body.errors).toBeUndefined();
    expect(fake.requestCount).toBe(1);
  });

  it('without a window, concurrent clients still never ask for a code twice', async () => {
    const server = await start();
    fake.latencyMs = 30;
    const codes = usCodes(60, 16_000);
    const asks = Array.from({ length: 10 }, (_, i) => codes.slice(5 * i, 5 * i + 15));
    await Promise.all(asks.map((mine) => server.graphql(DISTANCES, { pairs: pairsOver(mine, 30) })));
    expect(sorted(fake.codesReceived)).toEqual(sorted(codes));
  });

  it('embedded,geocodio: only the codes the embedded data lacks, in the countries Geocodio covers, reach it', async () => {
    const server = await start({ GEOCODER: 'embedded,geocodio' });
    const { body } = await server.graphql(`{
      us: location(postalCode: "90210") { placeName }
      ca: location(postalCode: "K1A 0B1", countryCode: "CA") { postalCode matchedPostalCode precision placeName latitude }
      mx: location(postalCode: "06700", countryCode: "MX") { placeName }
      unknown: location(postalCode: "00000") { placeName }
      fr: location(postalCode: "75013", countryCode: "FR") { placeName }
    }`);
    expect(body.data).toEqual({
      us: { placeName: placeOf('US', '90210').placeName },
      // The fake, like a source holding forward sortation areas, answers the full code with its area.
      ca: { postalCode: 'K1A 0B1', matchedPostalCode: 'K1A', precision: 'PREFIX', placeName: 'Ottawa', latitude: placeOf('CA', 'K1A').latitude },
      mx: { placeName: 'Roma Norte' },
      unknown: null,
      fr: null,
    });
    expect(body.errors!.map((e) => [e.path![0], e.extensions!.code])).toEqual([
      ['unknown', 'POSTAL_CODE_NOT_FOUND'],
      ['fr', 'POSTAL_CODE_NOT_FOUND'],
    ]);
    expect(fake.batches).toHaveLength(1);
    expect(sorted(fake.batches[0]!)).toEqual(['00000', '06700, Mexico', 'K1A 0B1, Canada']);
  });
});

describe('failures', () => {
  it('a batch answer of the wrong length fails every item of that batch, and the embedded ones still resolve', async () => {
    const server = await start({ GEOCODER: 'embedded,geocodio' });
    fake.failNext({ kind: 'wrongLength' });
    const { body } = await server.graphql(`{
      us: location(postalCode: "90210") { placeName }
      ca: location(postalCode: "K1A", countryCode: "CA") { placeName }
      mx: location(postalCode: "06700", countryCode: "MX") { placeName }
    }`);
    expect(body.data).toEqual({ us: { placeName: placeOf('US', '90210').placeName }, ca: null, mx: null });
    expect(body.errors!.map((e) => e.extensions!.code)).toEqual(['GEOCODER_UNAVAILABLE', 'GEOCODER_UNAVAILABLE']);
    expect(fake.requestCount).toBe(1);
  });

  it('a bad key is GEOCODER_UNAVAILABLE with a message for the operator, and the key appears nowhere', async () => {
    const server = await start({ GEOCODIO_API_KEY: 'not-the-key-7f3a' });
    const { body } = await server.graphql('{ location(postalCode: "90210") { placeName } }');
    expect(body.errors).toEqual([
      {
        message: 'The geocoder "geocodio" refused this service\'s credentials or quota (HTTP 403); its operator has to fix the configuration.',
        locations: [{ line: 1, column: 3 }],
        path: ['location'],
        extensions: { code: 'GEOCODER_UNAVAILABLE' },
      },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/not-the-key|api_key|Invalid API key/);
    expect(fake.requestCount).toBe(1);
  });

  it('a 429 is retried with backoff, then answered GEOCODER_RATE_LIMITED for every item of the batch', async () => {
    const server = await start();
    fake.failAlways({ kind: 'rateLimit' });
    const { body } = await server.graphql('{ a: location(postalCode: "90210") { placeName } b: location(postalCode: "10001") { placeName } }');
    expect(body.errors!.map((e) => e.extensions!.code)).toEqual(['GEOCODER_RATE_LIMITED', 'GEOCODER_RATE_LIMITED']);
    expect(fake.requestCount).toBe(3);
  });
});
