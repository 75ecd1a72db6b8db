import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import {
  answeredPostalCode,
  normalizeCountryCode,
  normalizeDataPostalCode,
  normalizePostalCode,
  postalCodePrefix,
  toPostalKey,
} from '../../src/postal/postal-code.js';
import { countriesWithFormats, postalFormatOf } from '../../src/postal/postal-formats.js';

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

  it.each(['XX', 'ZZ', 'EU', 'UN', 'UK', 'USA', 'U', '', '12', 'AC', 'IC'])('rejects %j with BAD_USER_INPUT', (input) => {
    expect(codeOf(() => normalizeCountryCode(input))).toBe('BAD_USER_INPUT');
  });

  it('points a caller who wrote UK at GB', () => {
    expect(() => normalizeCountryCode('UK')).toThrow(/United Kingdom is GB/);
  });

  it.each([
    ['YU', /withdrawn from ISO 3166-1: it was Yugoslavia, now BA, HR, ME, MK, RS and SI/],
    ['SU', /withdrawn from ISO 3166-1: it was the USSR/],
    ['DD', /withdrawn from ISO 3166-1: it was the German Democratic Republic: use DE \(Germany\)/],
    ['cs', /withdrawn from ISO 3166-1: it was Serbia and Montenegro/],
    ['AN', /withdrawn from ISO 3166-1: it was the Netherlands Antilles, now CW/],
    ['ZR', /use CD/],
    ['TP', /use TL/],
    ['BU', /use MM/],
    ['YD', /use YE/],
  ])('refuses the withdrawn code %s, saying what replaced it', (input, message) => {
    expect(codeOf(() => normalizeCountryCode(input))).toBe('BAD_USER_INPUT');
    expect(() => normalizeCountryCode(input)).toThrow(message);
  });

  it.each([
    ['ıt', 'a dotless ı, which upper-cases to I'],
    ['uſ', 'a long ſ, which upper-cases to S'],
    ['ＵＳ', 'full-width letters'],
  ])('refuses %j (%s) instead of folding it into an ASCII code', (input) => {
    expect(codeOf(() => normalizeCountryCode(input))).toBe('BAD_USER_INPUT');
  });
});

describe('postal-code formats, from the libaddressinput metadata', () => {
  const countries = countriesWithFormats();

  it('has a format for the countries the metadata gives a pattern', () => {
    expect(countries).toHaveLength(178);
    expect(countries).toEqual(expect.arrayContaining(['US', 'CA', 'GB', 'NL', 'DE', 'FR', 'JP', 'BR', 'IE', 'MT', 'PL', 'SE']));
  });

  it('validates every example of every country and finds it canonical already', () => {
    for (const country of countries) {
      for (const example of postalFormatOf(country)!.examples) {
        expect(normalizePostalCode(country, example), `${country} ${example}`).toBe(example);
      }
    }
  });

  it('brings every example back to itself from lower case with its separators left out', () => {
    for (const country of countries) {
      for (const example of postalFormatOf(country)!.examples) {
        const squashed = example.replace(/[ -]/g, '').toLowerCase();
        expect(normalizePostalCode(country, squashed), `${country} ${squashed}`).toBe(example);
      }
    }
  });
});

describe('postal codes', () => {
  it.each([
    ['US', '90210', '90210'],
    ['US', ' 90210 ', '90210'],
    ['US', '90210-1234', '90210-1234'],
    ['US', '90210 1234', '90210-1234'],
    ['US', '902101234', '90210-1234'],
    ['GB', 'sw1a1aa', 'SW1A 1AA'],
    ['GB', 'sw1a 1aa', 'SW1A 1AA'],
    ['GB', 'SW1A-1AA', 'SW1A 1AA'],
    ['GB', 'SW1A  1AA', 'SW1A 1AA'],
    ['GB', 'M1 1AE', 'M1 1AE'],
    ['GB', 'gir0aa', 'GIR 0AA'],
    ['GB', 'sw1a', 'SW1A'],
    ['CA', 'k1a0b1', 'K1A 0B1'],
    ['CA', 'K1A', 'K1A'],
    ['NL', '1012ab', '1012 AB'],
    ['NL', '1012', '1012'],
    ['IE', 'd02x285', 'D02 X285'],
    ['IE', 'D02', 'D02'],
    ['MT', 'vlt1117', 'VLT 1117'],
    ['MT', 'VLT', 'VLT'],
    ['JP', '1000001', '100-0001'],
    ['PL', '00950', '00-950'],
    ['BR', '01310  100', '01310-100'],
    ['SE', '114 55', '11455'],
    ['CZ', '11000', '110 00'],
    ['LV', 'lv1073', 'LV-1073'],
    ['LT', 'LT-01100', '01100'], // written with the country's code, which the metadata's pattern leaves out
    ['MD', 'md-2001', '2001'],
    ['AZ', 'AZ 1000', '1000'],
    ['DE', 'DE-10115', '10115'],
    ['LU', 'L-1009', '1009'], // Luxembourg's codes keep the CEPT letter
    ['DE', '10115', '10115'],
    ['XK', '10000', '10000'], // no pattern for Kosovo: the generic check
    ['AE', 'abc 12', 'ABC 12'], // no postal codes in the metadata: the generic check
  ])('%s %j becomes %j', (country, input, expected) => {
    expect(normalizePostalCode(country, input)).toBe(expected);
  });

  it.each([
    ['US', ''],
    ['US', '   '],
    ['US', 'abc'],
    ['US', 'ABCDE'],
    ['US', '9021'],
    ['US', '90210-12'],
    ['US', '9021O'],
    ['CA', '123'],
    ['CA', 'D1A 0B1'], // no Canadian code starts with D
    ['DE', '1234'],
    ['GB', 'S W1A 1AA'],
    ['GB', 'SW1A 1AA X'],
    ['NL', '0123 AB'],
    ['JP', '100'], // Japan's codes have no first part used on its own
    ['LV', 'LV'],
    ['JP', '100_0001'],
    ['JP', '-100'],
    ['XK', 'x'.repeat(21)],
    ['US', '9'.repeat(10_000)],
  ])('%s %j is rejected with BAD_USER_INPUT', (country, input) => {
    expect(codeOf(() => normalizePostalCode(country, input))).toBe('BAD_USER_INPUT');
  });

  it('says which format it expected, from the examples', () => {
    expect(() => normalizePostalCode('DE', '1234x')).toThrow('Postal code "1234x" is not a valid DE postal code: expected a code such as 26133 or 53225.');
    expect(() => normalizePostalCode('US', 'ABCDE')).toThrow('Postal code "ABCDE" is not a valid US postal code: expected a code such as 95014 or 22162-1010.');
    expect(() => normalizePostalCode('GB', 'SW1A 1A')).toThrow(
      'Postal code "SW1A 1A" is not a valid GB postal code: expected a code such as EC1Y 8SY or GIR 0AA, or its outward code such as EC1Y.',
    );
    expect(() => normalizePostalCode('XK', 'A_B')).toThrow('Postal code "A_B" is not a valid XK postal code: expected 1 to 20 letters, digits, spaces or hyphens.');
  });

  it('never invents the leading zero a spreadsheet dropped, but suggests it', () => {
    expect(codeOf(() => normalizePostalCode('US', '2134'))).toBe('BAD_USER_INPUT');
    expect(() => normalizePostalCode('US', '2134')).toThrow(
      'Postal code "2134" is not a valid US postal code: expected a code such as 95014 or 22162-1010. Did you mean "02134"? (A spreadsheet may have dropped its leading zero.)',
    );
    expect(() => normalizePostalCode('US', '501')).toThrow('Did you mean "00501"?');
    expect(() => normalizePostalCode('DE', '1067')).toThrow('Did you mean "01067"?');
    expect(() => normalizePostalCode('US', '21')).not.toThrow(/Did you mean/);
  });

  it.each([
    ['US', 'straße'],
    ['GB', 'ſw1a 1aa'], // a long ſ upper-cases to S
    ['TR', 'ıstanbul'], // a dotless ı upper-cases to I
    ['XK', 'straße'], // no pattern: the generic check reads the raw input too
    ['XK', 'ab\u00a012'],
    ['US', '90210\u20131234'], // an en dash
    ['US', '９０２１０'], // full-width digits
  ])('%s %j: non-ASCII is refused before upper-casing could fold it into a code', (country, input) => {
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
    expect(toPostalKey('k1a 0b1', 'ca')).toEqual({ countryCode: 'CA', postalCode: 'K1A 0B1' });
  });
});

describe('first parts and answered codes', () => {
  it.each([
    ['GB', 'SW1A 1AA', 'SW1A'],
    ['CA', 'K1A 0B1', 'K1A'],
    ['NL', '1012 AB', '1012'],
    ['IE', 'D02 X285', 'D02'],
    ['MT', 'VLT 1117', 'VLT'],
    ['US', '90210-1234', '90210'],
    ['US', '90210', undefined],
    ['GB', 'SW1A', undefined],
    ['JP', '100-0001', undefined], // no first part used on its own
    ['PL', '00-950', undefined],
  ])('%s %s has the first part %s', (countryCode, postalCode, prefix) => {
    expect(postalCodePrefix({ countryCode, postalCode })).toBe(prefix);
  });

  it('reads a provider\'s answer as the code asked, its first part, or neither', () => {
    const key = { countryCode: 'GB', postalCode: 'SW1A 1AA' };
    expect(answeredPostalCode(key, 'sw1a1aa')).toBe('SW1A 1AA');
    expect(answeredPostalCode(key, 'SW1A')).toBe('SW1A');
    expect(answeredPostalCode(key, 'SW1A 2AA')).toBeUndefined();
    expect(answeredPostalCode(key, 'SW1')).toBeUndefined();
    expect(answeredPostalCode(key, 'not a code')).toBeUndefined();
    // A first part asked is not answered by a full code inside it: that is one point of the area, not the area.
    expect(answeredPostalCode({ countryCode: 'CA', postalCode: 'K1A' }, 'K1A 0B1')).toBeUndefined();
    expect(answeredPostalCode({ countryCode: 'US', postalCode: '90210-1234' }, '90210')).toBe('90210');
  });
});

describe('normalizeDataPostalCode (the GeoNames loader\'s fast path)', () => {
  /** The value of one normalization, or that it refused the code. */
  const outcome = (fn: () => string | undefined): string => {
    try {
      const value = fn();
      return value === undefined ? 'refused' : `value ${value}`;
    } catch (error) {
      return error instanceof AppError && error.code === 'BAD_USER_INPUT' ? 'refused' : 'not a BAD_USER_INPUT';
    }
  };
  const inputs = [
    '90210', '90210-1234', ' 90210', 'k1a 0b1', 'K1A', 'SW1A', 'sw1a 1aa', 'D02', 'VLT', '1012', '1012 AB', '10115',
    '100-0001', '1000-001', '00-001', '100 00', '100  00', 'LV-1001', 'AZ 1000', 'A', '1', 'AB-', '-AB', ' AB', 'AB ',
    'A--B', 'A -B', 'ab12', 'Äb12', 'AB\u00a012', 'AB\t12', '', ' ', '-', '12345678901234567890', '123456789012345678901',
    'SW1A 1AA', 'SW1A1AA', 'K1A 0B1', 'D02 X285', 'VLT 1117', '2134', '00-950', '00950', '114 55', '11455', '110 00', 'LV-1073',
    'LT-01100', 'L-1009', 'MD-2001',
  ];
  const countries = ['US', 'CA', 'GB', 'IE', 'MT', 'NL', 'DE', 'FR', 'JP', 'PT', 'PL', 'CZ', 'LV', 'BR', 'SE', 'LT', 'LU', 'MD', 'AZ', 'XK', 'AE'];

  it('gives exactly what normalizePostalCode gives, or undefined where it throws, for countries with and without a format', () => {
    for (const country of countries) {
      for (const input of inputs) {
        expect(outcome(() => normalizeDataPostalCode(country, input)), `${country} ${JSON.stringify(input)}`).toBe(
          outcome(() => normalizePostalCode(country, input)),
        );
      }
    }
  });
});
