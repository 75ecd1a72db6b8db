/**
 * The sphere the candidate search runs on, and how far its distances can stray from the WGS-84
 * geodesic, pure: for every pair of points, MIN_SCALE × spherical − SLACK_M ≤ geodesic ≤ MAX_SCALE ×
 * spherical + SLACK_M. The proof, and why a search can then be exact: docs/spatial.md.
 */
import type { Point } from '../geodesy/distance.js';

/** Radius of the search sphere, in metres: geokdbush's 6,371 km, so its ordering is on the same sphere. */
export const SPHERE_RADIUS_M = 6_371_000;
/** a(1 − e²) / R, the least stretch from sphere to ellipsoid, rounded down. */
export const MIN_SCALE = 0.99441;
/** (a² / b) / R, the greatest stretch from sphere to ellipsoid, rounded up. */
export const MAX_SCALE = 1.00449;
/** Allowance for floating-point error in a spherical distance, in metres. */
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
  readonly distance: (latitude: number, longitude: number) => number;
  readonly boxDistances: (west: number, south: number, east: number, north: number) => readonly [least: number, greatest: number];
}

export const sphericalOrigin = (point: Point): SphericalOrigin => ({
  point,
  distance: sphericalDistanceFrom(point),
  boxDistances: boxDistancesFrom(point),
});

/** Great-circle distances on the search sphere from one origin, in metres; the origin's trigonometry done once. */
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
 * The least and greatest great-circle distance, in metres, from `origin` to any point of a box
 * (degrees; west ≤ east, no wrapping), exact (docs/spatial.md) and widened by {@link SLACK_M} each
 * way, which also covers the arc cosine's error near 0 and π.
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
    // When the antimeridian is ±180°, an edge at ±180° is 180° away: the edges cover that case.
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

// The cosine of the angle from the origin at latitude φ (radians), for a = cos φ₀ · cos Δλ and b = sin φ₀.
const cosineAt = (b: number, a: number, φ: number): number => a * Math.cos(φ) + b * Math.sin(φ);

const arcMeters = (cosine: number): number => SPHERE_RADIUS_M * Math.acos(Math.max(-1, Math.min(1, cosine)));

/** Degrees between two longitudes, the short way round: [0, 180]. */
const circleDistance = (a: number, b: number): number => {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
};
