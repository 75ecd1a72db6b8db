import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { found, type GeocodeResult, type Geocoder } from '../../src/geocoding/geocoder.js';
import type { Place } from '../../src/postal/place.js';
import { keyId, type PostalKey } from '../../src/postal/postal-code.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { FakeZippopotam } from '../support/fake-providers/index.js';
import { captureLogs, LEVEL } from '../support/log-capture.js';
import { sample, scrape } from '../support/metrics.js';
import { REDIS_BINARY, REDIS_SKIP_REASON, startRedis, type RedisServer } from '../support/redis.js';
import { FAST_UPSTREAM, usCodes } from '../support/remote.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { runService } from '../support/service-process.js';

/** A provider that answers every code after `delayMs`, shared by two replicas so its counts are fleet-wide. */
function slowProvider(delayMs: number): Geocoder {
  const place = (key: PostalKey): Place => ({ ...key, matchedPostalCode: key.postalCode, precision: 'POSTAL_CODE', latitude: 40, longitude: -74, placeName: `Place ${key.postalCode}`, adminName: null, adminCode: null, accuracy: 6, source: 'slow' });
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
    expect(results.map((r) => r.body.errors)).toEqual(results.map(() => undefined));
    const asked = provider.batches.slice(before).flat();
    expect(asked.filter((id) => id.startsWith('US3')).sort()).toEqual(wanted.map((c) => `US${c}`).sort());
  });

  it('stores answers with their TTL under the configured prefix', async () => {
    const client = new Redis(redis.url);
    try {
      const ttl = await client.pttl(`postal-distance:v3:${keyId({ countryCode: 'US', postalCode: '20000' })}`);
      expect(ttl).toBeGreaterThan(86_000_000);
      expect(ttl).toBeLessThanOrEqual(86_400_000);
    } finally {
      client.disconnect();
    }
  });

  it('stores each place with its accuracy and source, and a replica that reads it answers with them', async () => {
    const [a, b] = replicas as [TestServer, TestServer];
    const query = '{ location(postalCode: "20500") { placeName accuracy source } }';
    expect((await a.graphql(query)).body.data!.location).toEqual({ placeName: 'Place 20500', accuracy: 6, source: 'slow' });
    const before = provider.keysAsked;
    expect((await b.graphql(query)).body.data!.location).toEqual({ placeName: 'Place 20500', accuracy: 6, source: 'slow' });
    expect(provider.keysAsked).toBe(before); // b read it from Redis
    const client = new Redis(redis.url);
    try {
      expect(JSON.parse((await client.get('postal-distance:v3:US20500'))!)).toMatchObject({ kind: 'found', place: { accuracy: 6, source: 'slow' } });
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

describe.skipIf(!REDIS_BINARY)(`what the service takes from Redis${REDIS_BINARY ? '' : ` (skipped: ${REDIS_SKIP_REASON})`}`, () => {
  let redis: RedisServer;
  beforeAll(async () => void (redis = await startRedis()));
  afterAll(() => redis?.stop());

  it('never serves an entry it cannot trust: ignores it, deletes it, counts it, logs it once, and resolves the code again', async () => {
    const provider = new CountingGeocoder(slowProvider(0));
    const logs = captureLogs('debug');
    const replica = await startTestServer({ REDIS_URL: redis.url }, provider, logs.logger);
    const client = new Redis(redis.url);
    try {
      while (sample(await scrape(replica.url), 'shared_cache_up') !== 1) await new Promise((r) => setTimeout(r, 10));
      const key = (code: string) => `postal-distance:v3:US${code}`;
      const place = (code: string) => ({ countryCode: 'US', postalCode: code, matchedPostalCode: code, precision: 'POSTAL_CODE', latitude: 40, longitude: -74, placeName: 'Forged', adminName: null, adminCode: null, accuracy: 4, source: 'forged' });
      await client.set(key('70001'), JSON.stringify({ kind: 'found', place: { ...place('70001'), latitude: 999 } }));
      await client.set(key('70002'), JSON.stringify({ kind: 'found', place: { ...place('70002'), postalCode: '<script>' } }));
      await client.set(key('70003'), JSON.stringify({ kind: 'found', place: { countryCode: 'US', postalCode: '70003' } }));
      await client.set(key('70004'), JSON.stringify({ kind: 'found', place: { ...place('70004'), placeName: 'x'.repeat(900_000) } }));
      await client.set(key('70005'), 'not json');
      // The shape stored before places had provenance: whatever its key, it is no answer now.
      const { accuracy: _accuracy, source: _source, ...unsourced } = place('70006');
      await client.set(key('70006'), JSON.stringify({ kind: 'found', place: unsourced }));
      await client.set(key('70007'), JSON.stringify({ kind: 'found', place: { ...place('70007'), accuracy: 300 } }));
      const forged = ['70001', '70002', '70003', '70004', '70005', '70006', '70007'];
      const before = provider.keysAsked;
      const res = await replica.graphql(QUERY, { codes: forged });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.distanceMatrix.origins).toEqual(forged.map((code) => ({ placeName: `Place ${code}` })));
      expect(provider.keysAsked - before).toBe(8); // the seven forged codes and 10001
      expect(sample(await scrape(replica.url), 'shared_cache_invalid_total')).toBe(7);
      expect(logs.lines.filter((l) => l.level === LEVEL.warn && /invalid entry/.test(l.msg))).toHaveLength(1);
      // Each was deleted, then replaced by the provider's answer once it settled.
      await new Promise((r) => setTimeout(r, 50));
      for (const code of forged) expect(JSON.parse((await client.get(key(code)))!)).toMatchObject({ kind: 'found', place: { placeName: `Place ${code}` } });
    } finally {
      client.disconnect();
      await replica.stop();
    }
  });

  it('skips a Redis that hangs after a few timeouts, says so, and uses it again once it answers', async () => {
    const provider = new CountingGeocoder(slowProvider(0));
    const logs = captureLogs('debug');
    // A half-open delay long enough that the five queries below, on a loaded machine, all fall within it.
    const env = { REDIS_URL: redis.url, REDIS_TIMEOUT_MS: '50', REDIS_BREAKER_THRESHOLD: '2', REDIS_BREAKER_HALF_OPEN_MS: '1500' };
    const replica = await startTestServer(env, provider, logs.logger);
    try {
      while (sample(await scrape(replica.url), 'shared_cache_up') !== 1) await new Promise((r) => setTimeout(r, 10));
      redis.freeze();
      // The first cold lookup runs into timeouts (the read, then the lease): two in a row open the circuit.
      expect((await replica.graphql(QUERY, { codes: codes(71_000, 3) })).body.errors).toBeUndefined();
      const metrics = await scrape(replica.url);
      expect(sample(metrics, 'shared_cache_up')).toBe(0);
      const errors = sample(metrics, 'shared_cache_errors_total');
      expect(errors).toBe(2);
      expect(logs.messages('warn')).toContain('shared cache (Redis) is not answering in time: skipping it until a probe succeeds');
      // While the circuit is open Redis is not asked at all: no further timeouts, the provider answers.
      const before = provider.keysAsked;
      for (let i = 0; i < 5; i++) expect((await replica.graphql(QUERY, { codes: codes(72_000 + 10 * i, 3) })).body.errors).toBeUndefined();
      expect(provider.keysAsked - before).toBe(15);
      expect(sample(await scrape(replica.url), 'shared_cache_errors_total')).toBe(errors);

      redis.thaw();
      await new Promise((r) => setTimeout(r, 1_600)); // past the half-open delay: the next command is the probe
      // The probe may itself time out on a loaded machine (then the circuit waits again): a few tries.
      for (let attempt = 0; attempt < 5 && sample(await scrape(replica.url), 'shared_cache_up') !== 1; attempt++) {
        expect((await replica.graphql(QUERY, { codes: codes(73_000 + 10 * attempt, 3) })).body.errors).toBeUndefined();
        if (sample(await scrape(replica.url), 'shared_cache_up') !== 1) await new Promise((r) => setTimeout(r, 1_600));
      }
      expect(sample(await scrape(replica.url), 'shared_cache_up')).toBe(1);
      expect(logs.messages('info')).toContain('shared cache (Redis) answers in time again');
    } finally {
      redis.thaw();
      await replica.stop();
    }
  });
});

describe.skipIf(!REDIS_BINARY)(`a fleet of service processes sharing Redis${REDIS_BINARY ? '' : ` (skipped: ${REDIS_SKIP_REASON})`}`, () => {
  it('two processes with one Redis and one counting provider look each code up once between them', async () => {
    const redis = await startRedis();
    const fake = new FakeZippopotam();
    await fake.start();
    // A Redis command timed out falls back to the provider, by design: on a loaded machine the default
    // timeout would let both replicas ask for a code; this test is about leases, not timeouts.
    const env = { PORT: '0', HOST: '127.0.0.1', GEOCODER: 'zippopotam', ...FAST_UPSTREAM, ...fake.env(), REDIS_URL: redis.url, REDIS_POLL_MS: '5', REDIS_TIMEOUT_MS: '5000' };
    const replicas = [runService(env), runService(env)];
    try {
      const urls = await Promise.all(replicas.map(async (r) => String((await r.phase('listen')).url)));
      await Promise.all(replicas.map((r) => r.phase('ready')));
      // Readiness does not wait for Redis (a query never waits on the cache): until its client connects, a replica asks the provider.
      for (const url of urls) while (sample(await scrape(new URL(url).origin), 'shared_cache_up') !== 1) await new Promise((r) => setTimeout(r, 10));
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
      expect(answers.map((a) => a.errors)).toEqual(answers.map(() => undefined));
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
