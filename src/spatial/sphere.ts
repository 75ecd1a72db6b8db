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

/** The least geodesic distance, in metres, of two points `sphericalM` apart on the search sphere. */
export const geodesicAtLeast = (sphericalM: number): number => MIN_SCALE * sphericalM - SLACK_M;

/** The greatest geodesic distance, in metres, of two points `sphericalM` apart on the search sphere. */
export const geodesicAtMost = (sphericalM: number): number => MAX_SCALE * sphericalM + SLACK_M;

/** The spherical distance, in metres, within which every point at most `geodesicM` away on the ellipsoid lies. */
export const sphericalReach = (geodesicM: number): number => (geodesicM + SLACK_M) / MIN_SCALE;

/** Distances on the search sphere from one origin, prepared once per search. */
export interface SphericalOrigin {
  readonly point: Point;
  /** See {@link sphericalDistanceFrom}. */
  readonly distance: (latitude: number, longitude: number) => number;
  /** See {@link boxDistancesFrom}. */
  readonly boxDistances: (west: number, south: number, east: number, north: number) => readonly [least: number, greatest: number];
}

export const sphericalOrigin = (point: Point): SphericalOrigin => ({
  point,
  distance: sphericalDistanceFrom(point),
  boxDistances: boxDistancesFrom(point),
});

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

/**
 * The least and greatest great-circle distance on the search sphere from `origin` to any point of a
 * longitude–latitude box (degrees; west ≤ east, no wrapping), in metres, widened by
 * {@link SLACK_M} each way: a lower and an upper bound for every point in the box. (They come from
 * an arc cosine, which is off by up to about 0.2 m near 0 and π; the widening covers that.)
 *
 * Exact, not estimated. With c = cos Δλ, the cosine of the angle from the origin is
 * sin φ₀ sin φ + cos φ₀ cos φ · c. Since cos φ₀ cos φ ≥ 0, the nearest point of the box has the
 * longitude that maximizes c (the origin's, if inside the box, else the nearer edge on the circle)
 * and the farthest the one that minimizes it (the origin's antimeridian, if inside, else the
 * farther edge), whatever the latitude. For that c, the cosine is a sinusoid in φ, so its extreme
 * over [south, north] is at the crest (or trough) when that lies inside, else at an edge.
 * Longitudes wrap, so a box just across the antimeridian from the origin is near it, and at a
 * pole every longitude is the same point (cos φ₀ = 0 there).
 */
export function boxDistancesFrom(origin: Point): (west: number, south: number, east: number, north: number) => readonly [least: number, greatest: number] {
  const sinφ0 = Math.sin(origin.latitude * RAD);
  const cosφ0 = Math.cos(origin.latitude * RAD);
  const λ0 = origin.longitude;
  return (west, south, east, north) => {
    const φs = south * RAD;
    const φn = north * RAD;
    const toWest = circleDistance(λ0, west);
    const toEast = circleDistance(λ0, east);
    const nearC = west <= λ0 && λ0 <= east ? 1 : Math.cos(Math.min(toWest, toEast) * RAD);
    // (When the antimeridian is ±180°, an edge at ±180° is 180° away, so the edges cover that case.)
    const antimeridian = λ0 > 0 ? λ0 - 180 : λ0 + 180;
    const farC = west <= antimeridian && antimeridian <= east ? -1 : Math.cos(Math.max(toWest, toEast) * RAD);
    // cos(angle) at latitude φ, for a given c, is a·cos φ + b·sin φ (a = cos φ₀ · c, b = sin φ₀), with crest at atan2(b, a).
    const crest = Math.atan2(sinφ0, cosφ0 * nearC);
    const highest =
      φs <= crest && crest <= φn
        ? Math.hypot(sinφ0, cosφ0 * nearC)
        : Math.max(cosineAt(sinφ0, cosφ0 * nearC, φs), cosineAt(sinφ0, cosφ0 * nearC, φn));
    const trough = Math.atan2(-sinφ0, -cosφ0 * farC);
    const lowest =
      φs <= trough && trough <= φn
        ? -Math.hypot(sinφ0, cosφ0 * farC)
        : Math.min(cosineAt(sinφ0, cosφ0 * farC, φs), cosineAt(sinφ0, cosφ0 * farC, φn));
    return [Math.max(0, arcMeters(highest) - SLACK_M), arcMeters(lowest) + SLACK_M];
  };
}

// Private: the cosine of the angle from the origin at latitude φ (radians), for a = cos φ₀ · cos Δλ and b = sin φ₀.
const cosineAt = (b: number, a: number, φ: number): number => a * Math.cos(φ) + b * Math.sin(φ);

// Private: the arc on the search sphere, in metres, whose angle has this cosine.
const arcMeters = (cosine: number): number => SPHERE_RADIUS_M * Math.acos(Math.max(-1, Math.min(1, cosine)));

/** Degrees between two longitudes, the short way round: [0, 180]. */
const circleDistance = (a: number, b: number): number => {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
};
