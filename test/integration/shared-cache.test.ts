import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { found, type GeocodeResult, type Geocoder, type Place } from '../../src/geocoding/geocoder.js';
import { keyId, type PostalKey } from '../../src/geocoding/postal-code.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { FakeZippopotam } from '../support/fake-providers/index.js';
import { sample, scrape } from '../support/metrics.js';
import { REDIS_BINARY, REDIS_SKIP_REASON, startRedis, type RedisServer } from '../support/redis.js';
import { FAST_UPSTREAM, usCodes } from '../support/remote.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { runService } from '../support/service-process.js';

/** A provider that answers every code after `delayMs`, shared by two replicas so its counts are fleet-wide. */
function slowProvider(delayMs: number): Geocoder {
  const place = (key: PostalKey): Place => ({ ...key, matchedPostalCode: key.postalCode, precision: 'POSTAL_CODE', latitude: 40, longitude: -74, placeName: `Place ${key.postalCode}`, adminName: null, adminCode: null });
  return {
    name: 'slow',
    maxBatchSize: Infinity,
    ready: async () => {},
    geocode: async (keys): Promise<GeocodeResult[]> => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return keys.map((key) => found(place(key)));
    },
  };
}

const QUERY = 'query($codes: [String!]!) { distanceMatrix(origins: $codes, destinations: ["10001"]) { origins { placeName } } }';
const codes = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));

describe.skipIf(!REDIS_BINARY)(`shared cache in Redis${REDIS_BINARY ? '' : ` (skipped: ${REDIS_SKIP_REASON})`}`, () => {
  let redis: RedisServer;
  let provider: CountingGeocoder;
  let replicas: TestServer[];

  beforeAll(async () => {
    redis = await startRedis();
    provider = new CountingGeocoder(slowProvider(30));
    const env = { REDIS_URL: redis.url, REDIS_TIMEOUT_MS: '200', REDIS_POLL_MS: '5' };
    replicas = await Promise.all([startTestServer(env, provider), startTestServer(env, provider)]);
    // Wait for both replicas to connect to Redis.
    for (const replica of replicas) {
      while (sample(await scrape(replica.url), 'shared_cache_up') !== 1) await new Promise((r) => setTimeout(r, 10));
    }
  });
  afterAll(async () => {
    await Promise.all((replicas ?? []).map((r) => r.stop()));
    await redis?.stop();
  });

  it('asks the provider once per code for the whole fleet when replicas ask one after the other', async () => {
    const [a, b] = replicas as [TestServer, TestServer];
    const before = provider.keysAsked;
    expect((await a.graphql(QUERY, { codes: codes(20_000, 40) })).body.errors).toBeUndefined();
    const fromB = await b.graphql(QUERY, { codes: codes(20_000, 40) });
    expect(fromB.body.errors).toBeUndefined();
    expect(fromB.body.data!.distanceMatrix.origins[0]).toEqual({ placeName: 'Place 20000' });
    expect(provider.keysAsked - before).toBe(41); // 40 origins + 10001, each once, fleet-wide
  });

  it('asks once per code when replicas ask for the same codes at the same time', async () => {
    const [a, b] = replicas as [TestServer, TestServer];
    const before = provider.batches.length;
    const wanted = codes(30_000, 25);
    const results = await Promise.all([a.graphql(QUERY, { codes: wanted }), b.graphql(QUERY, { codes: wanted })]);
    expect(results.every((r) => r.body.errors === undefined)).toBe(true);
    const asked = provider.batches.slice(before).flat();
    expect(asked.filter((id) => id.startsWith('US3')).sort()).toEqual(wanted.map((c) => `US${c}`).sort());
  });

  it('stores answers with their TTL under the configured prefix', async () => {
    const client = new Redis(redis.url);
    try {
      const ttl = await client.pttl(`postal-distance:v1:${keyId({ countryCode: 'US', postalCode: '20000' })}`);
      expect(ttl).toBeGreaterThan(86_000_000);
      expect(ttl).toBeLessThanOrEqual(86_400_000);
    } finally {
      client.disconnect();
    }
  });

  it('falls back to the provider when Redis is slow, and uses Redis again once it answers', async () => {
    const [a] = replicas as [TestServer, TestServer];
    const client = new Redis(redis.url);
    try {
      const errorsBefore = sample(await scrape(a.url), 'shared_cache_errors_total');
      const blocked = client.call('DEBUG', 'SLEEP', '0.6'); // blocks the server for 600 ms; the replica's timeout is 200 ms
      const before = provider.keysAsked;
      const res = await a.graphql(QUERY, { codes: codes(60_000, 4) });
      expect(res.body.errors).toBeUndefined();
      expect(provider.keysAsked - before).toBe(4);
      expect(sample(await scrape(a.url), 'shared_cache_errors_total')).toBeGreaterThan(errorsBefore);
      await blocked;
      // Still connected, so the next miss goes through Redis again: a code another replica stored is a hit.
      const [, b] = replicas as [TestServer, TestServer];
      await b.graphql(QUERY, { codes: codes(61_000, 2) });
      const hitsBefore = sample(await scrape(a.url), 'shared_cache_lookups_total', { result: 'hit' });
      const asked = provider.keysAsked;
      await a.graphql(QUERY, { codes: codes(61_000, 2) });
      expect(provider.keysAsked).toBe(asked);
      expect(sample(await scrape(a.url), 'shared_cache_lookups_total', { result: 'hit' }) - hitsBefore).toBe(2);
    } finally {
      client.disconnect();
    }
  });

  it('keeps serving from the provider while Redis is down, says so in metrics, and recovers', async () => {
    const [a] = replicas as [TestServer, TestServer];
    await redis.pause();
    const before = provider.keysAsked;
    const res = await a.graphql(QUERY, { codes: codes(40_000, 5) });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(provider.keysAsked - before).toBe(5); // 10001 is still in this replica's LRU
    expect(sample(await scrape(a.url), 'shared_cache_up')).toBe(0);

    await redis.start();
    while (sample(await scrape(a.url), 'shared_cache_up') !== 1) await new Promise((r) => setTimeout(r, 20));
    const again = await a.graphql(QUERY, { codes: codes(50_000, 3) });
    expect(again.body.errors).toBeUndefined();
    expect(sample(await scrape(a.url), 'shared_cache_lookups_total', { result: 'miss' })).toBeGreaterThan(0);
  });
});

describe.skipIf(!REDIS_BINARY)(`a fleet of service processes sharing Redis${REDIS_BINARY ? '' : ` (skipped: ${REDIS_SKIP_REASON})`}`, () => {
  it('two processes with one Redis and one counting provider look each code up once between them', async () => {
    const redis = await startRedis();
    const fake = new FakeZippopotam();
    await fake.start();
    const env = { PORT: '0', HOST: '127.0.0.1', GEOCODER: 'zippopotam', ...FAST_UPSTREAM, ...fake.env(), REDIS_URL: redis.url, REDIS_POLL_MS: '5' };
    const replicas = [runService(env), runService(env)];
    try {
      const urls = await Promise.all(replicas.map(async (r) => String((await r.phase('listen')).url)));
      await Promise.all(replicas.map((r) => r.phase('ready')));
      const ask = (url: string, codes: readonly string[]) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'query($c: [String!]!) { distanceMatrix(origins: $c, destinations: ["10001"]) { origins { postalCode } } }', variables: { c: codes } }),
        }).then((res) => res.json() as Promise<{ errors?: unknown[] }>);
      const [first, second] = [usCodes(30, 2_000), usCodes(30, 2_015)]; // 15 codes in common
      // Overlapping codes, asked at the same time, then again the other way round.
      const answers = await Promise.all([ask(urls[0]!, first), ask(urls[1]!, second)]);
      answers.push(...(await Promise.all([ask(urls[0]!, second), ask(urls[1]!, first)])));
      expect(answers.every((a) => a.errors === undefined)).toBe(true);
      const unique = new Set([...first, ...second, '10001']);
      expect(fake.requestCount).toBe(unique.size);
      expect([...fake.codesReceived].sort()).toEqual([...unique].sort());
    } finally {
      for (const r of replicas) r.child.kill('SIGTERM');
      await Promise.all(replicas.map((r) => r.exited));
      await fake.close();
      await redis.stop();
    }
  });
});
