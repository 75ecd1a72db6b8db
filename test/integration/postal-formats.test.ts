/**
 * Postal codes end to end: full codes resolve at the precision the loaded GeoNames data has, keys
 * come back canonical through `_entities`, and a malformed code never reaches a remote geocoder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geodesicMeasure } from '../../src/geodesy/distance.js';
import { FakeZippopotam, placeOf } from '../support/fake-providers/index.js';
import { serveWithFake } from '../support/remote.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Writes a GeoNames file (tab-separated, 12 columns) and returns its path. */
function geonamesFile(name: string, rows: readonly (readonly [string, string, string, string, number, number])[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'postal-formats-')), name);
  const lines = rows.map(([country, code, place, admin, lat, lon]) => [country, code, place, admin, 'ENG', 'Greater London', '', '', '', lat, lon, '6'].join('\t'));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const PALACE = { lat: 51.501009, lon: -0.141588 };
const DOWNING_STREET = { lat: 51.50354, lon: -0.127695 };
const SW1A = { lat: 51.5, lon: -0.14 };

/** GB_full's shape: full postcodes, one row each. */
const GB_FULL = geonamesFile('GB_full.txt', [
  ['GB', 'SW1A 1AA', 'Buckingham Palace', 'England', PALACE.lat, PALACE.lon],
  ['GB', 'SW1A 2AA', 'Downing Street', 'England', DOWNING_STREET.lat, DOWNING_STREET.lon],
]);
/** The basic GB file's shape: outward codes only; the basic CA file's: forward sortation areas. */
const GB_BASIC = geonamesFile('GB.txt', [
  ['GB', 'SW1A', 'London', 'England', SW1A.lat, SW1A.lon],
  ['CA', 'K1A', 'Ottawa', 'Ontario', 45.4215, -75.6972],
]);

const LOCATION = `query($code: String!, $country: String) {
  location(postalCode: $code, countryCode: $country) { postalCode matchedPostalCode precision countryCode placeName latitude longitude }
}`;
const DISTANCE = `query($from: String!, $to: String!, $country: String) {
  distance(from: $from, to: $to, fromCountry: $country) { meters from { postalCode precision } to { postalCode precision } }
}`;
const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Location { postalCode countryCode matchedPostalCode precision placeName } }
}`;

describe('with full GB postcodes loaded (a GB_full file)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ GEONAMES_FILES: GB_FULL });
  });
  afterAll(() => server.stop());

  it('resolves each full code to its own row: Buckingham Palace and Downing Street are two places', async () => {
    const palace = await server.graphql(LOCATION, { code: 'sw1a1aa', country: 'gb' });
    expect(palace.body.data!.location).toEqual({
      postalCode: 'SW1A 1AA',
      matchedPostalCode: 'SW1A 1AA',
      precision: 'POSTAL_CODE',
      countryCode: 'GB',
      placeName: 'Buckingham Palace',
      latitude: PALACE.lat,
      longitude: PALACE.lon,
    });
    const { body } = await server.graphql(DISTANCE, { from: 'SW1A 1AA', to: 'sw1a 2aa', country: 'GB' });
    expect(body.errors).toBeUndefined();
    expect(body.data!.distance).toEqual({
      meters: geodesicMeasure({ latitude: PALACE.lat, longitude: PALACE.lon }, { latitude: DOWNING_STREET.lat, longitude: DOWNING_STREET.lon }).meters,
      from: { postalCode: 'SW1A 1AA', precision: 'POSTAL_CODE' },
      to: { postalCode: 'SW1A 2AA', precision: 'POSTAL_CODE' },
    });
    expect(body.data!.distance.meters).toBeGreaterThan(900);
  });

  it('does not answer a full code the data lacks with its outward code, nor the outward code itself: the data holds none', async () => {
    const { body } = await server.graphql('{ a: location(postalCode: "SW1A 0AA", countryCode: "GB") { postalCode } b: location(postalCode: "SW1A", countryCode: "GB") { postalCode } }');
    expect(body.data).toEqual({ a: null, b: null });
    expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
      [['a'], 'POSTAL_CODE_NOT_FOUND'],
      [['b'], 'POSTAL_CODE_NOT_FOUND'],
    ]);
  });

  it('gives back the canonical key of every _entities representation, so a router\'s key round-trips', async () => {
    const representations = [
      { __typename: 'Location', postalCode: 'SW1A 1AA', countryCode: 'GB' },
      { __typename: 'Location', postalCode: '90210-1234', countryCode: 'US' },
      { __typename: 'Location', postalCode: '90210', countryCode: 'US' },
      { __typename: 'Location', postalCode: 'sw1a2aa', countryCode: 'gb' },
    ];
    const { body } = await server.graphql(ENTITIES, { representations });
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities).toEqual([
      { postalCode: 'SW1A 1AA', countryCode: 'GB', matchedPostalCode: 'SW1A 1AA', precision: 'POSTAL_CODE', placeName: 'Buckingham Palace' },
      { postalCode: '90210-1234', countryCode: 'US', matchedPostalCode: '90210', precision: 'PREFIX', placeName: 'Beverly Hills' },
      { postalCode: '90210', countryCode: 'US', matchedPostalCode: '90210', precision: 'POSTAL_CODE', placeName: 'Beverly Hills' },
      // A key sent in another spelling comes back canonical.
      { postalCode: 'SW1A 2AA', countryCode: 'GB', matchedPostalCode: 'SW1A 2AA', precision: 'POSTAL_CODE', placeName: 'Downing Street' },
    ]);
  });
});

describe('with only outward codes and forward sortation areas loaded (the basic GB and CA files)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ GEONAMES_FILES: GB_BASIC });
  });
  afterAll(() => server.stop());

  it('matches a full code by its first part and says so: precision PREFIX, with the row\'s code', async () => {
    const { body } = await server.graphql(LOCATION, { code: 'SW1A 1AA', country: 'GB' });
    expect(body.data!.location).toEqual({
      postalCode: 'SW1A 1AA',
      matchedPostalCode: 'SW1A',
      precision: 'PREFIX',
      countryCode: 'GB',
      placeName: 'London',
      latitude: SW1A.lat,
      longitude: SW1A.lon,
    });
    const canada = await server.graphql(LOCATION, { code: 'k1a0b1', country: 'CA' });
    expect(canada.body.data!.location).toMatchObject({ postalCode: 'K1A 0B1', matchedPostalCode: 'K1A', precision: 'PREFIX', placeName: 'Ottawa' });
  });

  it('answers an outward code asked on its own with its own row', async () => {
    const { body } = await server.graphql(LOCATION, { code: 'sw1a', country: 'GB' });
    expect(body.data!.location).toMatchObject({ postalCode: 'SW1A', matchedPostalCode: 'SW1A', precision: 'POSTAL_CODE' });
  });

  it('puts two full codes of one outward code 0 m apart, and both answers say PREFIX', async () => {
    const { body } = await server.graphql(DISTANCE, { from: 'SW1A 1AA', to: 'SW1A 2AA', country: 'GB' });
    expect(body.data!.distance).toEqual({
      meters: 0,
      from: { postalCode: 'SW1A 1AA', precision: 'PREFIX' },
      to: { postalCode: 'SW1A 2AA', precision: 'PREFIX' },
    });
  });
});

describe('with a remote geocoder (Zippopotam)', () => {
  const fake = new FakeZippopotam();
  const start = serveWithFake(fake, { GEOCODER: 'zippopotam' });

  it.each([
    ['DE', '1234', 'expected a code such as 26133 or 53225'],
    ['US', 'ABCDE', 'expected a code such as 95014 or 22162-1010'],
    ['US', '2134', 'Did you mean "02134"?'],
    ['US', 'straße', 'expected a code such as 95014 or 22162-1010'],
    ['GB', 'SW1A 1A', 'or its outward code such as EC1Y'],
    ['YU', '11000', 'was withdrawn from ISO 3166-1'],
  ])('%s %j is BAD_USER_INPUT, with the format expected, and costs no request', async (country, code, message) => {
    const server = await start();
    const { body } = await server.graphql(LOCATION, { code, country });
    expect(body.data!.location).toBeNull();
    expect(body.errors!.map((e) => e.extensions!.code)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors![0]!.message).toContain(message);
    expect(fake.requestCount).toBe(0);
  });

  it('a matrix of malformed codes costs no request; its one valid code costs one', async () => {
    const server = await start();
    const { body } = await server.graphql('{ distanceMatrix(origins: ["1234", "ABCDE", "9021"], destinations: ["2134", "90210"]) { origins { postalCode } destinations { postalCode } } }');
    expect(body.data!.distanceMatrix.origins).toEqual([null, null, null]);
    expect(body.data!.distanceMatrix.destinations).toEqual([null, { postalCode: '90210' }]);
    expect(body.errors!.map((e) => e.extensions!.code)).toEqual(body.errors!.map(() => 'BAD_USER_INPUT'));
    expect(fake.requests.map((r) => r.path)).toEqual(['/us/90210']);
  });

  it('asks a full UK postcode by its outward code, as Zippopotam holds it, and answers with precision PREFIX', async () => {
    const server = await start();
    const { body } = await server.graphql(LOCATION, { code: 'sw1a 1aa', country: 'GB' });
    expect(body.data!.location).toEqual({
      postalCode: 'SW1A 1AA',
      matchedPostalCode: 'SW1A',
      precision: 'PREFIX',
      countryCode: 'GB',
      placeName: 'London',
      latitude: placeOf('GB', 'SW1A').latitude,
      longitude: placeOf('GB', 'SW1A').longitude,
    });
    expect(fake.requests.map((r) => r.path)).toEqual(['/gb/SW1A']);
  });
});
