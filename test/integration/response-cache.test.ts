/**
 * The response cache in front of Apollo (src/server/response-cache.ts): repeated identical requests
 * are answered from it, counted as requests, and everything that must execute still does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeZippopotam } from '../support/fake-providers/index.js';
import { sample, scrape } from '../support/metrics.js';
import { FAST_UPSTREAM } from '../support/remote.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** Runs `act`, then returns how much each response-cache result and request count grew. */
async function counting(target: TestServer, act: () => Promise<unknown>) {
  const before = await scrape(target.url);
  await act();
  const after = await scrape(target.url);
  const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
  return {
    hit: delta('graphql_response_cache_requests_total', { result: 'hit' }),
    miss: delta('graphql_response_cache_requests_total', { result: 'miss' }),
    bypass: delta('graphql_response_cache_requests_total', { result: 'bypass' }),
    delta,
  };
}

const TRIP = 'query Trip($from: String!) { distance(from: $from, to: "10001") { miles } }';

describe('the response cache', () => {
  it('answers a request repeated a third time with the same bytes and headers, counting it as a request', async () => {
    const answers: Awaited<ReturnType<TestServer['graphql']>>[] = [];
    const counts = await counting(server, async () => {
      for (let i = 0; i < 4; i++) answers.push(await server.graphql(TRIP, { from: '90210' }));
    });
    // The first is only remembered; the second is kept; the rest are answered from the cache.
    expect([counts.miss, counts.hit]).toEqual([2, 2]);
    expect(counts.delta('graphql_requests_total', { operation: 'distance', outcome: 'success' })).toBe(4);
    expect(counts.delta('graphql_request_duration_seconds_count', { operation: 'distance' })).toBe(4);
    const [first, second, ...again] = answers;
    expect(second!.headers.get('age')).toBeNull();
    for (const answer of again) {
      expect(answer.body).toEqual(first!.body);
      expect(answer.headers.get('cache-control')).toBe('max-age=86400, public');
      expect(answer.headers.get('content-type')).toBe(first!.headers.get('content-type'));
      expect(answer.headers.get('age')).toMatch(/^\d+$/);
    }
    expect(first!.headers.get('age')).toBeNull();
  });

  it('keys on the whole body: other variables execute', async () => {
    const counts = await counting(server, async () => {
      await server.graphql(TRIP, { from: '60601' });
      await server.graphql(TRIP, { from: '94105' });
    });
    expect([counts.miss, counts.hit]).toEqual([2, 0]);
  });

  it('keys on the Accept header, which picks the media type of the answer', async () => {
    const query = '{ location(postalCode: "73301") { placeName } }';
    const plain = await server.graphql(query, undefined, { accept: 'application/json' });
    const modern = await server.graphql(query, undefined, { accept: 'application/graphql-response+json' });
    await server.graphql(query, undefined, { accept: 'application/graphql-response+json' });
    const again = await server.graphql(query, undefined, { accept: 'application/graphql-response+json' });
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    expect(modern.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(again.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(again.headers.get('age')).not.toBeNull();
  });

  it.each([
    ['an error', '{ location(postalCode: "00000") { placeName } }'],
    ['no cache hint (_service)', '{ _service { sdl } }'],
    ['a validation error', '{ location(postalCode: "90210") { nope } }'],
  ])('never keeps a response with %s', async (_, query) => {
    const counts = await counting(server, async () => {
      await server.graphql(query);
      await server.graphql(query);
    });
    expect([counts.miss, counts.hit]).toEqual([2, 0]);
  });

  it('executes every request for an inline trace, and never serves a trace to others', async () => {
    const query = '{ location(postalCode: "02134") { placeName } }';
    const trace = { 'apollo-federation-include-trace': 'ftv1' };
    const answers: Awaited<ReturnType<TestServer['graphql']>>[] = [];
    const counts = await counting(server, async () => {
      answers.push(await server.graphql(query, undefined, trace));
      answers.push(await server.graphql(query, undefined, trace));
      answers.push(await server.graphql(query));
      answers.push(await server.graphql(query));
      answers.push(await server.graphql(query));
      answers.push(await server.graphql(query, undefined, trace));
    });
    expect([counts.bypass, counts.miss, counts.hit]).toEqual([3, 2, 1]);
    expect(answers.map((a) => typeof a.body.extensions?.ftv1)).toEqual(['string', 'string', 'undefined', 'undefined', 'undefined', 'string']);
  });

  it('keeps nothing when RESPONSE_CACHE_MAX_BYTES is 0', async () => {
    const off = await startTestServer({ RESPONSE_CACHE_MAX_BYTES: '0' });
    try {
      const counts = await counting(off, async () => {
        await off.graphql(TRIP, { from: '90210' });
        await off.graphql(TRIP, { from: '90210' });
      });
      expect([counts.bypass, counts.miss, counts.hit]).toEqual([2, 0, 0]);
    } finally {
      await off.stop();
    }
  });

  it('lets an entry go after RESPONSE_CACHE_TTL_MS', async () => {
    const short = await startTestServer({ RESPONSE_CACHE_TTL_MS: '50' });
    try {
      const counts = await counting(short, async () => {
        for (let i = 0; i < 3; i++) await short.graphql(TRIP, { from: '90210' });
        await new Promise((resolve) => setTimeout(resolve, 120));
        await short.graphql(TRIP, { from: '90210' });
      });
      expect([counts.miss, counts.hit]).toEqual([3, 1]);
    } finally {
      await short.stop();
    }
  });
});

describe('the response cache and stale locations', () => {
  const fake = new FakeZippopotam();
  let remote: TestServer;
  beforeAll(async () => {
    await fake.start();
    remote = await startTestServer({ GEOCODER: 'zippopotam', ...FAST_UPSTREAM, ...fake.env(), UPSTREAM_RETRIES: '0', CACHE_TTL_MS: '100', CACHE_STALE_MAX_MS: '60000' });
  });
  afterAll(async () => {
    await remote.stop();
    await fake.close();
  });

  it('forbids storing an answer served stale, here and downstream, so the next request asks the provider again', async () => {
    const query = '{ location(postalCode: "90210") { latitude } }';
    await remote.graphql(query);
    await new Promise((resolve) => setTimeout(resolve, 150)); // past the locator's TTL, and the response's
    fake.failAlways({ kind: 'status', status: 503 });
    const stale = await remote.graphql(query);
    expect(stale.body.errors).toBeUndefined();
    expect(stale.body.extensions?.warnings).toHaveLength(1);
    expect(stale.headers.get('cache-control')).toBe('no-store');
    const requestsBefore = fake.requestCount;
    fake.heal();
    const fresh = await remote.graphql(query);
    expect(fresh.body.extensions).toBeUndefined();
    expect(fake.requestCount).toBe(requestsBefore + 1);
  });
});
