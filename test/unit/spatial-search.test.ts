import { beforeAll, describe, expect, it } from 'vitest';
import type { Point } from '../../src/geodesy/distance.js';
import { GeoNamesIndex } from '../../src/gazetteer/geonames-index.js';
import { defaultUsDataFile } from '../../src/gazetteer/loaded-data.js';
import { MAX_SEARCH_RADIUS_M } from '../../src/spatial/arguments.js';
import { searchNearby, type SpatialQuery } from '../../src/spatial/search.js';
import { SpatialIndex } from '../../src/spatial/spatial-index.js';
import { expectSameList, found, geodesicScan, geoNamesRow, loadRows, randomPoint, seeded, usCodes, within, type Code } from '../support/spatial.js';

/** Radii every search is checked at, in km: from 100 m to about half the Earth's circumference. */
const RADII_KM = [0.1, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 20_000];
const EVERYTHING = Number.MAX_SAFE_INTEGER;

/** Every code of `query`, in one page. */
const all = (index: SpatialIndex, query: SpatialQuery) => searchNearby(index, query, { first: EVERYTHING });

/** Checks `index` against the oracle from one origin: at every radius, and for a point, as the nearest codes. */
function expectExactFrom(index: SpatialIndex, codes: readonly Code[], origin: Point, originCode?: Code): void {
  const scan = geodesicScan(codes, origin, originCode);
  const base = originCode ? { origin, originCode } : { origin };
  for (const km of RADII_KM) {
    const expected = within(scan, km * 1000);
    const page = all(index, { ...base, radiusMeters: km * 1000 });
    expectSameList(found(page), expected, `within ${km} km`);
    expect(page.totalCount).toBe(expected.length);
    expect(page.hasNextPage).toBe(false);
  }
  if (originCode) return;
  // The codes nearest the point, with no bound (nearestLocations).
  for (const first of [1, 7, 100, 1000]) {
    const page = searchNearby(index, { origin }, { first });
    expectSameList(found(page), scan.slice(0, first), `nearest ${first}`);
    expect(page.totalCount).toBe(codes.length);
  }
}

describe('spatial search over the bundled US data, against a geodesic scan of every code', () => {
  let index: SpatialIndex;
  let geonames: GeoNamesIndex;
  const codes = usCodes();
  const random = seeded(20240611);
  // Origins at codes (dense cities and remote ones alike, as drawn), and anywhere on the Earth.
  const codeOrigins = Array.from({ length: 4 }, () => codes[Math.floor(random() * codes.length)]!);
  const antipode = (c: Code): Point => ({ latitude: -c.latitude, longitude: c.longitude > 0 ? c.longitude - 180 : c.longitude + 180 });
  const pointOrigins = [
    randomPoint(random),
    antipode(codeOrigins[0]!), // opposite a code: the 10,000 and 20,000 km radii cut through the data near its antipode
    { latitude: 30 + random() * 18, longitude: -124 + random() * 57 }, // somewhere in the contiguous US
  ];

  beforeAll(async () => {
    geonames = new GeoNamesIndex();
    await geonames.loadFile(defaultUsDataFile());
    index = SpatialIndex.from(geonames);
  });

  it('indexes every code of the file once', () => {
    expect(index.size).toBe(codes.length);
    expect(index.size).toBe(geonames.size);
  });

  for (const code of codeOrigins) {
    it(`finds exactly the scan's codes, in its order, within every radius of ${code.postalCode}`, () => {
      expectExactFrom(index, codes, code, code);
    });
  }

  for (const point of pointOrigins) {
    it(`finds exactly the scan's codes from (${point.latitude.toFixed(3)}, ${point.longitude.toFixed(3)}), at every radius and as nearest codes`, () => {
      expectExactFrom(index, codes, point);
    });
  }

  it('lists the origin first, at distance 0 with no bearing, and codes sharing its coordinates after it', () => {
    // 10001 (New York) has no twin, so look for codes that share coordinates in the data.
    const byPlace = new Map<string, Code[]>();
    for (const c of codes) {
      const key = `${c.latitude},${c.longitude}`;
      byPlace.set(key, [...(byPlace.get(key) ?? []), c]);
    }
    const twins = [...byPlace.values()].find((group) => group.length >= 3)!;
    const origin = twins.at(-1)!; // the last by postal code, so the tie-break alone would not put it first
    const page = searchNearby(index, { origin, originCode: origin, radiusMeters: 100 }, { first: 10 });
    expect(found(page).slice(0, twins.length)).toEqual([
      { countryCode: 'US', postalCode: origin.postalCode, meters: 0, initialBearing: null },
      ...twins
        .filter((c) => c !== origin)
        .map((c) => c.postalCode)
        .sort()
        .map((postalCode) => ({ countryCode: 'US', postalCode, meters: 0, initialBearing: null })),
    ]);
  });

  it('reverse-geocodes a point to the code with the least geodesic distance, ties by code', () => {
    const random = seeded(7);
    for (let i = 0; i < 3; i++) {
      const point = { latitude: 25 + random() * 24, longitude: -124 + random() * 57 };
      const page = searchNearby(index, { origin: point }, { first: 1 });
      expect(found(page)).toEqual(geodesicScan(codes, point).slice(0, 1));
      expect(page.hasNextPage).toBe(true);
    }
  });

  it('finds the codes nearest a point within a bound, counting every code within it', () => {
    const point = { latitude: 40.75, longitude: -73.99 };
    const expected = within(geodesicScan(codes, point), 30_000);
    const page = searchNearby(index, { origin: point, radiusMeters: 30_000 }, { first: 10 });
    expect(found(page)).toEqual(expected.slice(0, 10));
    expect(page.totalCount).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(10);
  });

  it('finds nothing, and counts nothing, in a country that is not loaded', () => {
    const page = searchNearby(index, { origin: { latitude: 40, longitude: -100 }, countryCodes: ['CA'] }, { first: 5 });
    expect(page).toEqual({ edges: [], totalCount: 0, hasNextPage: false, endCursor: null });
  });
});

// ---------------------------------------------------------------------------------------------
// A made-up file with codes on both sides of the antimeridian and near both poles

/** Made-up codes: named places first, then a seeded scatter near ±180° and the poles. */
function madeUpCodes(): Code[] {
  const named: Code[] = [
    // Fiji-like: both sides of the antimeridian, and on it
    { countryCode: 'FJ', postalCode: 'F01', latitude: -16.78, longitude: 179.33 },
    { countryCode: 'FJ', postalCode: 'F02', latitude: -16.8, longitude: 179.99 },
    { countryCode: 'FJ', postalCode: 'F03', latitude: -16.8, longitude: -179.99 },
    { countryCode: 'FJ', postalCode: 'F04', latitude: -17.0, longitude: 180 },
    { countryCode: 'FJ', postalCode: 'F05', latitude: -17.0, longitude: -180 },
    { countryCode: 'FJ', postalCode: 'F06', latitude: -18.1, longitude: -178.45 },
    // Kiribati-like: islands spread over thousands of km on both sides
    { countryCode: 'KI', postalCode: 'K01', latitude: 1.33, longitude: 172.98 },
    { countryCode: 'KI', postalCode: 'K02', latitude: -2.8, longitude: -171.7 },
    { countryCode: 'KI', postalCode: 'K03', latitude: 1.87, longitude: -157.4 },
    { countryCode: 'KI', postalCode: 'K04', latitude: 0.0, longitude: 179.999 },
    // Chukotka-like, far north on both sides
    { countryCode: 'RU', postalCode: '689000', latitude: 64.73, longitude: 177.51 },
    { countryCode: 'RU', postalCode: '689100', latitude: 66.0, longitude: 179.95 },
    { countryCode: 'RU', postalCode: '689200', latitude: 66.0, longitude: -179.95 },
    { countryCode: 'RU', postalCode: '689300', latitude: 65.5, longitude: -171.0 },
    // Near and at the North Pole, at every side of it
    { countryCode: 'GL', postalCode: '3900', latitude: 90, longitude: 0 },
    { countryCode: 'GL', postalCode: '3901', latitude: 89.999, longitude: 0 },
    { countryCode: 'GL', postalCode: '3902', latitude: 89.999, longitude: 90 },
    { countryCode: 'GL', postalCode: '3903', latitude: 89.999, longitude: 180 },
    { countryCode: 'GL', postalCode: '3904', latitude: 89.999, longitude: -90 },
    { countryCode: 'GL', postalCode: '3905', latitude: 89.9, longitude: 45 },
    { countryCode: 'GL', postalCode: '3906', latitude: 89.5, longitude: -135 },
    { countryCode: 'NO', postalCode: '9170', latitude: 88, longitude: 15 },
    // Near and at the South Pole
    { countryCode: 'AQ', postalCode: 'S0', latitude: -90, longitude: 0 },
    { countryCode: 'AQ', postalCode: 'S1', latitude: -89.999, longitude: 139 },
    { countryCode: 'AQ', postalCode: 'S2', latitude: -89.99, longitude: -41 },
    { countryCode: 'AQ', postalCode: 'S3', latitude: -89.5, longitude: 180 },
    { countryCode: 'AQ', postalCode: 'S4', latitude: -88, longitude: -179.9 },
    // Three codes of two countries at the same coordinates (ties by country, then code)
    { countryCode: 'TV', postalCode: 'T2', latitude: -8.52, longitude: 179.2 },
    { countryCode: 'TV', postalCode: 'T1', latitude: -8.52, longitude: 179.2 },
    { countryCode: 'WF', postalCode: '98600', latitude: -8.52, longitude: 179.2 },
  ];
  const random = seeded(42);
  const scatter: Code[] = [];
  for (let i = 0; i < 600; i++) {
    const band = i % 3;
    const latitude = band === 0 ? -70 + random() * 140 : band === 1 ? 80 + random() * 10 : -90 + random() * 10;
    const longitude = band === 0 ? (random() < 0.5 ? 175 + random() * 5 : -180 + random() * 5) : random() * 360 - 180;
    // Codes in each country's own format (the index refuses codes a country's format does not allow).
    const countryCode = ['FJ', 'KI', 'RU', 'SJ', 'AQ'][i % 5]!;
    const postalCode = countryCode === 'RU' ? String(600_000 + i) : countryCode === 'SJ' ? String(i).padStart(4, '0') : `Z${i}`;
    scatter.push({ countryCode, postalCode, latitude: +latitude.toFixed(4), longitude: +longitude.toFixed(4) });
  }
  return [...named, ...scatter];
}

describe('spatial search across the antimeridian and near the poles (made-up GeoNames file)', () => {
  const codes = madeUpCodes();
  let index: SpatialIndex;
  let geonames: GeoNamesIndex;
  const duplicate = { countryCode: 'FJ', postalCode: 'F01', latitude: 10, longitude: 10 };

  beforeAll(async () => {
    // A later row for F01 repeats the code elsewhere: the index keeps the row `location` answers with.
    ({ index, geonames } = await loadRows([...codes, duplicate].map((c) => geoNamesRow(c.countryCode, c.postalCode, c.latitude, c.longitude))));
  });

  it('holds each code once, at the coordinates the GeoNames index answers with', () => {
    expect(index.size).toBe(codes.length);
    const kept = geonames.get('FJ', 'F01')!;
    const page = searchNearby(index, { origin: kept, originCode: kept, radiusMeters: 1 }, { first: 5 });
    expect(found(page)).toEqual([{ countryCode: 'FJ', postalCode: 'F01', meters: 0, initialBearing: null }]);
    expect(page.edges[0]).toMatchObject({ latitude: kept.latitude, longitude: kept.longitude });
    expect(searchNearby(index, { origin: duplicate, radiusMeters: 1000 }, { first: 5 }).totalCount).toBe(0);
  });

  const origins: [string, Point][] = [
    ['on the antimeridian (180°)', { latitude: -17, longitude: 180 }],
    ['on the antimeridian (−180°)', { latitude: -17, longitude: -180 }],
    ['just east of it', { latitude: -16.8, longitude: -179.99 }],
    ['just west of it', { latitude: 66, longitude: 179.95 }],
    ['at the North Pole', { latitude: 90, longitude: 0 }],
    ['at the North Pole, given another longitude', { latitude: 90, longitude: 123 }],
    ['near the North Pole', { latitude: 89.7, longitude: -170 }],
    ['at the South Pole', { latitude: -90, longitude: 0 }],
    ['near the South Pole', { latitude: -89.9, longitude: 179.9 }],
    ['on the equator at the antimeridian', { latitude: 0, longitude: 180 }],
    ['far from every code', { latitude: 30, longitude: 0 }],
  ];
  for (const [label, origin] of origins) {
    it(`finds exactly the scan's codes ${label}, at every radius and as nearest codes`, () => {
      expectExactFrom(index, codes, origin);
    });
  }

  it('finds exactly the scan\'s codes from each made-up code, with the code itself first', () => {
    for (const code of codes.slice(0, 30)) expectExactFrom(index, codes, code, code);
  });

  it('orders codes sharing coordinates by country, then postal code, after the origin', () => {
    const origin = { countryCode: 'TV', postalCode: 'T2', latitude: -8.52, longitude: 179.2 };
    const page = searchNearby(index, { origin, originCode: origin, radiusMeters: 100 }, { first: 3 });
    expect(page.edges.map((e) => `${e.countryCode} ${e.postalCode}`)).toEqual(['TV T2', 'TV T1', 'WF 98600']);
    const fromPoint = searchNearby(index, { origin, radiusMeters: 100 }, { first: 3 });
    expect(fromPoint.edges.map((e) => `${e.countryCode} ${e.postalCode}`)).toEqual(['TV T1', 'TV T2', 'WF 98600']);
  });

  it('reaches every code at the largest radius accepted, the South Pole from the North Pole included', () => {
    for (const origin of [{ latitude: 90, longitude: 0 }, { latitude: -90, longitude: 0 }, { latitude: 0, longitude: 180 }]) {
      expect(searchNearby(index, { origin, radiusMeters: MAX_SEARCH_RADIUS_M }, { first: 1 }).totalCount).toBe(codes.length);
    }
  });

  it('searches only the countries asked for', () => {
    const origin = { latitude: -17, longitude: 180 };
    for (const countryCodes of [['FJ'], ['KI', 'RU'], ['AQ', 'GL', 'NO']]) {
      const scan = geodesicScan(codes, origin, undefined, countryCodes);
      expect(found(all(index, { origin, countryCodes, radiusMeters: 5_000_000 }))).toEqual(within(scan, 5_000_000));
      const nearest = searchNearby(index, { origin, countryCodes }, { first: 20 });
      expect(found(nearest)).toEqual(scan.slice(0, 20));
      expect(nearest.totalCount).toBe(scan.length);
    }
  });
});

describe('dense grids of codes across the radius', () => {
  // Two grids of 6,400 codes 0.0005° apart, about 100 km from (0, 0): east of it, where the geodesic
  // runs about 0.11% longer than the sphere, and north of it, where it runs 0.56% shorter. The radius
  // sweeps through them in 10 m steps, so whole kd-tree nodes lie inside it on the sphere but partly
  // outside it on the ellipsoid, and the other way round. The north grid starts 0.56% farther on the
  // sphere (98.43 km against 97.85) but 0.08% nearer on the ellipsoid (97.88 km against 97.96): the
  // nearest codes are all north, where the sphere would pick east ones. (The north grid lies just west
  // of the meridian, so the tree walk meets the east grid first.)
  const codes: Code[] = [];
  for (let i = 0; i < 80; i++) {
    for (let j = 0; j < 80; j++) {
      codes.push({ countryCode: 'XK', postalCode: `E${i}-${j}`, latitude: -0.02 + j * 0.0005, longitude: 0.88 + i * 0.0005 });
      codes.push({ countryCode: 'GA', postalCode: `N${i}-${j}`, latitude: 0.885 + i * 0.0005, longitude: -0.06 + j * 0.0005 });
    }
  }
  const origin = { latitude: 0, longitude: 0 };
  let index: SpatialIndex;

  beforeAll(async () => {
    ({ index } = await loadRows(codes.map((c) => geoNamesRow(c.countryCode, c.postalCode, c.latitude, c.longitude))));
  });

  it('counts and lists exactly the codes within the geodesic radius at every step', () => {
    const scan = geodesicScan(codes, origin);
    for (let meters = 97_900; meters <= 102_600; meters += 10) {
      const page = searchNearby(index, { origin, radiusMeters: meters }, { first: 20 });
      const expected = within(scan, meters);
      expect({ meters, totalCount: page.totalCount }).toEqual({ meters, totalCount: expected.length });
      expectSameList(found(page), expected.slice(0, 20), `within ${meters} m`);
    }
  });

  it('counts and lists exactly the codes of one country within the radius', () => {
    const scan = geodesicScan(codes, origin, undefined, ['GA']);
    for (let meters = 97_900; meters <= 102_600; meters += 50) {
      const page = searchNearby(index, { origin, radiusMeters: meters, countryCodes: ['GA'] }, { first: 20 });
      const expected = within(scan, meters);
      expect({ meters, totalCount: page.totalCount }).toEqual({ meters, totalCount: expected.length });
      expectSameList(found(page), expected.slice(0, 20), `within ${meters} m`);
    }
  });

  it('finds the nearest codes by the geodesic, at every page size', () => {
    const scan = geodesicScan(codes, origin);
    expect(scan[0]).toMatchObject({ countryCode: 'GA', postalCode: 'N0-79' });
    for (const first of [1, 20, 300, 1000]) expectSameList(found(searchNearby(index, { origin }, { first })), scan.slice(0, first), `nearest ${first}`);
  });
});

describe('geodesic, not spherical, membership and order', () => {
  // On the equator a degree of latitude is shorter on the ellipsoid than on the mean sphere, and a
  // degree of longitude longer; near a pole a degree of latitude is longer. So a haversine search
  // would rank and cut these codes differently.
  const east = { countryCode: 'XK', postalCode: 'EAST', latitude: 0, longitude: 0.9 }; // geodesic 100.19 km, haversine 100.08 km
  const north = { countryCode: 'XK', postalCode: 'NORTH', latitude: 0.9045, longitude: 0 }; // geodesic 100.01 km, haversine 100.58 km
  const polar = { countryCode: 'GL', postalCode: '3999', latitude: 89.1, longitude: 0 }; // from the pole: geodesic 100.52 km, haversine 100.08 km
  const origin = { latitude: 0, longitude: 0 };
  let index: SpatialIndex;

  beforeAll(async () => {
    ({ index } = await loadRows([east, north, polar].map((c) => geoNamesRow(c.countryCode, c.postalCode, c.latitude, c.longitude))));
  });

  it('ranks by the geodesic where the haversine would rank the other way', () => {
    const scan = geodesicScan([east, north], origin);
    expect(scan.map((f) => f.postalCode)).toEqual(['NORTH', 'EAST']);
    expect(found(searchNearby(index, { origin }, { first: 1 }))).toEqual(scan.slice(0, 1));
  });

  it('includes a code the haversine puts beyond the radius, and excludes one it puts inside', () => {
    // 100.1 km from (0, 0): the haversine would keep EAST and drop NORTH.
    const page = searchNearby(index, { origin, radiusMeters: 100_100 }, { first: 5 });
    expect(found(page)).toEqual(within(geodesicScan([east, north], origin), 100_100));
    expect(found(page).map((f) => f.postalCode)).toEqual(['NORTH']);
    // 100.3 km from the North Pole: the haversine would keep the polar code.
    const pole = { latitude: 90, longitude: 0 };
    expect(searchNearby(index, { origin: pole, radiusMeters: 100_300 }, { first: 5 }).totalCount).toBe(0);
    // Each is in at exactly its geodesic distance, and out a millimetre short of it: where the
    // geodesic is shortest (north of the equator) and longest (at the pole) against the sphere.
    for (const [from, code] of [[origin, north], [pole, polar]] as const) {
      const meters = geodesicScan([code], from)[0]!.meters;
      expect(found(searchNearby(index, { origin: from, radiusMeters: meters }, { first: 5 })).map((f) => f.postalCode)).toEqual([code.postalCode]);
      expect(searchNearby(index, { origin: from, radiusMeters: meters - 0.001 }, { first: 5 }).totalCount).toBe(0);
    }
  });
});

