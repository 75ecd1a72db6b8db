import { readFileSync } from 'node:fs';
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

describe('/metrics', () => {
  it("lists only metrics docs/operations.md describes, besides Node's process metrics", async () => {
    const documented = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const names = [...(await scrape(server.url)).matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!).filter((name) => !/^(process|nodejs)_/.test(name));
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !documented.includes(`\`${name}\``))).toEqual([]);
  });

  it('serves the Prometheus text format, with process metrics and the dataset size', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'geocoder_dataset_postal_codes')).toBe(41_488);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts requests by operation and outcome, errors by code, and observes latency', async () => {
    const before = await scrape(server.url);
    await server.graphql('query Trip { distance(from: "90210", to: "10001") { miles } }');
    await server.graphql('query Trip { distance(from: "90210", to: "10001") { miles } }');
    await server.graphql('query Lookups { a: location(postalCode: "90210") { placeName } b: location(postalCode: "00000") { placeName } }');
    await server.graphql('{ location(postalCode: "abc") { placeName } }');
    const after = await scrape(server.url);
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);

    // Labelled by the root fields selected (sorted, joined with +), whatever the operation is called.
    expect(delta('graphql_requests_total', { operation: 'distance', outcome: 'success' })).toBe(2);
    expect(delta('graphql_requests_total', { operation: 'location', outcome: 'partial' })).toBe(2);
    expect(delta('graphql_errors_total', { code: 'POSTAL_CODE_NOT_FOUND' })).toBe(1);
    expect(delta('graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(delta('graphql_request_duration_seconds_count', { operation: 'distance' })).toBe(2);
    // A histogram as Prometheus reads it: cumulative buckets, +Inf equal to the count, a positive sum.
    expect(delta('graphql_request_duration_seconds_bucket', { le: '+Inf', operation: 'distance' })).toBe(2);
    expect(sample(after, 'graphql_request_duration_seconds_bucket', { le: '10', operation: 'distance' })).toBe(sample(after, 'graphql_request_duration_seconds_count', { operation: 'distance' }));
    expect(delta('graphql_request_duration_seconds_sum', { operation: 'distance' })).toBeGreaterThan(0);
    await server.graphql('{ location(postalCode: "90210") { placeName } distance(from: "90210", to: "10001") { miles } }');
    await server.graphql('{ location(postalCode: "90210") { placeName ');
    const last = await scrape(server.url);
    expect(sample(last, 'graphql_requests_total', { operation: 'distance+location', outcome: 'success' }) - sample(before, 'graphql_requests_total', { operation: 'distance+location', outcome: 'success' })).toBe(1);
    expect(sample(last, 'graphql_requests_total', { operation: 'invalid', outcome: 'error' }) - sample(before, 'graphql_requests_total', { operation: 'invalid', outcome: 'error' })).toBe(1);
  });

  it('gives client-chosen operation names no labels: a flood of junk names cannot exhaust them', async () => {
    for (let i = 0; i < 150; i++) await server.graphql(`query Junk${i} { location(postalCode: "90210") { placeName } }`);
    const text = await scrape(server.url);
    const labels = new Set([...text.matchAll(/graphql_requests_total\{operation="([^"]+)"/g)].map((m) => m[1]));
    expect([...labels].filter((label) => /Junk/.test(label!))).toEqual([]);
    // A real operation after the flood keeps its own label.
    const before = sample(text, 'graphql_requests_total', { operation: 'distance', outcome: 'success' });
    await server.graphql('query Trip { distance(from: "90210", to: "10001") { miles } }');
    expect(sample(await scrape(server.url), 'graphql_requests_total', { operation: 'distance', outcome: 'success' })).toBe(before + 1);
  });

  it('counts mutations and subscriptions, which the schema cannot run, as invalid: their field names become no label', async () => {
    const before = sample(await scrape(server.url), 'graphql_requests_total', { operation: 'invalid', outcome: 'error' });
    for (const [i, type] of ['mutation', 'subscription', 'mutation'].entries()) {
      const res = await server.graphql(`${type} { madeUp${i} }`);
      expect([res.status, res.body.errors!.map((e) => [e.extensions!.code, e.message])]).toEqual([
        400,
        [['GRAPHQL_VALIDATION_FAILED', `This service runs no ${type} operations: its schema has no ${type} type. Send a query.`]],
      ]);
    }
    const text = await scrape(server.url);
    expect(text).not.toMatch(/madeUp/);
    expect(sample(text, 'graphql_requests_total', { operation: 'invalid', outcome: 'error' })).toBe(before + 3);
  });
});

describe('/metrics with a remote geocoder behind the embedded data', () => {
  const fake = new FakeZippopotam();
  let remote: TestServer;
  beforeAll(async () => {
    await fake.start();
    remote = await startTestServer({ GEOCODER: 'embedded,zippopotam', ...FAST_UPSTREAM, ...fake.env() });
  });
  afterAll(async () => {
    await remote.stop();
    await fake.close();
  });

  it('counts lookups per provider and result, external requests by outcome, cache hits and misses, and batch sizes', async () => {
    const abroad = ['75013', '10115', 'K1A'].map((code, i) => ({ code, country: ['FR', 'DE', 'CA'][i]! }));
    const query = `{
      us: distance(from: "90210", to: "10001") { miles }
      ${abroad.map(({ code, country }, i) => `a${i}: location(postalCode: "${code}", countryCode: "${country}") { placeName }`).join('\n')}
      unknown: location(postalCode: "99999", countryCode: "FR") { placeName }
    }`;
    const first = await remote.graphql(query);
    expect(first.body.errors?.map((e) => e.extensions?.code)).toEqual(['POSTAL_CODE_NOT_FOUND']);
    await remote.graphql(query); // answered from the LRU
    const text = await scrape(remote.url);

    // The 2 US codes are answered from memory, in each query; the other 4 go in one batch, where
    // the embedded data lacks them and Zippopotam is asked.
    expect(sample(text, 'geocoder_batch_size_count')).toBe(1);
    expect(sample(text, 'geocoder_batch_size_sum')).toBe(4);
    expect(sample(text, 'location_cache_total', { event: 'memory' })).toBe(4);
    expect(sample(text, 'geocoder_lookups_total', { provider: 'embedded', result: 'found' })).toBe(4);
    expect(sample(text, 'geocoder_lookups_total', { provider: 'embedded', result: 'notFound' })).toBe(4);
    expect(sample(text, 'geocoder_lookups_total', { provider: 'zippopotam', result: 'found' })).toBe(3);
    expect(sample(text, 'geocoder_lookups_total', { provider: 'zippopotam', result: 'notFound' })).toBe(1);
    expect(sample(text, 'geocoder_external_requests_total', { provider: 'zippopotam', outcome: '200' })).toBe(3);
    expect(sample(text, 'geocoder_external_requests_total', { provider: 'zippopotam', outcome: '404' })).toBe(1);
    expect(fake.requestCount).toBe(4);
    expect(sample(text, 'location_cache_total', { event: 'miss' })).toBe(4);
    expect(sample(text, 'location_cache_total', { event: 'hit' })).toBe(4);
    expect(sample(text, 'geocoder_circuit_state', { provider: 'zippopotam' })).toBe(0);
  });

  it('shows the circuit open while the provider is down, and the failed requests by outcome', async () => {
    fake.failAlways({ kind: 'status', status: 503 });
    try {
      const codes = ['75002', '75003', '75004', '75005', '75006', '75007'];
      for (const code of codes) await remote.graphql(`{ location(postalCode: "${code}", countryCode: "FR") { placeName } }`);
      const text = await scrape(remote.url);
      expect(sample(text, 'geocoder_circuit_state', { provider: 'zippopotam' })).toBe(1);
      expect(sample(text, 'geocoder_external_requests_total', { provider: 'zippopotam', outcome: '503' })).toBe(fake.requestCount - 4);
      expect(sample(text, 'geocoder_lookups_total', { provider: 'zippopotam', result: 'error' })).toBe(codes.length);
    } finally {
      fake.heal();
    }
  });
});
