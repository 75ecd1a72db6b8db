import { describe, expect, it } from 'vitest';
import { geodesicMeasure } from '../../src/geodesy/distance.js';
import {
  fromMeters,
  MAX_SEARCH_RADIUS_M,
  pageSize,
  searchCountries,
  searchPoint,
  searchRadiusMeters,
  toMeters,
  type DistanceUnit,
} from '../../src/spatial/arguments.js';

/** An `AppError('BAD_USER_INPUT')` with exactly this message, or one matching this pattern. */
const badInput = (message: string | RegExp) =>
  expect.objectContaining({ name: 'AppError', code: 'BAD_USER_INPUT', message: typeof message === 'string' ? message : expect.stringMatching(message) });

describe('units', () => {
  it('converts to and from metres: a mile is 1,609.344 m, a nautical mile 1,852 m', () => {
    expect(toMeters(2, 'METERS')).toBe(2);
    expect(toMeters(2, 'KILOMETERS')).toBe(2000);
    expect(toMeters(2, 'MILES')).toBe(3218.688);
    expect(toMeters(2, 'NAUTICAL_MILES')).toBe(3704);
    expect(fromMeters(3218.688, 'MILES')).toBe(2);
    expect(fromMeters(3704, 'NAUTICAL_MILES')).toBe(2);
    expect(fromMeters(2500, 'KILOMETERS')).toBe(2.5);
  });
});

describe('search radius (`radius`, `within`)', () => {
  it('is at least the longest geodesic (pole to pole, half a meridian), by less than a metre', () => {
    for (const [from, to] of [
      [{ latitude: 90, longitude: 0 }, { latitude: -90, longitude: 0 }],
      [{ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 }],
      [{ latitude: 45, longitude: 10 }, { latitude: -45, longitude: -170 }],
    ] as const) {
      const meters = geodesicMeasure(from, to).meters;
      expect(MAX_SEARCH_RADIUS_M - meters).toBeGreaterThan(0);
      expect(MAX_SEARCH_RADIUS_M - meters).toBeLessThan(1);
    }
  });

  it('accepts any distance above zero up to that, in every unit, and returns it in metres', () => {
    expect(searchRadiusMeters('radius', 25, 'MILES')).toBe(40_233.6);
    expect(searchRadiusMeters('radius', 0.001, 'METERS')).toBe(0.001);
    expect(searchRadiusMeters('within', 20_003.93, 'KILOMETERS')).toBe(20_003_930);
    expect(searchRadiusMeters('within', MAX_SEARCH_RADIUS_M, 'METERS')).toBe(MAX_SEARCH_RADIUS_M);
    expect(searchRadiusMeters('radius', 12_429.86, 'MILES')).toBe(12_429.86 * 1609.344);
    expect(searchRadiusMeters('radius', 10_801.25, 'NAUTICAL_MILES')).toBe(10_801.25 * 1852);
  });

  it('refuses zero, negative, infinite and NaN distances, naming the argument', () => {
    for (const value of [0, -0, -1, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(() => searchRadiusMeters('radius', value, 'KILOMETERS')).toThrow(badInput(/^`radius` must be a distance above zero, got/));
      expect(() => searchRadiusMeters('within', value, 'MILES')).toThrow(badInput(/^`within` must be a distance above zero/));
    }
  });

  it('refuses more than half the Earth\'s circumference, stating the limit in the unit used', () => {
    const cases: [number, DistanceUnit, string][] = [
      [20_003.94, 'KILOMETERS', '20,003.93 KILOMETERS'],
      [20_003_932.01, 'METERS', '20,003,932 METERS'],
      [12_429.87, 'MILES', '12,429.86 MILES'],
      [10_801.26, 'NAUTICAL_MILES', '10,801.25 NAUTICAL_MILES'],
    ];
    for (const [value, unit, limit] of cases) {
      expect(() => searchRadiusMeters('radius', value, unit)).toThrow(
        badInput(`\`radius\` must be at most ${limit} (half the Earth's circumference, 20,003.93 km), got ${value} ${unit}.`),
      );
    }
  });
});

describe('search point', () => {
  it('accepts latitudes in [-90, 90] and longitudes in [-180, 180], edges included', () => {
    expect(searchPoint(90, 180)).toEqual({ latitude: 90, longitude: 180 });
    expect(searchPoint(-90, -180)).toEqual({ latitude: -90, longitude: -180 });
    expect(Object.is(searchPoint(-0, -0).longitude, 0)).toBe(true);
  });

  it('refuses anything else, naming the argument', () => {
    for (const latitude of [90.000001, -91, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => searchPoint(latitude, 0)).toThrow(badInput(`\`latitude\` must be in degrees from -90 to 90, got ${latitude}.`));
    }
    for (const longitude of [180.5, -181, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(() => searchPoint(0, longitude)).toThrow(badInput(`\`longitude\` must be in degrees from -180 to 180, got ${longitude}.`));
    }
  });
});

describe('page size (`first`)', () => {
  it('accepts integers from 1 to the maximum', () => {
    expect(pageSize(1, 1000)).toBe(1);
    expect(pageSize(1000, 1000)).toBe(1000);
    expect(pageSize(5000, 5000)).toBe(5000);
  });

  it('refuses anything else, naming the argument and the range', () => {
    for (const first of [0, -1, 1001, 2.5, Number.NaN]) {
      expect(() => pageSize(first, 1000)).toThrow(badInput(`\`first\` must be an integer from 1 to 1,000, got ${first}.`));
    }
    expect(() => pageSize(51, 50)).toThrow(badInput('`first` must be an integer from 1 to 50, got 51.'));
  });
});

describe('countries (`countryCodes`)', () => {
  it('is every country when absent', () => {
    expect(searchCountries(undefined)).toBeUndefined();
    expect(searchCountries(null)).toBeUndefined();
  });

  it('normalizes, sorts and deduplicates the codes given', () => {
    expect(searchCountries(['us', ' CA ', 'US', 'de'])).toEqual(['CA', 'DE', 'US']);
  });

  it('refuses an empty list and a code that is not a country, naming the argument', () => {
    expect(() => searchCountries([])).toThrow(badInput(/^`countryCodes` is empty: name at least one country, or omit it/));
    expect(() => searchCountries(['US', 'UK'])).toThrow(badInput(/^`countryCodes`: Country code "UK" is not an ISO 3166-1 alpha-2 country code .* \(the United Kingdom is GB\)\.$/));
  });
});
