/**
 * Postal-code and country normalization: pure functions, run before any geocoder is asked,
 * so a malformed code costs nothing and every provider sees the same canonical key.
 */
import { AppError, quoteInput } from '../errors.js';

/** A postal code in canonical form, with its country: the key of a `Location`. */
export interface PostalKey {
  /** ISO 3166-1 alpha-2, upper case. */
  readonly countryCode: string;
  /** Canonical postal code (see {@link normalizePostalCode}). */
  readonly postalCode: string;
}

/** One string per key, for maps and caches. Country codes are always two letters, so no separator is needed. */
export const keyId = (key: PostalKey): string => key.countryCode + key.postalCode;

/** The longest postal code GeoNames stores (its column holds at most 20 characters). */
const MAX_POSTAL_CODE_LENGTH = 20;

interface CountryRule {
  /** Matches the cleaned code; group 1 is the canonical part the data is keyed by. */
  readonly pattern: RegExp;
  /** Shown to the user when the code does not match. */
  readonly expected: string;
}

/**
 * Countries whose format is known and matters: either it lets us reject typos early,
 * or GeoNames keys the country by a prefix (CA, GB, IE, MT, NL) so a full code must be cut to it.
 * Any other country gets the generic rule.
 */
const COUNTRY_RULES: Readonly<Record<string, CountryRule>> = {
  US: { pattern: /^(\d{5})(?:-?\d{4})?$/, expected: 'five digits, or ZIP+4 such as 90210-1234' },
  CA: { pattern: /^([A-Z]\d[A-Z])(?:\d[A-Z]\d)?$/, expected: 'a code such as K1A 0B1, or its first three characters' },
  GB: { pattern: /^([A-Z]{1,2}\d[A-Z\d]?)(?:\d[A-Z]{2})?$/, expected: 'a postcode such as SW1A 1AA, or its outward code SW1A' },
  IE: { pattern: /^([AC-FHKNPRTV-Y]\d{2}|D6W)(?:[0-9AC-FHKNPRTV-Y]{4})?$/, expected: 'an Eircode such as D02 X285, or its routing key D02' },
  MT: { pattern: /^([A-Z]{3})(?:\d{2,4})?$/, expected: 'a code such as VLT 1117, or its three letters' },
  NL: { pattern: /^(\d{4})(?:[A-Z]{2})?$/, expected: 'a code such as 1012 AB, or its four digits' },
  DE: { pattern: /^(\d{5})$/, expected: 'five digits' },
  FR: { pattern: /^(\d{5})$/, expected: 'five digits' },
};

/** Countries whose rule drops inner spaces (their codes are written with one, but keyed by the part before it). */
const GENERIC_PATTERN = /^([A-Z0-9](?:[A-Z0-9 -]*[A-Z0-9])?)$/;

/**
 * Two-letter codes that `Intl.DisplayNames` names but that are not ISO 3166-1 countries
 * (unions, exceptional reservations, private-use codes). XK (Kosovo) is kept: GeoNames uses it.
 */
const NOT_COUNTRIES = new Set(['AC', 'CP', 'CQ', 'DG', 'EA', 'EU', 'EZ', 'IC', 'QO', 'TA', 'UK', 'UN', 'XA', 'XB', 'ZZ']);
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * Whether each two-letter code asked about so far is a country. `Intl.DisplayNames.of` costs about
 * 2 µs and every lookup asks it (200 times for 100 pairs), so each answer is kept: at most 26² entries.
 */
const countryKnown = new Map<string, boolean>();
function isCountry(code: string): boolean {
  let known = countryKnown.get(code);
  if (known === undefined) {
    known = !NOT_COUNTRIES.has(code) && regionNames.of(code) !== undefined;
    countryKnown.set(code, known);
  }
  return known;
}

/** Validates and upper-cases an ISO 3166-1 alpha-2 country code. Throws `BAD_USER_INPUT`. */
export function normalizeCountryCode(input: string): string {
  // Nearly every input is already canonical ("US"): once known to be a country, it needs no cleaning.
  if (countryKnown.get(input) === true) return input;
  const code = input.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || !isCountry(code)) {
    const hint = code === 'UK' ? ' (the United Kingdom is GB)' : '';
    throw new AppError(
      'BAD_USER_INPUT',
      `Country code ${quoteInput(input)} is not an ISO 3166-1 alpha-2 country code such as US, CA or DE${hint}.`,
    );
  }
  return code;
}

/**
 * Brings a postal code to the canonical form its country's data is keyed by:
 * trimmed, upper case, and cut to the part the data carries (see {@link COUNTRY_RULES}).
 * Throws `BAD_USER_INPUT` for a code that cannot be a postal code of that country.
 */
export function normalizePostalCode(countryCode: string, input: string): string {
  const upper = input.trim().toUpperCase();
  const rule = COUNTRY_RULES[countryCode];
  if (upper.length === 0 || upper.length > MAX_POSTAL_CODE_LENGTH + 5) {
    throw invalid(countryCode, input, rule?.expected ?? `1 to ${MAX_POSTAL_CODE_LENGTH} letters, digits, spaces or hyphens`);
  }
  if (rule) {
    const match = rule.pattern.exec(upper.replace(/\s+/g, ''));
    if (!match?.[1]) throw invalid(countryCode, input, rule.expected);
    return match[1];
  }
  const collapsed = upper.replace(/\s+/g, ' ');
  if (collapsed.length > MAX_POSTAL_CODE_LENGTH || !GENERIC_PATTERN.test(collapsed)) {
    throw invalid(countryCode, input, `1 to ${MAX_POSTAL_CODE_LENGTH} letters, digits, spaces or hyphens`);
  }
  return collapsed;
}

/**
 * {@link normalizePostalCode} for data files, whose codes are nearly always canonical already:
 * the same result (and the same errors), but a country without a rule of its own skips the
 * regular expressions when the code is already in its generic canonical form (1 to 20 of A–Z
 * and 0–9, with single spaces or hyphens only between them). Loading 1.5 million GeoNames rows
 * spends about 0.3 s in those expressions otherwise.
 */
export function normalizeDataPostalCode(countryCode: string, input: string): string {
  return COUNTRY_RULES[countryCode] === undefined && isGenericCanonical(input) ? input : normalizePostalCode(countryCode, input);
}

// Private: whether the generic rule returns `code` unchanged (trim, upper-case, collapse spaces, GENERIC_PATTERN).
function isGenericCanonical(code: string): boolean {
  const last = code.length - 1;
  if (last < 0 || last >= MAX_POSTAL_CODE_LENGTH) return false;
  for (let i = 0; i <= last; i++) {
    const c = code.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a)) continue; // 0-9, A-Z
    // A space or hyphen only inside, and never two spaces in a row (those would be collapsed).
    if (i === 0 || i === last) return false;
    if (c === 0x2d || (c === 0x20 && code.charCodeAt(i - 1) !== 0x20)) continue;
    return false;
  }
  return true;
}

/** Normalizes a code and its country together into a key. Throws `BAD_USER_INPUT`. */
export function toPostalKey(postalCode: string, countryCode: string): PostalKey {
  const country = normalizeCountryCode(countryCode);
  return { countryCode: country, postalCode: normalizePostalCode(country, postalCode) };
}

function invalid(countryCode: string, input: string, expected: string): AppError {
  return new AppError(
    'BAD_USER_INPUT',
    `Postal code ${quoteInput(input)} is not a valid ${countryCode} postal code: expected ${expected}.`,
  );
}

/**
 * Whether a code a provider answered with is the code of `key`, once both are canonical
 * (a provider may write a Canadian code in full, `K1A 0B1`, or a ZIP+4). False for anything
 * that is not a valid code of that country.
 */
export function isSamePostalCode(key: PostalKey, answered: string): boolean {
  try {
    return normalizePostalCode(key.countryCode, answered) === key.postalCode;
  } catch {
    return false;
  }
}
