import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { normalizeCountryCode, normalizeDataPostalCode, normalizePostalCode, toPostalKey } from '../../src/geocoding/postal-code.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
};

describe('country codes', () => {
  it('accepts ISO 3166-1 alpha-2 codes in any case and upper-cases them', () => {
    expect(normalizeCountryCode(' us ')).toBe('US');
    expect(normalizeCountryCode('de')).toBe('DE');
    expect(normalizeCountryCode('XK')).toBe('XK'); // Kosovo: user-assigned, but GeoNames uses it
  });

  it.each(['XX', 'ZZ', 'EU', 'UN', 'UK', 'USA', 'U', '', '12'])('rejects %j with BAD_USER_INPUT', (input) => {
    expect(codeOf(() => normalizeCountryCode(input))).toBe('BAD_USER_INPUT');
  });

  it('points a caller who wrote UK at GB', () => {
    expect(() => normalizeCountryCode('UK')).toThrow(/United Kingdom is GB/);
  });
});

describe('postal codes', () => {
  it.each([
    ['US', '90210', '90210'],
    ['US', ' 90210 ', '90210'],
    ['US', '90210-1234', '90210'],
    ['US', '902101234', '90210'],
    ['CA', 'k1a 0b1', 'K1A'],
    ['CA', 'K1A', 'K1A'],
    ['GB', 'sw1a 1aa', 'SW1A'],
    ['GB', 'M1 1AE', 'M1'],
    ['IE', 'D02 X285', 'D02'],
    ['NL', '1012 AB', '1012'],
    ['MT', 'VLT 1117', 'VLT'],
    ['JP', '100-0001', '100-0001'],
    ['BR', '01310  100', '01310 100'],
  ])('%s %j becomes %j', (country, input, expected) => {
    expect(normalizePostalCode(country, input)).toBe(expected);
  });

  it.each([
    ['US', ''],
    ['US', '   '],
    ['US', 'abc'],
    ['US', '9021'],
    ['US', '90210-12'],
    ['CA', '123'],
    ['DE', '1234'],
    ['JP', '100_0001'],
    ['JP', '-100'],
    ['BR', 'x'.repeat(21)],
    ['US', '9'.repeat(10_000)],
  ])('%s %j is rejected with BAD_USER_INPUT', (country, input) => {
    expect(codeOf(() => normalizePostalCode(country, input))).toBe('BAD_USER_INPUT');
  });

  it('never echoes a long input back in full', () => {
    try {
      normalizePostalCode('US', '9'.repeat(10_000));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(200);
    }
  });

  it('normalizes a code and its country together', () => {
    expect(toPostalKey('k1a 0b1', 'ca')).toEqual({ countryCode: 'CA', postalCode: 'K1A' });
  });
});

describe('normalizeDataPostalCode (the GeoNames loader\'s fast path)', () => {
  /** The value, or the error code, of one normalization. */
  const outcome = (fn: () => string): string => {
    try {
      return `value ${fn()}`;
    } catch (error) {
      return `error ${error instanceof AppError ? error.code : 'not an AppError'}`;
    }
  };
  const inputs = [
    '90210', '90210-1234', ' 90210', 'k1a 0b1', 'K1A', 'SW1A', 'sw1a 1aa', 'D02', 'VLT', '1012', '1012 AB', '10115',
    '100-0001', '1000-001', '00-001', '100 00', '100  00', 'LV-1001', 'AZ 1000', 'A', '1', 'AB-', '-AB', ' AB', 'AB ',
    'A--B', 'A -B', 'ab12', 'Äb12', 'AB\u00a012', 'AB\t12', '', ' ', '-', '12345678901234567890', '123456789012345678901',
  ];
  const countries = ['US', 'CA', 'GB', 'IE', 'MT', 'NL', 'DE', 'FR', 'JP', 'PT', 'PL', 'CZ', 'LV', 'BR'];

  it('gives exactly what normalizePostalCode gives, value or error, for rule and no-rule countries', () => {
    for (const country of countries) {
      for (const input of inputs) {
        expect(outcome(() => normalizeDataPostalCode(country, input)), `${country} ${JSON.stringify(input)}`).toBe(
          outcome(() => normalizePostalCode(country, input)),
        );
      }
    }
  });
});
