import { describe, expect, it } from 'vitest';
import { geodesicMeasure, haversineMeasure, MEAN_EARTH_RADIUS_M, normalizeBearing } from '../../src/geodesy/distance.js';

/**
 * Cases from GeographicLib's own test set (GeodTest.dat, as shipped in geographiclib-geodesic/test):
 * lat1, lon1, azi1, lat2, lon2, s12.
 */
const GEODTEST = [
  [35.60777, -139.44815, 111.098748429560326, -11.17491, -69.95921, 8935244.5604818305],
  [55.52454, 106.05087, 22.020059880982801, 77.03196, 197.18234, 4105086.1713924406],
  [-21.97856, 142.59065, -32.44456876433189, 41.84138, 98.56635, 8394328.894657671],
  [-66.99028, 112.2363, 173.73491240878403, -12.70631, 285.90344, 11150344.2312080241],
  [-17.42761, 173.34268, -159.033557661192928, -15.84784, 5.93557, 16076603.1631180673],
] as const;

describe('WGS-84 geodesic', () => {
  it.each(GEODTEST)('matches GeographicLib from (%f, %f)', (lat1, lon1, azi1, lat2, lon2, s12) => {
    const r = geodesicMeasure({ latitude: lat1, longitude: lon1 }, { latitude: lat2, longitude: lon2 });
    expect(Math.abs(r.meters - s12)).toBeLessThan(1e-6); // a micrometre
    expect(Math.abs(r.initialBearing - normalizeBearing(azi1))).toBeLessThan(1e-9);
  });

  it('is zero, with bearing zero, between a point and itself', () => {
    const p = { latitude: 34.0901, longitude: -118.4065 };
    expect(geodesicMeasure(p, p)).toEqual({ meters: 0, initialBearing: 0 });
  });

  it('measures a quarter meridian as 10,001,965.729 m (WGS-84)', () => {
    const r = geodesicMeasure({ latitude: 0, longitude: 0 }, { latitude: 90, longitude: 0 });
    expect(r.meters).toBeCloseTo(10_001_965.729, 3);
    expect(r.initialBearing).toBe(0);
  });
});

describe('haversine on the mean sphere', () => {
  it('measures a quarter great circle as π/2 × R', () => {
    const r = haversineMeasure({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 90 });
    expect(r.meters).toBeCloseTo((Math.PI / 2) * MEAN_EARTH_RADIUS_M, 6);
    expect(r.initialBearing).toBeCloseTo(90, 12);
  });

  it('heads due south, 180°, along a meridian', () => {
    expect(haversineMeasure({ latitude: 10, longitude: 5 }, { latitude: -10, longitude: 5 }).initialBearing).toBeCloseTo(180, 12);
  });

  it('stays within 0.5% of the geodesic', () => {
    const a = { latitude: 34.0901, longitude: -118.4065 };
    const b = { latitude: 40.7484, longitude: -73.9967 };
    const ratio = haversineMeasure(a, b).meters / geodesicMeasure(a, b).meters;
    expect(Math.abs(ratio - 1)).toBeLessThan(0.005);
    expect(ratio).not.toBe(1);
  });
});

describe('bearing normalization', () => {
  it.each([
    [-90, 270],
    [360, 0],
    [-0, 0],
    [725, 5],
  ])('%f° becomes %f°', (input, expected) => {
    expect(Object.is(normalizeBearing(input), expected)).toBe(true);
  });
});
