/**
 * Postal-code and country normalization: pure functions, run before any geocoder is asked,
 * so a malformed code costs nothing and every provider sees the same canonical key.
 *
 * A code is validated against its country's format (postal-formats.ts: libaddressinput's
 * patterns) and written in that country's canonical form (`sw1a1aa` → `SW1A 1AA`). The raw input
 * is checked before it is upper-cased: `toUpperCase` folds non-ASCII letters into ASCII ones
 * (`ß` → `SS`, dotless `ı` → `I`), which would turn text that is no code into one.
 */
import { countryAlias, isCountryCode, withdrawnCountry } from '../geonames/country-codes.js';
import { AppError, quoteInput } from '../errors.js';
import { canonicalFrom, firstPartOf, isFirstPart, postalFormatOf, type PostalFormat } from './postal-formats.js';

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
const GENERIC_EXPECTED = `1 to ${MAX_POSTAL_CODE_LENGTH} letters, digits, spaces or hyphens`;

/** The generic rule, for countries the format source has no pattern for. */
const GENERIC_PATTERN = /^([A-Z0-9](?:[A-Z0-9 -]*[A-Z0-9])?)$/;
/** What a raw code may hold before it is upper-cased: ASCII letters and digits, spaces (or tabs) and hyphens. */
const RAW_CHARACTERS = /^[A-Za-z0-9 \t-]*$/;

/** Validates and upper-cases an ISO 3166-1 alpha-2 country code. Throws `BAD_USER_INPUT`. */
export function normalizeCountryCode(input: string): string {
  // Nearly every input is already canonical ("US"): one set lookup.
  if (isCountryCode(input)) return input;
  const trimmed = input.trim();
  // Checked before upper-casing, which folds non-ASCII letters into ASCII ones.
  const code = /^[A-Za-z]{2}$/.test(trimmed) ? trimmed.toUpperCase() : '';
  if (isCountryCode(code)) return code;
  const withdrawn = withdrawnCountry(code);
  if (withdrawn !== undefined) {
    throw new AppError('BAD_USER_INPUT', `Country code ${quoteInput(input)} was withdrawn from ISO 3166-1: it was ${withdrawn}.`);
  }
  const alias = countryAlias(code);
  const hint = alias ? ` (${alias.name} is ${alias.code})` : '';
  throw new AppError(
    'BAD_USER_INPUT',
    `Country code ${quoteInput(input)} is not an ISO 3166-1 alpha-2 country code such as US, CA or DE${hint}.`,
  );
}

/**
 * Brings a postal code to its country's canonical form: trimmed, upper case, with the separators
 * its country writes (`sw1a1aa` → `SW1A 1AA`, `k1a0b1` → `K1A 0B1`, `1012ab` → `1012 AB`,
 * `90210 1234` → `90210-1234`). In the countries whose codes have a first part used on its own
 * (a UK outward code `SW1A`, a Canadian forward sortation area `K1A`), that part alone is accepted
 * too; a code written with its country's prefix (`LT-01100`, `L-1009`) loses it. Countries without
 * a known format get a generic check (1 to 20 letters, digits, single spaces or hyphens). Throws
 * `BAD_USER_INPUT`, with the expected format, for a code that cannot exist in its country; never
 * pads or cuts a code (a US `2134` is refused, with `02134` suggested).
 */
export function normalizePostalCode(countryCode: string, input: string): string {
  const format = postalFormatOf(countryCode);
  const code = canonicalOf(countryCode, input, format);
  if (code === undefined) throw invalid(countryCode, input, format);
  return code;
}

/**
 * {@link normalizePostalCode} for data files, whose codes are nearly always canonical already:
 * the same canonical code, or `undefined` where it would throw (a GeoNames file holds a few codes
 * its country's format refuses, and an error's stack costs microseconds). A country without a
 * format skips the regular expressions when the code is already in its generic canonical form
 * (1 to 20 of A–Z and 0–9, with single spaces or hyphens only between them).
 */
export function normalizeDataPostalCode(countryCode: string, input: string): string | undefined {
  const format = postalFormatOf(countryCode);
  return format === undefined && isGenericCanonical(input) ? input : canonicalOf(countryCode, input, format);
}

/**
 * Prefixes a code may be written with besides its country's ISO code (which any code may carry:
 * Lithuania's `LT-01100`, Moldova's `MD-2001` and Azerbaijan's `AZ 1000` are written so, and the
 * metadata's patterns leave it out): Luxembourg's codes keep the CEPT country letter, `L-1009`.
 */
const OTHER_COUNTRY_PREFIXES: Readonly<Record<string, string>> = { LU: 'L' };

// Private: the canonical code, or undefined for one that cannot be a code of its country. Never throws.
function canonicalOf(countryCode: string, input: string, format: PostalFormat | undefined): string | undefined {
  if (input.length > MAX_POSTAL_CODE_LENGTH + 5) return undefined;
  // Nearly every input is canonical already: one regular expression, no string made.
  if (format?.canonical.test(input)) return input;
  const trimmed = input.trim();
  if (trimmed.length === 0 || !RAW_CHARACTERS.test(trimmed)) return undefined;
  // ASCII only from here, so upper-casing folds nothing.
  const upper = trimmed.toUpperCase().replace(/[ \t]+/g, ' ');
  if (!format) return upper.length <= MAX_POSTAL_CODE_LENGTH && GENERIC_PATTERN.test(upper) ? upper : undefined;
  const match = format.lenient.exec(upper);
  if (match) return canonicalFrom(format, upper, match);
  if (isFirstPart(format, upper)) return upper;
  for (const prefix of [countryCode, OTHER_COUNTRY_PREFIXES[countryCode]]) {
    const rest = prefix === undefined ? undefined : withoutPrefix(upper, prefix);
    const unprefixed = rest === undefined ? null : format.lenient.exec(rest);
    if (rest !== undefined && unprefixed) return canonicalFrom(format, rest, unprefixed);
  }
  return undefined;
}

// Private: `code` without a leading `prefix` and the space or hyphen after it, if it starts with it.
function withoutPrefix(code: string, prefix: string): string | undefined {
  if (!code.startsWith(prefix)) return undefined;
  const next = code.charCodeAt(prefix.length);
  return code.slice(next === 0x20 || next === 0x2d ? prefix.length + 1 : prefix.length);
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

/**
 * The first part of a key's code when its country has one and the code is longer (`SW1A` of
 * `SW1A 1AA`, `90210` of `90210-1234`): what the code is matched by when the data holds only
 * such parts. `undefined` otherwise.
 */
export function postalCodePrefix(key: PostalKey): string | undefined {
  const format = postalFormatOf(key.countryCode);
  return format && firstPartOf(format, key.postalCode);
}

/** How closely a place answers a key: for its own code, or for the code's first part only. */
export type PostalPrecision = 'POSTAL_CODE' | 'PREFIX';

/**
 * Which of `key`'s codes a provider's answer is for, once canonical: the key's own code, or its
 * first part (see {@link postalCodePrefix}); `undefined` for anything else, including a code that
 * is not one of that country. Providers check every answer with it before trusting it.
 */
export function answeredPostalCode(key: PostalKey, answered: string): string | undefined {
  const code = canonicalOf(key.countryCode, answered, postalFormatOf(key.countryCode));
  return code !== undefined && (code === key.postalCode || code === postalCodePrefix(key)) ? code : undefined;
}

// Private: the error for a code that cannot be one of its country, with the format expected.
function invalid(countryCode: string, input: string, format: PostalFormat | undefined): AppError {
  const expected = format ? expectedOf(format) : GENERIC_EXPECTED;
  const padded = format ? zeroPadded(countryCode, input) : undefined;
  const hint = padded === undefined ? '' : ` Did you mean ${quoteInput(padded)}? (A spreadsheet may have dropped its leading zero.)`;
  return new AppError('BAD_USER_INPUT', `Postal code ${quoteInput(input)} is not a valid ${countryCode} postal code: expected ${expected}.${hint}`);
}

// Private: the expected format in words, from the source's examples.
function expectedOf(format: PostalFormat): string {
  const [first, second] = format.examples;
  const examples = second === undefined ? `${first}` : `${first} or ${second}`;
  const part = first === undefined ? undefined : firstPartOf(format, first);
  const partOnly = part !== undefined && !format.lenient.test(part) ? `, or its ${format.firstPartName} such as ${part}` : '';
  return `a code such as ${examples}${partOnly}`;
}

// Private: a digits-only code that becomes valid with one or two leading zeros (a number column in a spreadsheet drops them).
function zeroPadded(countryCode: string, input: string): string | undefined {
  const digits = input.trim();
  if (!/^\d{1,8}$/.test(digits)) return undefined;
  const format = postalFormatOf(countryCode);
  return [`0${digits}`, `00${digits}`].find((candidate) => canonicalOf(countryCode, candidate, format) === candidate);
}
