/** Spatial search arguments. Pure; each refusal is `AppError('BAD_USER_INPUT')` naming the argument, rule and value. */
import { AppError, isAppError } from '../errors.js';
import { METERS_PER_MILE, METERS_PER_NAUTICAL_MILE, type Point } from '../geodesy/distance.js';
import { normalizeCountryCode } from '../postal/postal-code.js';

export type DistanceUnit = 'METERS' | 'KILOMETERS' | 'MILES' | 'NAUTICAL_MILES';

/** Metres per unit: a statute mile is 1,609.344 m, an international nautical mile 1,852 m. */
export const METERS_PER_UNIT: Readonly<Record<DistanceUnit, number>> = {
  METERS: 1,
  KILOMETERS: 1000,
  MILES: METERS_PER_MILE,
  NAUTICAL_MILES: METERS_PER_NAUTICAL_MILE,
};

/** Half a meridian (20,003,931.4586 m, the longest geodesic) rounded up: at the maximum, every antipode is reached. */
export const MAX_SEARCH_RADIUS_M = 20_003_932;

export const toMeters = (value: number, unit: DistanceUnit): number => value * METERS_PER_UNIT[unit];

export const fromMeters = (meters: number, unit: DistanceUnit): number => meters / METERS_PER_UNIT[unit];

/** A search radius in metres: finite, above zero, at most {@link MAX_SEARCH_RADIUS_M} once converted. */
export function searchRadiusMeters(argument: 'radius' | 'within', value: number, unit: DistanceUnit): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new AppError('BAD_USER_INPUT', `\`${argument}\` must be a distance above zero, got ${value} ${unit}.`);
  }
  const meters = toMeters(value, unit);
  if (meters > MAX_SEARCH_RADIUS_M) {
    const most = Math.floor(fromMeters(MAX_SEARCH_RADIUS_M, unit) * 100) / 100;
    throw new AppError(
      'BAD_USER_INPUT',
      `\`${argument}\` must be at most ${most.toLocaleString('en-US')} ${unit} (half the Earth's circumference, 20,003.93 km), got ${value} ${unit}.`,
    );
  }
  return meters;
}

/** A point given as `latitude` (degrees in [-90, 90]) and `longitude` (degrees in [-180, 180]). */
export function searchPoint(latitude: number, longitude: number): Point {
  if (!(Math.abs(latitude) <= 90)) {
    throw new AppError('BAD_USER_INPUT', `\`latitude\` must be in degrees from -90 to 90, got ${latitude}.`);
  }
  if (!(Math.abs(longitude) <= 180)) {
    throw new AppError('BAD_USER_INPUT', `\`longitude\` must be in degrees from -180 to 180, got ${longitude}.`);
  }
  return { latitude: latitude + 0, longitude: longitude + 0 }; // `+ 0` turns -0 into 0: one search, one cursor tag
}

/** A page size `first`: an integer from 1 to `max`. */
export function pageSize(first: number, max: number): number {
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new AppError('BAD_USER_INPUT', `\`first\` must be an integer from 1 to ${max.toLocaleString('en-US')}, got ${first}.`);
  }
  return first;
}

/**
 * `countryCodes` as canonical ISO 3166-1 alpha-2 codes, sorted, without repeats; undefined (every
 * country) when absent. An empty list is refused: read as "no country" it would find nothing.
 */
export function searchCountries(countryCodes: readonly string[] | null | undefined): readonly string[] | undefined {
  if (countryCodes === null || countryCodes === undefined) return undefined;
  if (countryCodes.length === 0) {
    throw new AppError('BAD_USER_INPUT', '`countryCodes` is empty: name at least one country, or omit it to search every country.');
  }
  const canonical = countryCodes.map((code) => {
    try {
      return normalizeCountryCode(code);
    } catch (error) {
      throw isAppError(error) ? new AppError(error.code, `\`countryCodes\`: ${error.message}`) : error;
    }
  });
  return [...new Set(canonical)].sort();
}
