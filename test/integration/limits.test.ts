import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { usEmbedded } from '../support/embedded.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { startTestServer, type TestServer } from '../support/server.js';

const geocoder = new CountingGeocoder(usEmbedded());
let server: TestServer;
let production: TestServer;

beforeAll(async () => {
  [server, production] = await Promise.all([startTestServer({}, geocoder), startTestServer({ NODE_ENV: 'production', MAX_COST: '20' })]);
});
afterAll(() => Promise.all([server.stop(), production.stop()]));

/** `distanceTo { from { distanceTo { … } } }` nested `levels` times: depth grows by two per level. */
const nested = (levels: number): string =>
  levels === 0 ? 'postalCode' : `distanceTo(postalCode: "10001") { from { ${nested(levels - 1)} } }`;

describe('limits applied before execution', () => {
  it('rejects an operation deeper than MAX_DEPTH (10) with 400, and runs nothing', async () => {
    const ok = await server.graphql(`{ location(postalCode: "90210") { ${nested(4)} } }`); // depth 10
    expect(ok.body.errors).toBeUndefined();
    const before = geocoder.batches.length;
    const deep = await server.graphql(`{ location(postalCode: "90210") { ${nested(5)} } }`); // depth 12
    expect(deep.status).toBe(400);
    expect(deep.body.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(deep.body.errors![0]!.message).toMatch(/depth limit/i);
    expect(geocoder.batches.length).toBe(before);
  });

  it('rejects more than MAX_ALIASES (15) aliases', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: location(postalCode: "90210") { placeName }`).join(' ');
    expect((await server.graphql(`{ ${aliases(15)} }`)).body.errors).toBeUndefined();
    const flood = await server.graphql(`{ ${aliases(16)} }`);
    expect(flood.status).toBe(400);
    expect(flood.body.errors![0]!.message).toMatch(/aliases limit/i);
  });

  it('rejects more than MAX_DIRECTIVES (50) directives', async () => {
    const directives = Array.from({ length: 51 }, () => '@include(if: true)').join(' ');
    const res = await server.graphql(`{ location(postalCode: "90210") { placeName ${directives} } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.message).toMatch(/directives limit/i);
  });

  it('rejects a document over MAX_TOKENS (15,000) at parse time', async () => {
    const fields = Array.from({ length: 16_000 }, () => 'placeName').join(' ');
    const res = await server.graphql(`{ location(postalCode: "90210") { ${fields} } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(res.body.errors![0]!.message).toMatch(/Document contains more th.. 15000 tokens/) // graphql-js 16 spells it "more that";
  });

  it('rejects an operation over MAX_COST', async () => {
    const res = await production.graphql('{ distance(from: "90210", to: "10001") { from { placeName adminName adminCode latitude longitude } to { placeName adminName adminCode latitude longitude } miles } }');
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.message).toMatch(/cost limit/i);
  });

  it('judges the cost of a page by the shape of its selection, not by its `first` (which MAX_RESPONSE_FIELDS counts)', async () => {
    // MAX_COST 20: a lean selection passes at any page size, written or sent; a rich one fails at any.
    const lean = (first: string) => `{ nearestLocations(latitude: 40.75, longitude: -73.99, first: ${first}) { totalCount edges { meters } } }`;
    const rich = (first: string) => `{ nearestLocations(latitude: 40.75, longitude: -73.99, first: ${first}) { edges { meters node { placeName adminName latitude longitude } } } }`;
    const asVariable = (query: string) => `query($n: Int!) ${query}`;
    for (const query of [lean('1000'), asVariable(lean('$n'))]) {
      const res = await production.graphql(query, { n: 1_000 });
      expect([res.status, res.body.errors, res.body.data!.nearestLocations.edges.length]).toEqual([200, undefined, 1_000]);
    }
    for (const query of [rich('1'), asVariable(rich('$n'))]) {
      const res = await production.graphql(query, { n: 1 });
      expect(res.status).toBe(400);
      expect(res.body.errors![0]!.message).toMatch(/^Syntax Error: Query Cost limit of 20 exceeded, found \d+/);
    }
  });

  it('resolves the first MAX_ENTITIES (5,000) representations and answers each one past it null with its error', async () => {
    const representations = Array.from({ length: 5_002 }, () => ({ __typename: 'Location', postalCode: '90210', countryCode: 'US' }));
    const res = await server.graphql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName } } }', { r: representations }, { accept: 'application/graphql-response+json' });
    expect(res.status).toBe(200);
    expect(res.body.data!._entities).toHaveLength(5_002);
    expect(res.body.data!._entities.slice(4_999)).toEqual([{ placeName: 'Beverly Hills' }, null, null]);
    const message = 'Too many representations: 5002 given, at most 5000 per call. Send at most MAX_ENTITIES (5000) per _entities call: the first 5000 were resolved.';
    expect(res.body.errors).toEqual([5_000, 5_001].map((i) => ({ message, locations: [{ line: 1, column: 23 }], path: ['_entities', i], extensions: { code: 'BAD_USER_INPUT' } })));
  });
});

describe('distinct postal codes per operation', () => {
  it('looks up at most MAX_POSTAL_CODES distinct codes; the rest fail one by one with TOO_MANY_POSTAL_CODES', async () => {
    const capped = await startTestServer({ MAX_POSTAL_CODES: '5' }, geocoder);
    try {
      const before = geocoder.batches.length;
      // 10001 repeats in every pair, so it counts once: 90210, 10001, 60601, 94105, 02108 fill the cap.
      const pairs = ['90210', '60601', '94105', '02108', '33101', '98101'].map((from) => ({ from, to: '10001' }));
      const { body } = await capped.graphql('query($pairs: [DistancePairInput!]!) { distances(pairs: $pairs) { from { postalCode } } }', { pairs });
      expect(body.data!.distances.map((d: { from: { postalCode: string } } | null) => d?.from.postalCode ?? null)).toEqual(['90210', '60601', '94105', '02108', null, null]);
      expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
        [['distances', 4], 'TOO_MANY_POSTAL_CODES'],
        [['distances', 5], 'TOO_MANY_POSTAL_CODES'],
      ]);
      expect(body.errors![0]!.message).toBe('This operation asks for more than 5 distinct postal codes; split it into smaller operations.');
      expect(geocoder.batches.slice(before).flat().sort()).toEqual(['US02108', 'US10001', 'US60601', 'US90210', 'US94105']);
      // The budget is per operation: the next one starts afresh.
      expect((await capped.graphql('{ location(postalCode: "33101") { postalCode } }')).body.errors).toBeUndefined();
    } finally {
      await capped.stop();
    }
  });
});

describe('field suggestions', () => {
  it('are given in development and masked in production', async () => {
    const typo = '{ location(postalCode: "90210") { placeNam } }';
    expect((await server.graphql(typo)).body.errors![0]!.message).toMatch(/Did you mean "placeName"/);
    const masked = (await production.graphql(typo)).body.errors![0]!.message;
    expect(masked).toMatch(/Cannot query field "placeNam"/);
    expect(masked).not.toMatch(/placeName/);
  });
});
