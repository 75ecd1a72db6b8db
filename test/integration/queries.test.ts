import geodesic from 'geographiclib-geodesic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usEmbedded } from '../support/embedded.js';
import { pino } from 'pino';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { usRow, usRows } from '../support/geonames.js';
import { startTestServer, type TestServer } from '../support/server.js';

const geocoder = new CountingGeocoder(usEmbedded());
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, geocoder);
});
afterAll(() => server.stop());

/** GeographicLib's WGS-84 inverse, straight from the library, on the GeoNames coordinates read independently. */
function referenceMeters(a: string, b: string): number {
  const [p, q] = [usRow(a), usRow(b)];
  return geodesic.Geodesic.WGS84.Inverse(p.latitude, p.longitude, q.latitude, q.longitude).s12 as number;
}

describe('distance', () => {
  it('answers the simplest form with the WGS-84 geodesic between the GeoNames coordinates, to the millimetre', async () => {
    const { status, body } = await server.graphql('{ distance(from: "90210", to: "10001") { miles kilometers meters nauticalMiles method } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const d = body.data!.distance;
    const meters = referenceMeters('90210', '10001');
    expect(Math.abs(d.meters - meters)).toBeLessThan(0.001);
    expect(d.kilometers).toBeCloseTo(meters / 1000, 9);
    expect(d.miles).toBeCloseTo(meters / 1609.344, 9);
    expect(d.nauticalMiles).toBeCloseTo(meters / 1852, 9);
    expect(d.method).toBe('GEODESIC');
  });

  it('resolves both ends as Locations with their GeoNames place and region; a ZIP+4 by its ZIP, with precision PREFIX', async () => {
    const { body } = await server.graphql(
      '{ distance(from: "90210-1234", to: "10001") { from { postalCode matchedPostalCode precision countryCode placeName adminName adminCode latitude longitude } to { placeName adminCode precision } } }',
    );
    const row = usRow('90210');
    expect(body.data!.distance.from).toEqual({
      postalCode: '90210-1234',
      matchedPostalCode: '90210',
      precision: 'PREFIX',
      countryCode: 'US',
      placeName: row.placeName,
      adminName: row.adminName,
      adminCode: row.adminCode,
      latitude: row.latitude,
      longitude: row.longitude,
    });
    expect(body.data!.distance.to).toEqual({ placeName: usRow('10001').placeName, adminCode: 'NY', precision: 'POSTAL_CODE' });
  });

  it('offers the haversine method, close to but not equal to the geodesic', async () => {
    const { body } = await server.graphql('{ g: distance(from: "90210", to: "10001") { meters } h: distance(from: "90210", to: "10001", method: HAVERSINE) { meters method } }');
    const { g, h } = body.data!;
    expect(h.method).toBe('HAVERSINE');
    expect(h.meters).not.toBe(g.meters);
    expect(Math.abs(h.meters / g.meters - 1)).toBeLessThan(0.005);
  });

  it('names the country it lacks data for when asked for another country', async () => {
    const { body } = await server.graphql('{ distance(from: "K1A 0B1", fromCountry: "CA", to: "10001", toCountry: "US") { meters } }');
    expect(body.data!.distance).toBeNull();
    expect(body.errors![0]!.extensions!.code).toBe('POSTAL_CODE_NOT_FOUND');
    expect(body.errors![0]!.message).toMatch(/not found in CA: no data for country CA is loaded \(the data command's `add CA` adds it\)/);
  });
});

describe('bad input', () => {
  it.each([
    ['an empty string', '""', 'BAD_USER_INPUT'],
    ['letters', '"abc"', 'BAD_USER_INPUT'],
    ['a 10,000-character string', JSON.stringify('9'.repeat(10_000)), 'BAD_USER_INPUT'],
    ['an unknown code', '"00000"', 'POSTAL_CODE_NOT_FOUND'],
  ])('%s gets %s for that field only; the rest of the query resolves', async (_, literal, code) => {
    const { status, body } = await server.graphql(`{ bad: location(postalCode: ${literal}) { placeName } good: location(postalCode: "10001") { placeName } }`);
    expect(status).toBe(200);
    expect(body.data!.bad).toBeNull();
    expect(body.data!.good).toEqual({ placeName: usRow('10001').placeName });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ path: ['bad'], extensions: { code } });
    expect(JSON.stringify(body).length).toBeLessThan(1000);
  });

  it('an unknown country gets BAD_USER_INPUT', async () => {
    const { body } = await server.graphql('{ location(postalCode: "10001", countryCode: "XX") { placeName } }');
    expect(body.errors![0]).toMatchObject({ path: ['location'], extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('leaves the process up and serving', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });
});

describe('distances', () => {
  it('aligns results with the input and fails only the bad pair, at its index', async () => {
    const { body } = await server.graphql(`{
      distances(pairs: [{ from: "90210", to: "10001" }, { from: "90210", to: "00000" }, { from: "abc", to: "10001" }, { from: "60601", to: "10001" }]) { from { postalCode } to { postalCode } }
    }`);
    expect(body.data!.distances).toEqual([
      { from: { postalCode: '90210' }, to: { postalCode: '10001' } },
      null,
      null,
      { from: { postalCode: '60601' }, to: { postalCode: '10001' } },
    ]);
    expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
      [['distances', 1], 'POSTAL_CODE_NOT_FOUND'],
      [['distances', 2], 'BAD_USER_INPUT'],
    ]);
  });

  it('resolves 1,000 distances over 200 distinct codes with one geocoder batch of 200 keys', async () => {
    const codes = usRows().slice(5_000, 5_200).map((r) => r.postalCode);
    const pairs = Array.from({ length: 1_000 }, (_, i) => ({ from: codes[i % 200], to: codes[(i * 7 + 3) % 200] }));
    const before = geocoder.batches.length;
    const { body } = await server.graphql('query($pairs: [DistancePairInput!]!) { distances(pairs: $pairs) { meters } }', { pairs });
    expect(body.errors).toBeUndefined();
    expect(body.data!.distances).toHaveLength(1_000);
    const batches = geocoder.batches.slice(before);
    expect(batches).toHaveLength(1);
    expect(new Set(batches[0])).toEqual(new Set(codes.map((c) => `US${c}`)));
    expect(batches[0]).toHaveLength(200);

    // The same query again is answered from the cache: no geocoder call at all.
    await server.graphql('query($pairs: [DistancePairInput!]!) { distances(pairs: $pairs) { meters } }', { pairs });
    expect(geocoder.batches.length).toBe(before + 1);
  });

  it('rejects more pairs than the limit before looking anything up', async () => {
    const pairs = Array.from({ length: 1_001 }, () => ({ from: '90210', to: '10001' }));
    const before = geocoder.batches.length;
    const { body } = await server.graphql('query($pairs: [DistancePairInput!]!) { distances(pairs: $pairs) { meters } }', { pairs });
    expect(body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.errors![0]!.message).toMatch(/at most 1000/);
    expect(geocoder.batches.length).toBe(before);
  });
});

describe('distanceMatrix', () => {
  it('is indexable as rows[i].distances[j], origin i to destination j', async () => {
    const origins = ['90210', '10001', '60601'];
    const destinations = ['94105', '02108'];
    const { body } = await server.graphql(
      'query($o: [String!]!, $d: [String!]!) { distanceMatrix(origins: $o, destinations: $d) { origins { postalCode } destinations { postalCode } rows { origin { postalCode } distances { meters from { postalCode } to { postalCode } } } } }',
      { o: origins, d: destinations },
    );
    expect(body.errors).toBeUndefined();
    const m = body.data!.distanceMatrix;
    expect(m.origins.map((l: { postalCode: string }) => l.postalCode)).toEqual(origins);
    expect(m.rows).toHaveLength(3);
    origins.forEach((o, i) =>
      destinations.forEach((d, j) => {
        const cell = m.rows[i].distances[j];
        expect([cell.from.postalCode, cell.to.postalCode]).toEqual([o, d]);
        expect(Math.abs(cell.meters - referenceMeters(o, d))).toBeLessThan(0.001);
      }),
    );
  });

  it('fails the cells of a bad destination, each with its error, and keeps the rest', async () => {
    const { body } = await server.graphql('{ distanceMatrix(origins: ["90210", "10001"], destinations: ["00000", "60601"]) { rows { distances { miles } } } }');
    const rows = body.data!.distanceMatrix.rows;
    expect(rows.map((r: { distances: unknown[] }) => r.distances.map((d) => d !== null))).toEqual([
      [false, true],
      [false, true],
    ]);
    expect(body.errors!.map((e) => e.path)).toEqual([
      ['distanceMatrix', 'rows', 0, 'distances', 0],
      ['distanceMatrix', 'rows', 1, 'distances', 0],
    ]);
  });

  it('refuses a matrix over the cell limit: null, with its error', async () => {
    const codes = Array.from({ length: 51 }, () => '90210');
    const { status, body } = await server.graphql('query($c: [String!]!) { distanceMatrix(origins: $c, destinations: $c) { rows { origin { postalCode } } } }', { c: codes }, { accept: 'application/graphql-response+json' });
    expect(status).toBe(200);
    expect(body.data).toEqual({ distanceMatrix: null });
    expect(body.errors![0]).toMatchObject({ path: ['distanceMatrix'], message: expect.stringMatching(/51 × 51 = 2601 cells, at most 2500/), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('Location.distanceTo', () => {
  it('measures from a location to another code, in the location country by default', async () => {
    const { body } = await server.graphql('{ location(postalCode: "90210") { distanceTo(postalCode: "10001") { meters to { countryCode } } } }');
    expect(Math.abs(body.data!.location.distanceTo.meters - referenceMeters('90210', '10001'))).toBeLessThan(0.001);
    expect(body.data!.location.distanceTo.to.countryCode).toBe('US');
  });
});
