/**
 * What a router may ask of the HTTP layer besides one operation per request: subgraph batching (a
 * JSON array of operations), compressed answers, and the router-only guard (ROUTER_SECRET).
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foundAt } from '../../src/geocoding/geocoder.js';
import { CountingGeocoder, ScriptedGeocoder } from '../support/counting-geocoder.js';
import { sample, scrape } from '../support/metrics.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Raw {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** A POST whose body comes back as the bytes on the wire (fetch would decode them). */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Raw> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const json = (raw: Raw): unknown => JSON.parse(raw.body.toString('utf8'));

/** Every code at a point of its own, answered through `geocode` only, so every lookup is a recorded batch. */
const scripted = () => new CountingGeocoder(new ScriptedGeocoder((key) => foundAt(key, { latitude: 40 + Number(key.postalCode) / 1e5, longitude: -74, placeName: `P${key.postalCode}`, adminName: null, adminCode: null, accuracy: null, source: 'scripted' })));

describe('subgraph batching', () => {
  let server: TestServer;
  let geocoder: CountingGeocoder;
  beforeAll(async () => {
    geocoder = scripted();
    server = await startTestServer({ MAX_BATCH_OPERATIONS: '3', MAX_ENTITIES: '2' }, geocoder);
  });
  afterAll(() => server.stop());

  const operations = [
    { query: '{ location(postalCode: "10001") { placeName } }' },
    { query: 'query D($to: String!) { distance(from: "10002", to: $to) { to { placeName } } }', variables: { to: '10003' }, operationName: 'D' },
    { query: '{ location(postalCode: "1") { placeName } }' },
  ];

  it('answers an array of three operations with the array of their three answers, in order, each as it answers alone', async () => {
    const batch = await post(server.url, operations);
    expect(batch.status).toBe(200);
    const alone = await Promise.all(operations.map(async (operation) => json(await post(server.url, operation))));
    expect(json(batch)).toEqual(alone);
  });

  it('runs them together: their codes are looked up in one geocoder batch', async () => {
    const fresh = [
      { query: '{ location(postalCode: "20001") { placeName } }' },
      { query: '{ location(postalCode: "20002") { placeName } }' },
    ];
    const before = geocoder.batches.length;
    await post(server.url, fresh);
    expect(geocoder.batches.slice(before).map((keys) => keys.length)).toEqual([2]);
  });

  it('counts each operation of a batch once', async () => {
    const before = await scrape(server.url);
    await post(server.url, operations);
    const after = await scrape(server.url);
    const delta = (operation: string, outcome: string) => sample(after, 'graphql_requests_total', { operation, outcome }) - sample(before, 'graphql_requests_total', { operation, outcome });
    expect([delta('location', 'success'), delta('distance', 'success'), delta('location', 'partial')]).toEqual([1, 1, 1]);
  });

  it('holds each operation to every limit on its own', async () => {
    const entities = (codes: string[]) => ({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName } } }',
      variables: { r: codes.map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' })) },
    });
    const answers = json(await post(server.url, [entities(['30001', '30002']), entities(['30003', '30004'])])) as { data: { _entities: unknown[] }; errors?: unknown }[];
    expect(answers.map((answer) => [answer.data._entities.length, answer.errors])).toEqual([
      [2, undefined],
      [2, undefined],
    ]);
  });

  it('gives a batch the strictest Cache-Control of its answers', async () => {
    const batch = await post(server.url, operations);
    expect(batch.headers['cache-control']).toBe('no-store'); // the third answer has an error
    const cacheable = await post(server.url, operations.slice(0, 2));
    expect(cacheable.headers['cache-control']).toBe('max-age=86400, public');
  });

  it.each([
    ['longer than MAX_BATCH_OPERATIONS', [...operations, operations[0]], 'Too many operations in one batch: 4 sent, at most 3 (MAX_BATCH_OPERATIONS). Split the batch.'],
    ['empty', [], 'The batch is empty: send at least one operation.'],
    ['holding something that is not an operation', [operations[0], 'query'], 'Item 1 of the batch is not an operation (an object with a query).'],
  ])('refuses a batch %s as a client error, running nothing', async (_, body, message) => {
    const before = await scrape(server.url);
    const batches = geocoder.batches.length;
    const res = await post(server.url, body);
    expect([res.status, json(res)]).toEqual([400, { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }]);
    expect(geocoder.batches.length).toBe(batches);
    expect(sample(await scrape(server.url), 'graphql_work_units_total')).toBe(sample(before, 'graphql_work_units_total'));
  });
});

describe('compressed answers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ COMPRESS_MIN_BYTES: '1000' });
  });
  afterAll(() => server.stop());

  const large = { query: '{ nearestLocations(latitude: 40.75, longitude: -73.99, first: 100) { edges { distance node { postalCode placeName } } } }' };
  const small = { query: '{ location(postalCode: "90210") { placeName } }' };

  it.each([
    ['gzip', gunzipSync],
    ['br', brotliDecompressSync],
  ] as const)('answers %s when the caller accepts it, decoding to the same bytes as the plain answer', async (encoding, decode) => {
    const plain = await post(server.url, large);
    const encoded = await post(server.url, large, { 'accept-encoding': encoding });
    expect([encoded.headers['content-encoding'], encoded.headers.vary]).toEqual([encoding, 'accept, accept-encoding']);
    expect(encoded.body.length).toBeLessThan(plain.body.length / 3);
    expect(decode(encoded.body).equals(plain.body)).toBe(true);
  });

  it('prefers gzip when both are accepted, and brotli when the caller prefers it', async () => {
    expect((await post(server.url, large, { 'accept-encoding': 'br, gzip, deflate' })).headers['content-encoding']).toBe('gzip');
    expect((await post(server.url, large, { 'accept-encoding': 'br;q=1, gzip;q=0.5' })).headers['content-encoding']).toBe('br');
  });

  it('sends a body under COMPRESS_MIN_BYTES as it is', async () => {
    const res = await post(server.url, small, { 'accept-encoding': 'gzip, br' });
    expect([res.headers['content-encoding'], res.body.length < 1000]).toEqual([undefined, true]);
  });

  it('compresses answers from the response cache too, to the same bytes', async () => {
    const first = await post(server.url, large, { 'accept-encoding': 'gzip' });
    for (let i = 0; i < 2; i++) await post(server.url, large, { 'accept-encoding': 'gzip' });
    const hit = await post(server.url, large, { 'accept-encoding': 'gzip' });
    expect(hit.headers.age).toBeDefined();
    expect(gunzipSync(hit.body).equals(gunzipSync(first.body))).toBe(true);
  });
});

describe('the router-only guard (ROUTER_SECRET)', () => {
  const SECRET = 'a-secret-of-the-router-only';
  let server: TestServer;
  let geocoder: CountingGeocoder;
  beforeAll(async () => {
    geocoder = scripted();
    server = await startTestServer({ ROUTER_SECRET: SECRET }, geocoder);
  });
  afterAll(() => server.stop());

  const operation = { query: '{ location(postalCode: "40001") { placeName } }' };

  it.each([
    ['without the header', {}],
    ['with another secret', { 'router-authorization': `${SECRET}x` }],
    ['with the secret in another header', { authorization: SECRET }],
  ])('answers a request %s 401, running nothing', async (_, headers) => {
    const before = await scrape(server.url);
    const res = await post(server.url, operation, headers);
    expect([res.status, (json(res) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(geocoder.batches).toEqual([]);
    const after = await scrape(server.url);
    expect(sample(after, 'graphql_requests_total', { operation: 'location', outcome: 'success' })).toBe(sample(before, 'graphql_requests_total', { operation: 'location', outcome: 'success' }));
  });

  it('answers a 5 MB request without the secret 401 that fetch reads, with keep-alive and without', async () => {
    const body = JSON.stringify({ query: `{ location(postalCode: "40001") { placeName } } #${'x'.repeat(5_000_000)}` });
    const statuses: number[] = [];
    for (const connection of ['keep-alive', 'close']) {
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', connection }, body })).status);
    }
    expect(statuses).toEqual(Array(10).fill(401));
    expect(geocoder.batches).toEqual([]);
  });

  it('answers a request with the secret', async () => {
    const res = await post(server.url, operation, { 'router-authorization': SECRET });
    expect([res.status, json(res)]).toEqual([200, { data: { location: { placeName: 'P40001' } } }]);
  });

  it('leaves health, readiness and metrics open', async () => {
    const statuses = await Promise.all(['/healthz', '/readyz', '/metrics'].map(async (path) => (await fetch(`${server.url}${path}`)).status));
    expect(statuses).toEqual([200, 200, 200]);
  });
});
