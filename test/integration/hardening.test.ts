/**
 * What one request, careless or hostile, must not do to a replica: each case the hardening review
 * tried, including those that already held, as a regression test.
 */
import { request } from 'node:http';
import { once } from 'node:events';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usEmbedded } from '../support/embedded.js';
import { boundLine, MAX_LINE_LENGTH } from '../../src/logger.js';
import { serializer } from '../../src/graphql/apollo.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { captureLogs, LEVEL } from '../support/log-capture.js';
import { usCodes } from '../support/remote.js';
import { startTestServer, type TestServer } from '../support/server.js';

const geocoder = new CountingGeocoder(usEmbedded());
const logs = captureLogs('debug');
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'debug' }, geocoder, logs.logger);
});
afterAll(() => server.stop());

const representations = (codes: readonly string[]) => codes.map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
const errorLines = () => logs.lines.filter((line) => line.level >= LEVEL.error);

describe('lists and the size of a response', () => {
  it('refuses a matrix side over the limit even when the other side is empty, before any lookup', async () => {
    const batches = geocoder.batches.length;
    const query = 'query($d: [String!]!) { distanceMatrix(origins: [], destinations: $d) { rows { origin { postalCode } } } }';
    const body = {
      errors: [{ message: 'Too many destinations: 2501 given, at most 2500 per call. Split the matrix.', locations: [{ line: 1, column: 25 }], path: ['distanceMatrix'], extensions: { code: 'BAD_USER_INPUT' } }],
      data: { distanceMatrix: null },
    };
    for (const accept of ['application/graphql-response+json', 'application/json']) {
      const res = await server.graphql(query, { d: usCodes(2_501) }, { accept });
      expect([res.status, res.body]).toEqual([200, body]);
    }
    expect(geocoder.batches.length).toBe(batches);
  });

  it('resolves as many of 1,000 entities as fifteen aliased distanceTo each leave room for (MAX_RESPONSE_FIELDS), the rest null', async () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: distanceTo(postalCode: "10001") { meters kilometers miles nauticalMiles initialBearing method from { postalCode } to { postalCode } }`).join(' ');
    const res = await server.graphql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { ${aliases} } } }`, { r: representations(usCodes(1_000)) });
    expect(res.status).toBe(200);
    // Each entity holds 1 + 15 × 11 = 166 fields: 602 of them fit in 100,000.
    const resolved = res.body.data!._entities.filter((item: unknown) => item !== null).length;
    expect(resolved).toBe(Math.floor(100_000 / 166));
    expect(res.body.errors).toHaveLength(1_000 - resolved);
    expect(res.body.errors![0]).toMatchObject({ path: ['_entities', resolved], extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/would return more than 100000 fields/) });
    expect(errorLines()).toEqual([]);
  });

  it('answers the largest list the limits allow in full', async () => {
    const res = await server.graphql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { postalCode distanceTo(postalCode: "10001") { miles } } } }', { r: representations(usCodes(1_000)) });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!._entities).toHaveLength(1_000);
  });
});

describe("a client's mistakes are reported as the client's", () => {
  it('an explicit null method is a validation error (400), as a literal and as a variable', async () => {
    const literal = await server.graphql('{ distance(from: "90210", to: "10001", method: null) { miles } }');
    expect(literal.status).toBe(400);
    expect(literal.body.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    const variable = await server.graphql('query($m: DistanceMethod!) { distance(from: "90210", to: "10001", method: $m) { miles } }', { m: null });
    expect(variable.status).toBe(400);
    expect(variable.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('_entities: a representation that is not one of ours is that item’s BAD_USER_INPUT; the others resolve', async () => {
    const before = errorLines().length;
    const res = await server.graphql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName } } }', {
      r: [5, 'x', { __typename: 'Store', id: '1' }, { __typename: 'Location', postalCode: '90210', countryCode: 'US' }, { __typename: 'Location' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ _entities: [null, null, null, { placeName: 'Beverly Hills' }, null] });
    expect(res.body.errors!.map((e) => [e.path, e.extensions?.code, e.message])).toEqual([
      [['_entities', 0], 'BAD_USER_INPUT', "Representation 0 is not an object with a __typename and the entity's key fields."],
      [['_entities', 1], 'BAD_USER_INPUT', "Representation 1 is not an object with a __typename and the entity's key fields."],
      [['_entities', 2], 'BAD_USER_INPUT', 'Representation 2 has __typename "Store"; this subgraph resolves Location.'],
      [['_entities', 4], 'BAD_USER_INPUT', 'A Location representation needs string fields postalCode and countryCode.'],
    ]);
    expect(errorLines().length).toBe(before);
  });

  it('a persisted query of an unknown version, or whose hash does not match, is BAD_REQUEST (400), logged below error level', async () => {
    const before = errorLines().length;
    const post = (body: unknown) =>
      fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (res) => ({ status: res.status, body: (await res.json()) as unknown }));
    const version = await post({ extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } } });
    expect(version).toEqual({ status: 400, body: { errors: [{ message: 'Unsupported persisted query version', extensions: { code: 'BAD_REQUEST' } }] } });
    const hash = await post({ query: '{ location(postalCode: "90210") { placeName } }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    expect(hash).toEqual({ status: 400, body: { errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }] } });
    expect(errorLines().length).toBe(before);
  });

  it('an alias of __typename counts against MAX_ALIASES', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `t${i}: __typename`).join(' ');
    const res = await server.graphql(`{ ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.message).toMatch(/Aliases limit of 15 exceeded, found 16/);
  });
});

describe('logs stay bounded', () => {
  it('a request with 1,000 failed pairs makes one short line at debug level that counts them', async () => {
    const pairs = Array.from({ length: 1_000 }, (_, i) => ({ from: `bad${i}`, to: `worse${i}` }));
    const before = logs.lines.length;
    const res = await server.graphql('query($p: [DistancePairInput!]!) { distances(pairs: $p) { miles } }', { p: pairs });
    expect(res.body.errors).toHaveLength(1_000); // one per pair: the first of its codes that failed
    const lines = logs.lines.slice(before).filter((line) => line.msg === 'request had errors');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: LEVEL.debug, errorCount: 1_000, byCode: { BAD_USER_INPUT: 1_000 } });
    expect(lines[0]!.errors).toHaveLength(10);
    expect(JSON.stringify(lines[0]).length).toBeLessThan(5_000);
  });

  it('any line longer than the bound is written as a short valid JSON line with its level, time and length', () => {
    const long = `{"level":40,"time":1795800000000,"msg":"${'x'.repeat(200_000)}"}\n`;
    const bounded = boundLine(long);
    expect(bounded.length).toBeLessThan(3_000);
    expect(JSON.parse(bounded)).toMatchObject({ level: 40, time: 1795800000000, msg: 'log line too long: shortened', length: long.length });
    const short = '{"level":30,"msg":"ok"}\n';
    expect(boundLine(short)).toBe(short);
    expect(MAX_LINE_LENGTH).toBe(65_536);
  });

  it('a response that cannot be serialized is logged with what is known of it, and answered as an internal error', () => {
    const capture = captureLogs('debug');
    expect(() => serializer(capture.logger)({ data: { n: 1n } as unknown as Record<string, unknown> })).toThrow('The response could not be built; ask for fewer items.');
    expect(capture.lines).toMatchObject([{ level: LEVEL.error, msg: 'the response could not be serialized; answered 500 instead' }]);
  });
});

describe('the HTTP layer', () => {
  it('answers a declared Content-Length over MAX_BODY_BYTES with 413 as soon as the headers are read', async () => {
    // Not one byte of the body is sent: a server that waited for it would never answer.
    const req = request(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 10_000_000 } });
    req.flushHeaders();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    let text = '';
    for await (const chunk of res) text += chunk;
    req.destroy();
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(text)).toEqual({ errors: [{ message: 'Request body is larger than the limit of 1000000 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });
});
