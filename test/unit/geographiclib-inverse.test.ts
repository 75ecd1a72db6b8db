import geodesic from 'geographiclib-geodesic';
import { describe, expect, it } from 'vitest';
import { geodesicMeasure, normalizeBearing, type Measurement, type Point } from '../../src/geodesy/distance.js';
import { wgs84Inverse } from '../../src/geodesy/geographiclib/inverse.js';
import { GEODESIC_TEST_CASES, GEODSOLVE_CASES, NAN_CASES } from '../support/geographiclib-inverse-cases.js';
import { seeded as random } from '../support/random.js';

const { Geodesic } = geodesic;
const REFERENCE = Geodesic.WGS84;
const OUTPUTS = Geodesic.DISTANCE | Geodesic.AZIMUTH;

/** The bar: distances within a millimetre, azimuths within 1e-9° where defined. */
const MAX_DISTANCE_ERROR_M = 0.001;
const MAX_AZIMUTH_ERROR_DEG = 1e-9;

const out = new Float64Array(2);


/** Pairs as [lat1, lon1, lat2, lon2] rows, made by `make` from seeded random numbers. */
function pairs(count: number, seed: number, make: (u: () => number) => readonly [number, number, number, number]): Float64Array {
  const u = random(seed);
  const rows = new Float64Array(count * 4);
  for (let i = 0; i < count; i++) rows.set(make(u), i * 4);
  return rows;
}

/** A latitude uniform over the sphere's area, in degrees. */
const latitude = (u: () => number) => (Math.asin(2 * u() - 1) * 180) / Math.PI;
const longitude = (u: () => number) => u() * 360 - 180;
/** ±10^−k for k uniform in [0, 15]: perturbations from a tenth of a degree down to rounding. */
const tiny = (u: () => number) => (u() < 0.5 ? -1 : 1) * 10 ** (-u() * 15);

/**
 * The difference between two azimuths in degrees, modulo 360° (so 180° and −180° agree); 0 when
 * both are NaN. Azimuths are compared everywhere, also where the geodesic does not fix one
 * (coincident points, a point at a pole, antipodes with many shortest paths): wgs84Inverse makes
 * GeographicLib's choice there, so there is nothing to exempt.
 */
function azimuthError(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  const d = Math.abs((a - b) % 360);
  return Math.min(d, 360 - d); // NaN when only one is NaN
}

interface Agreement {
  readonly pairs: number;
  /** Pairs where distance and azimuth are GeographicLib's to the last bit (NaN equal to NaN). */
  readonly bitIdentical: number;
  readonly maxDistanceError: number;
  readonly maxAzimuthError: number;
}

/** Compares wgs84Inverse with geographiclib-geodesic's `Inverse` on every pair. */
function agreement(rows: Float64Array): Agreement {
  let bitIdentical = 0;
  let maxDistanceError = 0;
  let maxAzimuthError = 0;
  for (let i = 0; i < rows.length; i += 4) {
    const [lat1, lon1, lat2, lon2] = [rows[i]!, rows[i + 1]!, rows[i + 2]!, rows[i + 3]!];
    const expected = REFERENCE.Inverse(lat1, lon1, lat2, lon2, OUTPUTS);
    wgs84Inverse(lat1, lon1, lat2, lon2, out);
    const [s12, azi1] = [out[0]!, out[1]!];
    if (Object.is(s12, expected.s12) && Object.is(azi1, expected.azi1)) bitIdentical++;
    // `!(x <= max)` so that a NaN where a number was expected counts as the worst error.
    const ds = Number.isNaN(s12) && Number.isNaN(expected.s12!) ? 0 : Math.abs(s12 - expected.s12!);
    if (!(ds <= maxDistanceError)) maxDistanceError = Number.isNaN(ds) ? Infinity : ds;
    const da = azimuthError(azi1, expected.azi1!);
    if (!(da <= maxAzimuthError)) maxAzimuthError = Number.isNaN(da) ? Infinity : da;
  }
  return { pairs: rows.length / 4, bitIdentical, maxDistanceError, maxAzimuthError };
}

function expectAgreement(rows: Float64Array): void {
  const found = agreement(rows);
  expect(found.maxDistanceError).toBeLessThanOrEqual(MAX_DISTANCE_ERROR_M);
  expect(found.maxAzimuthError).toBeLessThanOrEqual(MAX_AZIMUTH_ERROR_DEG);
  // Stronger than the bar, and what src/geodesy/geographiclib/inverse.ts promises: the same arithmetic.
  expect(found).toEqual({ pairs: rows.length / 4, bitIdentical: rows.length / 4, maxDistanceError: 0, maxAzimuthError: 0 });
}

describe('wgs84Inverse on GeographicLib’s own test set (geographiclib-geodesic/test/geodesictest.js)', () => {
  it.each([...GEODESIC_TEST_CASES, ...GEODSOLVE_CASES])('$name: ($lat1, $lon1) to ($lat2, $lon2)', (c) => {
    wgs84Inverse(c.lat1, c.lon1, c.lat2, c.lon2, out);
    expect(Math.abs(out[0]! - c.s12)).toBeLessThanOrEqual(c.s12Tolerance);
    if (!Number.isNaN(c.azi1)) expect(Math.abs(out[1]! - c.azi1)).toBeLessThanOrEqual(c.azi1Tolerance);
  });

  it.each(NAN_CASES)('answers NaN for a NaN input: (%f, %f) to (%f, %f)', (lat1, lon1, lat2, lon2) => {
    out.fill(0);
    wgs84Inverse(lat1, lon1, lat2, lon2, out);
    expect([...out]).toEqual([Number.NaN, Number.NaN]);
  });

  it('answers NaN for a latitude beyond a pole, as GeographicLib does', () => {
    wgs84Inverse(90.5, 0, 10, 10, out);
    expect([...out]).toEqual([Number.NaN, Number.NaN]);
  });
});

describe('wgs84Inverse against geographiclib-geodesic, bit for bit', () => {
  it('agrees on 100,000 random pairs over the whole globe', () => {
    expectAgreement(pairs(100_000, 1, (u) => [latitude(u), longitude(u), latitude(u), longitude(u)]));
  });

  it('agrees on 20,000 nearly antipodal pairs (Newton from the astroid estimate, and the strip near the cut)', () => {
    expectAgreement(
      pairs(20_000, 2, (u) => {
        const lat1 = u() < 0.25 ? tiny(u) : latitude(u); // a quarter near the equator, where the antipodal problem is hardest
        const lon1 = longitude(u);
        return [lat1, lon1, -lat1 + tiny(u), lon1 + (u() < 0.5 ? 180 : -180) + tiny(u)];
      }),
    );
  });

  it('agrees on 10,000 equatorial pairs, on the equator or within 1e-10° of it', () => {
    expectAgreement(
      pairs(10_000, 3, (u) => {
        const lat = () => (u() < 0.5 ? 0 : u() < 0.5 ? -0 : (u() - 0.5) * 2e-10);
        return [lat(), longitude(u), lat(), longitude(u)];
      }),
    );
  });

  it('agrees on 10,000 meridional pairs, on one meridian or on opposite ones', () => {
    expectAgreement(
      pairs(10_000, 4, (u) => {
        const lon1 = longitude(u);
        return [latitude(u), lon1, latitude(u), u() < 0.5 ? lon1 : lon1 + 180];
      }),
    );
  });

  it('agrees on 10,000 pairs touching a pole', () => {
    expectAgreement(
      pairs(10_000, 5, (u) => {
        const pole = () => (u() < 0.5 ? 90 : -90);
        const other = u() < 0.1 ? pole() : latitude(u);
        return u() < 0.5 ? [pole(), longitude(u), other, longitude(u)] : [other, longitude(u), pole(), longitude(u)];
      }),
    );
  });

  it('agrees on 10,000 coincident pairs, and 10,000 from a nanometre to a metre apart', () => {
    expectAgreement(
      pairs(10_000, 6, (u) => {
        const [lat, lon] = [latitude(u), longitude(u)];
        return [lat, lon, lat, lon];
      }),
    );
    expectAgreement(
      pairs(10_000, 7, (u) => {
        const [lat, lon] = [latitude(u) * 0.999, longitude(u)];
        const step = () => (u() - 0.5) * 10 ** (-5 - u() * 9); // 1e-5° to 1e-14°
        return [lat, lon, lat + step(), lon + step()];
      }),
    );
  });

  it('agrees on 10,000 pairs whose longitudes lie outside [-180°, 180°]', () => {
    expectAgreement(pairs(10_000, 8, (u) => [latitude(u), longitude(u) + 360 * Math.round((u() - 0.5) * 8), latitude(u), longitude(u) * 3]));
  });
});

describe('wgs84Inverse in the special cases', () => {
  it('runs along the equator, a distance of exactly a·Δλ, heading east', () => {
    wgs84Inverse(0, 10, 0, 50, out);
    expect([...out]).toEqual([6_378_137 * (40 * (Math.PI / 180)), 90]);
  });

  it('runs along a meridian from the equator to the pole: a quarter meridian, heading north', () => {
    wgs84Inverse(0, 25, 90, 25, out);
    expect(out[0]).toBeCloseTo(10_001_965.729, 3);
    expect(out[1]).toBe(0);
  });

  it('measures pole to pole as half a meridian, whatever the longitudes', () => {
    wgs84Inverse(-90, 0, 90, 123, out);
    expect(out[0]).toBeCloseTo(20_003_931.459, 3); // 20,003,931.4586 m
  });

  it('writes only out[0] and out[1]', () => {
    const longer = new Float64Array([7, 7, 7]);
    wgs84Inverse(10, 20, 30, 40, longer);
    expect(longer[2]).toBe(7);
  });
});

describe('geodesicMeasure on wgs84Inverse', () => {
  /** What geodesicMeasure answered when it called GeographicLib itself. */
  function measuredByGeographicLib(a: Point, b: Point): Measurement {
    const r = REFERENCE.Inverse(a.latitude, a.longitude, b.latitude, b.longitude, OUTPUTS);
    const meters = r.s12 ?? 0;
    return { meters, initialBearing: meters === 0 ? 0 : normalizeBearing(r.azi1 ?? 0) };
  }

  it('answers exactly what it answered with GeographicLib, over 10,000 random pairs and 1,000 coincident points', () => {
    const u = random(9);
    let same = 0;
    for (let i = 0; i < 11_000; i++) {
      const a = { latitude: latitude(u), longitude: longitude(u) };
      const b = i < 10_000 ? { latitude: latitude(u), longitude: longitude(u) } : a;
      const [found, expected] = [geodesicMeasure(a, b), measuredByGeographicLib(a, b)];
      if (Object.is(found.meters, expected.meters) && Object.is(found.initialBearing, expected.initialBearing)) same++;
    }
    expect(same).toBe(11_000);
  });

  it('is zero with bearing zero between a point and itself, where GeographicLib’s azimuth is 180°', () => {
    const p = { latitude: 20.001, longitude: 0 };
    expect(geodesicMeasure(p, p)).toEqual({ meters: 0, initialBearing: 0 });
  });
});
