/**
 * The sphere the candidate search runs on, and how far its distances can stray from the WGS-84
 * geodesic: pure functions, no I/O.
 *
 * Spherical (haversine) distances are cheap (tens of ns) and have the geometry a kd-tree search
 * needs; the WGS-84 geodesic costs about 2 µs. So the search finds candidates on the sphere and
 * solves geodesics only where the bounds below cannot decide.
 *
 * Why the bounds hold. Map each point of the sphere of radius R to the point of the ellipsoid with
 * the same latitude and longitude. The two metrics are ds² = R²(dφ² + cos²φ dλ²) on the sphere
 * and ds² = M(φ)² dφ² + N(φ)² cos²φ dλ² on the ellipsoid (M: meridian radius of curvature, N:
 * prime vertical), so in any direction the map stretches lengths by a factor between M/R and N/R.
 * Over the ellipsoid M runs from a(1 − e²) = 6,335,439.33 m (equator) to a²/b = 6,399,593.63 m
 * (poles) and N from a (equator) to a²/b, so every curve's length changes by a factor within
 * [6,335,439.33 / R, 6,399,593.63 / R]. A distance is the length of the shortest curve, hence
 *
 *     0.9944184 × spherical ≤ geodesic ≤ 1.0044881 × spherical     (R = 6,371,000 m)
 *
 * for every pair of points, at any distance, across the antimeridian and at the poles (the map is
 * smooth there too). Short north–south hops at the equator reach the lower factor, short hops near
 * a pole the upper one. The constants below round these outwards (MIN_SCALE by 8 × 10⁻⁶, MAX_SCALE
 * by 2 × 10⁻⁶), and {@link SLACK_M} covers floating-point error in the haversine, which is largest
 * near antipodal points (about 0.1 m there, where the rounding of the factors already gives 40 m).
 */
import type { Point } from '../geodesy/distance.js';

/** Radius of the search sphere, in metres: geokdbush's 6,371 km, so its ordering is on the same sphere. */
export const SPHERE_RADIUS_M = 6_371_000;
/** geodesic ≥ MIN_SCALE × spherical − SLACK_M (see the module comment). */
export const MIN_SCALE = 0.99441;
/** geodesic ≤ MAX_SCALE × spherical + SLACK_M (see the module comment). */
export const MAX_SCALE = 1.00449;
/** Absolute allowance for floating-point error in a spherical distance, in metres. */
export const SLACK_M = 1;

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;

/** The least geodesic distance, in metres, of two points `sphericalM` apart on the search sphere. */
export const geodesicAtLeast = (sphericalM: number): number => MIN_SCALE * sphericalM - SLACK_M;

/** The greatest geodesic distance, in metres, of two points `sphericalM` apart on the search sphere. */
export const geodesicAtMost = (sphericalM: number): number => MAX_SCALE * sphericalM + SLACK_M;

/** The spherical distance, in metres, within which every point at most `geodesicM` away on the ellipsoid lies. */
export const sphericalReach = (geodesicM: number): number => (geodesicM + SLACK_M) / MIN_SCALE;

/**
 * Great-circle distances on the search sphere from one origin, in metres. A function per origin,
 * so the origin's trigonometry is done once per search instead of once per candidate.
 */
export function sphericalDistanceFrom(origin: Point): (latitude: number, longitude: number) => number {
  const φ0 = origin.latitude * RAD;
  const cosφ0 = Math.cos(φ0);
  const λ0 = origin.longitude * RAD;
  return (latitude, longitude) => {
    const φ = latitude * RAD;
    const sinHalfΔφ = Math.sin((φ - φ0) / 2);
    const sinHalfΔλ = Math.sin((longitude * RAD - λ0) / 2);
    const h = sinHalfΔφ * sinHalfΔφ + cosφ0 * Math.cos(φ) * sinHalfΔλ * sinHalfΔλ;
    return 2 * SPHERE_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
  };
}

/** A longitude–latitude box in degrees, as kdbush's `range` takes it: west, south, east, north (inclusive). */
export type Box = readonly [minLongitude: number, minLatitude: number, maxLongitude: number, maxLatitude: number];

/** Widening of every box edge, in degrees (about 0.1 mm): keeps rounding in the trigonometry from shaving off a point on an edge. */
const BOX_MARGIN_DEG = 1e-9;
const WORLD: Box = [-180, -90, 180, 90];

/**
 * Boxes that together cover every point within `sphericalM` metres of `origin` on the search
 * sphere: one box, or two when the cap crosses the antimeridian (one on each side of it), or the
 * full longitude range when it contains a pole. Latitudes and longitudes of `origin` must be in
 * [-90, 90] and [-180, 180].
 *
 * The longitude half-width is asin(sin δ / cos φ₀), where δ is the cap's angular radius: the
 * longitude of the point where a meridian touches the cap (the cap's widest extent in longitude
 * lies there, not on the origin's parallel).
 */
export function capBoxes(origin: Point, sphericalM: number): readonly Box[] {
  const δ = sphericalM / SPHERE_RADIUS_M;
  const φ0 = origin.latitude * RAD;
  const south = φ0 - δ;
  const north = φ0 + δ;
  if (δ >= Math.PI) return [WORLD];
  const minLatitude = Math.max(-90, south * DEG - BOX_MARGIN_DEG);
  const maxLatitude = Math.min(90, north * DEG + BOX_MARGIN_DEG);
  // A cap that reaches a pole holds every longitude near it.
  if (north >= Math.PI / 2 || south <= -Math.PI / 2) return [[-180, minLatitude, 180, maxLatitude]];
  const ratio = Math.sin(δ) / Math.cos(φ0);
  if (ratio >= 1) return [[-180, minLatitude, 180, maxLatitude]];
  const halfWidth = Math.asin(ratio) * DEG + BOX_MARGIN_DEG; // below 90°, so two split boxes never overlap
  const west = origin.longitude - halfWidth;
  const east = origin.longitude + halfWidth;
  if (west < -180) return [[west + 360, minLatitude, 180, maxLatitude], [-180, minLatitude, east, maxLatitude]];
  if (east > 180) return [[west, minLatitude, 180, maxLatitude], [-180, minLatitude, east - 360, maxLatitude]];
  return [[west, minLatitude, east, maxLatitude]];
}
