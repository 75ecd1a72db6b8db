/**
 * Distances between two points on the Earth, pure. GEODESIC: Karney's algorithm on the WGS-84 ellipsoid, exact to a few
 * nanometres (geographiclib/inverse.ts). HAVERSINE: a sphere of the IUGG mean radius R1, matching what others publish.
 */
import { wgs84Inverse } from './geographiclib/inverse.js';

export type DistanceMethod = 'GEODESIC' | 'HAVERSINE';

/** IUGG mean Earth radius R1 = (2a + b) / 3 of WGS-84, in metres. */
export const MEAN_EARTH_RADIUS_M = 6_371_008.8;
export const METERS_PER_MILE = 1609.344;
export const METERS_PER_NAUTICAL_MILE = 1852;

export interface Point {
  readonly latitude: number;
  readonly longitude: number;
}

export interface Measurement {
  /** Distance in metres. */
  readonly meters: number;
  /** Initial bearing in degrees clockwise from true north, in [0, 360). */
  readonly initialBearing: number;
}

const RAD = Math.PI / 180;
/** wgs84Inverse's output: [s12, azi1], reused by every call. */
const inverse = new Float64Array(2);

/** The WGS-84 geodesic between two points. */
export function geodesicMeasure(a: Point, b: Point): Measurement {
  wgs84Inverse(a.latitude, a.longitude, b.latitude, b.longitude, inverse);
  const meters = inverse[0]!;
  return { meters, initialBearing: meters === 0 ? 0 : normalizeBearing(inverse[1]!) };
}

/** The great circle on a sphere of radius {@link MEAN_EARTH_RADIUS_M}. */
export function haversineMeasure(a: Point, b: Point): Measurement {
  const φ1 = a.latitude * RAD;
  const φ2 = b.latitude * RAD;
  const Δφ = φ2 - φ1;
  const Δλ = (b.longitude - a.longitude) * RAD;
  const h = Math.sin(Δφ / 2) ** 2 + Math.cos(φ1) * Math.cos(φ2) * Math.sin(Δλ / 2) ** 2;
  const meters = 2 * MEAN_EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
  if (meters === 0) return { meters, initialBearing: 0 };
  const y = Math.sin(Δλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ);
  return { meters, initialBearing: normalizeBearing(Math.atan2(y, x) / RAD) };
}

/** Maps any angle in degrees to [0, 360). */
export function normalizeBearing(degrees: number): number {
  const d = degrees % 360;
  return d < 0 ? d + 360 : d === 360 ? 0 : d + 0; // `+ 0` turns -0 into 0
}
