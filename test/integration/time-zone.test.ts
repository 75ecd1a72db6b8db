/**
 * `Location.timeZone` end to end: the zone at the borders people care about, null at sea, through
 * `_entities` too, computed once per point, and loaded only when a client first asks for it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/log-capture.js';
import { sample, scrape } from '../support/metrics.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** A GeoNames file (tab-separated, the 12 columns of the real files) with made-up US codes at sea. */
function seaFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'time-zone-')), 'sea.txt');
  const rows = [
    ['US', '00001', 'Mid-Atlantic buoy', '', '', '', '', '', '', '30', '-40', '1'],
    ['US', '00002', 'Gulf of Mexico buoy', '', '', '', '', '', '', '25', '-90', '1'],
  ];
  writeFileSync(file, `${rows.map((r) => r.join('\t')).join('\n')}\n`);
  return file;
}

const LOCATION = `query($code: String!) { location(postalCode: $code) { postalCode placeName timeZone } }`;
const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Location { postalCode timeZone } }
}`;

describe('Location.timeZone', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ GEONAMES_FILES: seaFile() });
  });
  afterAll(() => server.stop());

  it.each([
    ['79901', 'El Paso', 'America/Denver'],
    ['85001', 'Phoenix', 'America/Phoenix'],
    ['46201', 'Indianapolis', 'America/Indiana/Indianapolis'],
    ['49938', 'Ironwood', 'America/Menominee'],
    ['96801', 'Honolulu', 'Pacific/Honolulu'],
  ])('places %s (%s) in %s', async (code, placeName, timeZone) => {
    const { body } = await server.graphql(LOCATION, { code });
    expect(body).toEqual({ data: { location: { postalCode: code, placeName, timeZone } } });
  });

  it('is null, without an error, for a code whose point is in open sea', async () => {
    const atlantic = await server.graphql(LOCATION, { code: '00001' });
    const gulf = await server.graphql(LOCATION, { code: '00002' });
    expect(atlantic.body).toEqual({ data: { location: { postalCode: '00001', placeName: 'Mid-Atlantic buoy', timeZone: null } } });
    expect(gulf.body).toEqual({ data: { location: { postalCode: '00002', placeName: 'Gulf of Mexico buoy', timeZone: null } } });
  });

  it('is resolved for the Location references a router sends to _entities', async () => {
    const representations = ['79901', '96801', '00001', '49938'].map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
    const { body } = await server.graphql(ENTITIES, { representations });
    expect(body).toEqual({
      data: {
        _entities: [
          { postalCode: '79901', timeZone: 'America/Denver' },
          { postalCode: '96801', timeZone: 'Pacific/Honolulu' },
          { postalCode: '00001', timeZone: null },
          { postalCode: '49938', timeZone: 'America/Menominee' },
        ],
      },
    });
  });

  it('is the zone of both ends of a distance', async () => {
    const { body } = await server.graphql(`{ distance(from: "85001", to: "79901") { from { timeZone } to { timeZone } } }`);
    expect(body).toEqual({ data: { distance: { from: { timeZone: 'America/Phoenix' }, to: { timeZone: 'America/Denver' } } } });
  });
});

describe('the cost of timeZone', () => {
  const logs = captureLogs('info');
  let server: TestServer;
  const loaded = (): number => logs.messages('info').filter((m) => m === 'time zone boundaries loaded').length;
  const counts = async (): Promise<{ hit: number; miss: number }> => {
    const text = await scrape(server.url);
    return { hit: sample(text, 'time_zone_cache_total', { event: 'hit' }), miss: sample(text, 'time_zone_cache_total', { event: 'miss' }) };
  };

  beforeAll(async () => {
    // No response cache: every request below executes, so every lookup is counted.
    server = await startTestServer({ RESPONSE_CACHE_MAX_BYTES: '0' }, undefined, logs.logger);
  });
  afterAll(() => server.stop());

  it('loads no boundaries while no client asks for a time zone', async () => {
    const { body } = await server.graphql(`{ location(postalCode: "85001") { placeName } distance(from: "85001", to: "79901") { miles } }`);
    expect(body.errors).toBeUndefined();
    expect(loaded()).toBe(0);
    expect(await counts()).toEqual({ hit: 0, miss: 0 });
  });

  it('loads them once, and looks each code up once across requests, aliases and _entities', async () => {
    const one = `{ location(postalCode: "85001") { timeZone } }`;
    const many = `{ a: location(postalCode: "85001") { timeZone } b: location(postalCode: "85001") { timeZone } c: location(postalCode: "79901") { timeZone } }`;
    expect((await server.graphql(one)).body).toEqual({ data: { location: { timeZone: 'America/Phoenix' } } });
    expect((await server.graphql(one)).body).toEqual({ data: { location: { timeZone: 'America/Phoenix' } } });
    expect((await server.graphql(many)).body).toEqual({
      data: { a: { timeZone: 'America/Phoenix' }, b: { timeZone: 'America/Phoenix' }, c: { timeZone: 'America/Denver' } },
    });
    const representations = ['79901', '85001'].map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
    expect((await server.graphql(ENTITIES, { representations })).body.errors).toBeUndefined();
    // Lookups: 85001 and 79901 once each; every other answer (1 + 2 + 2) from the cache.
    expect(await counts()).toEqual({ hit: 5, miss: 2 });
    expect(loaded()).toBe(1);
  });
});
