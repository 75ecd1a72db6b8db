/**
 * The service with GEOCODER=nominatim against a fake Nominatim that, like the public instance,
 * refuses requests that come too fast or without an identifying User-Agent. Spacing is measured
 * by the server, on arrival.
 */
import { describe, expect, it } from 'vitest';
import { FakeNominatim, placeOf } from '../support/fake-providers/index.js';
import { DISTANCES, pairsOver, serveWithFake, usCodes } from '../support/remote.js';

const INTERVAL_MS = 100;
/** Allowed scheduling jitter between the service starting a request and the fake seeing it arrive. */
const JITTER_MS = 10;
const USER_AGENT = 'postal-distance-tests/1.0 (tests@example.com)';

const fake = new FakeNominatim({ minIntervalMs: INTERVAL_MS - JITTER_MS });
const start = serveWithFake(fake, {
  GEOCODER: 'nominatim',
  NOMINATIM_MIN_INTERVAL_MS: String(INTERVAL_MS),
  NOMINATIM_USER_AGENT: USER_AGENT,
  NOMINATIM_EMAIL: 'tests@example.com',
});

/** Gaps between consecutive request arrivals, in ms. */
const gaps = () => fake.requests.slice(1).map((r, i) => r.at - fake.requests[i]!.at);

describe('the usage policy', () => {
  it('asks each code once, one request at a time, starts at least the interval apart, with the configured User-Agent', async () => {
    const server = await start();
    const codes = usCodes(6, 20_000);
    const { body } = await server.graphql(DISTANCES, { pairs: pairsOver(codes, 10) });
    expect(body.errors).toBeUndefined();
    expect(body.data!.distances[0].from.latitude).toBe(placeOf('US', codes[0]!).latitude);
    expect(fake.requestCount).toBe(6);
    expect([...fake.codesReceived].sort()).toEqual([...codes].sort());
    expect(fake.maxInFlight).toBe(1);
    expect(Math.min(...gaps())).toBeGreaterThanOrEqual(INTERVAL_MS - JITTER_MS);
    expect(fake.violations).toBe(0);
    expect(new Set(fake.requests.map((r) => r.headers['user-agent']))).toEqual(new Set([USER_AGENT]));
    expect(Object.fromEntries(fake.requests[0]!.query)).toMatchObject({ countrycodes: 'us', format: 'jsonv2', limit: '1', email: 'tests@example.com' });

    await server.graphql(DISTANCES, { pairs: pairsOver(codes, 10) });
    expect(fake.requestCount).toBe(6);
  });

  it('keeps the spacing across concurrent clients and retries', async () => {
    const server = await start();
    fake.failNext({ kind: 'status', status: 503 });
    const codes = usCodes(6, 21_000);
    const asks = [codes.slice(0, 4), codes.slice(2, 6), codes.slice(1, 5)];
    const responses = await Promise.all(asks.map((mine) => server.graphql(DISTANCES, { pairs: pairsOver(mine, 6) })));
    expect(responses.map((r) => r.body.errors)).toEqual(responses.map(() => undefined));
    // Six codes, one of them twice (the 503, then its retry).
    expect(fake.requestCount).toBe(7);
    expect(new Set(fake.codesReceived)).toEqual(new Set(codes));
    expect(Math.min(...gaps())).toBeGreaterThanOrEqual(INTERVAL_MS - JITTER_MS);
    expect(fake.violations).toBe(0);
  });

  it('answers codes in any country, and [] as not found', async () => {
    const server = await start();
    const { body } = await server.graphql(`{
      fr: location(postalCode: "75013", countryCode: "FR") { placeName adminName adminCode latitude }
      none: location(postalCode: "00000") { placeName }
    }`);
    expect(body.data!.fr).toEqual({ placeName: 'Paris 13', adminName: 'Île-de-France', adminCode: '11', latitude: placeOf('FR', '75013').latitude });
    expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['none'], 'POSTAL_CODE_NOT_FOUND']]);
  });
});
