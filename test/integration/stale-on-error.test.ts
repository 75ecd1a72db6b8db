/**
 * Stale-on-error through GraphQL: after the TTL, a provider failure serves the expired location
 * with a warning in the response's top-level extensions; the next request tries the provider again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeZippopotam, placeOf } from '../support/fake-providers/index.js';
import { FAST_UPSTREAM } from '../support/remote.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TTL_MS = 300;
const fake = new FakeZippopotam();
let server: TestServer;

beforeAll(async () => {
  await fake.start();
  server = await startTestServer({
    GEOCODER: 'zippopotam',
    ...FAST_UPSTREAM,
    ...fake.env(),
    UPSTREAM_RETRIES: '0',
    CACHE_TTL_MS: String(TTL_MS),
    CACHE_STALE_MAX_MS: '60000',
  });
});
afterAll(async () => {
  await server.stop();
  await fake.close();
});
afterEach(() => void fake.heal().forget());

const QUERY = '{ a: location(postalCode: "90210") { latitude } b: distance(from: "10001", to: "90210") { from { latitude } } c: location(postalCode: "60601") { latitude } }';

describe('stale-on-error', () => {
  it('serves expired locations with a STALE_LOCATION warning while the provider fails, and fresh ones once it recovers', async () => {
    const fresh = await server.graphql('{ a: location(postalCode: "90210") { latitude } b: location(postalCode: "10001") { latitude } }');
    expect(fresh.body.errors).toBeUndefined();
    expect(fresh.body.extensions).toBeUndefined();
    expect(fake.requestCount).toBe(2);

    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 50)); // past the TTL
    fake.failAlways({ kind: 'status', status: 503 });
    const { body } = await server.graphql(QUERY);
    expect(body.data).toEqual({
      a: { latitude: placeOf('US', '90210').latitude },
      b: { from: { latitude: placeOf('US', '10001').latitude } },
      c: null,
    });
    // 60601 was never cached: its failure is its own error.
    expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['c'], 'GEOCODER_UNAVAILABLE']]);
    // Each expired code warns once, however many fields used it.
    expect(body.extensions).toEqual({
      warnings: [
        {
          code: 'STALE_LOCATION',
          postalCode: '90210',
          countryCode: 'US',
          message: 'The geocoder failed, so the location of 90210 (US) was served from the cache past its freshness; it may be out of date.',
        },
        {
          code: 'STALE_LOCATION',
          postalCode: '10001',
          countryCode: 'US',
          message: 'The geocoder failed, so the location of 10001 (US) was served from the cache past its freshness; it may be out of date.',
        },
      ],
    });
    expect(fake.codesReceived.slice(2).sort()).toEqual(['10001', '60601', '90210']);

    // Failures are not cached, and the expired answers are kept: the next request asks again.
    fake.heal();
    const recovered = await server.graphql(QUERY);
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.extensions).toBeUndefined();
    expect(fake.codesReceived.slice(5).sort()).toEqual(['10001', '60601', '90210']);
  });
});
