import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, scrape } from '../support/metrics.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('/metrics', () => {
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

    expect(delta('graphql_requests_total', { operation: 'Trip', outcome: 'success' })).toBe(2);
    expect(delta('graphql_requests_total', { operation: 'Lookups', outcome: 'partial' })).toBe(1);
    expect(delta('graphql_requests_total', { operation: 'anonymous', outcome: 'partial' })).toBe(1);
    expect(delta('graphql_errors_total', { code: 'POSTAL_CODE_NOT_FOUND' })).toBe(1);
    expect(delta('graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(delta('graphql_request_duration_seconds_count', { operation: 'Trip' })).toBe(2);
  });

  it('keeps client-chosen operation names from blowing up label cardinality', async () => {
    for (let i = 0; i < 105; i++) await server.graphql(`query Op${i} { location(postalCode: "90210") { placeName } }`);
    await server.graphql('query Op999 { location(postalCode: "90210") { placeName } }');
    const text = await scrape(server.url);
    const names = new Set([...text.matchAll(/graphql_requests_total\{operation="([^"]+)"/g)].map((m) => m[1]));
    // 107 distinct names were sent in this file; exactly 100 keep their own label, besides anonymous and other.
    expect([...names].filter((n) => n !== 'anonymous' && n !== 'other')).toHaveLength(100);
    expect(sample(text, 'graphql_requests_total', { operation: 'other', outcome: 'success' })).toBeGreaterThanOrEqual(6);
  });
});
