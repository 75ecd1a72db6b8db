import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { EmbeddedGeocoder, defaultUsDataFile } from '../../src/geocoding/providers/embedded.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { startTestServer, type TestServer } from '../support/server.js';

const geocoder = new CountingGeocoder(new EmbeddedGeocoder({ files: [defaultUsDataFile()], logger: pino({ level: 'silent' }) }));
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

  it('rejects more than MAX_ENTITIES (1,000) representations before resolving any', async () => {
    const representations = Array.from({ length: 1_001 }, () => ({ __typename: 'Location', postalCode: '90210', countryCode: 'US' }));
    const before = geocoder.batches.length;
    const res = await server.graphql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName } } }', { r: representations });
    expect(res.body.data).toBeNull(); // `_entities` is non-null, so its error nulls `data`
    expect(res.body.errors![0]).toMatchObject({ path: ['_entities'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(res.body.errors![0]!.message).toBe('Too many representations: 1001 given, at most 1000 per _entities call.');
    expect(geocoder.batches.length).toBe(before);
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
