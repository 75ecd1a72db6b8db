/**
 * Postal-code and country normalization, pure, before any geocoder is asked: a malformed code costs nothing and every
 * provider sees one canonical key. Raw input is checked before upper-casing, which folds `ß` into `SS`.
 */
import { countryAlias, isCountryCode, withdrawnCountry } from '../geonames/country-codes.js';
import { AppError, quoteInput } from '../errors.js';
import { canonicalFrom, firstPartOf, isFirstPart, postalFormatOf, type PostalFormat } from './postal-formats.js';

/** The key of a `Location`: an upper-case ISO 3166-1 alpha-2 country and a canonical postal code. */
export interface PostalKey {
  readonly countryCode: string;
  readonly postalCode: string;
}

/** One string per key, for maps and caches; country codes are two letters, so no separator is needed. */
export const keyId = (key: PostalKey): string => key.countryCode + key.postalCode;

/** GeoNames' postal-code column holds at most 20 characters. */
const MAX_POSTAL_CODE_LENGTH = 20;
const GENERIC_EXPECTED = `1 to ${MAX_POSTAL_CODE_LENGTH} letters, digits, spaces or hyphens`;

const GENERIC_PATTERN = /^([A-Z0-9](?:[A-Z0-9 -]*[A-Z0-9])?)$/;
const RAW_CHARACTERS = /^[A-Za-z0-9 \t-]*$/;

/** Validates and upper-cases an ISO 3166-1 alpha-2 country code. Throws `BAD_USER_INPUT`. */
export function normalizeCountryCode(input: string): string {
  if (isCountryCode(input)) return input;
  const trimmed = input.trim();
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
 * A code in its country's canonical form: trimmed, upper case, its country's separators (`sw1a1aa` → `SW1A 1AA`); a first
 * part alone (`SW1A`) is accepted, a country prefix (`LT-01100`) dropped. Never pads or cuts a code. Throws `BAD_USER_INPUT`
 * with the expected format (for a US `2134`, suggesting `02134`).
 */
export function normalizePostalCode(countryCode: string, input: string): string {
  const format = postalFormatOf(countryCode);
  const code = canonicalOf(countryCode, input, format);
  if (code === undefined) throw invalid(countryCode, input, format);
  return code;
}

/** {@link normalizePostalCode} for data files: `undefined` where it would throw, as an error per refused row is costly. */
export function normalizeDataPostalCode(countryCode: string, input: string): string | undefined {
  const format = postalFormatOf(countryCode);
  return format === undefined && isGenericCanonical(input) ? input : canonicalOf(countryCode, input, format);
}

/** Prefixes besides the country's ISO code, which any code may carry (`LT-01100`): Luxembourg's `L-1009`. */
const OTHER_COUNTRY_PREFIXES: Readonly<Record<string, string>> = { LU: 'L' };

/** The canonical code, or undefined for one that cannot be a code of its country. Never throws. */
function canonicalOf(countryCode: string, input: string, format: PostalFormat | undefined): string | undefined {
  if (input.length > MAX_POSTAL_CODE_LENGTH + 5) return undefined;
  if (format?.canonical.test(input)) return input;
  const trimmed = input.trim();
  if (trimmed.length === 0 || !RAW_CHARACTERS.test(trimmed)) return undefined;
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

function withoutPrefix(code: string, prefix: string): string | undefined {
  if (!code.startsWith(prefix)) return undefined;
  const next = code.charCodeAt(prefix.length);
  return code.slice(next === 0x20 || next === 0x2d ? prefix.length + 1 : prefix.length);
}

/** Whether the generic rule leaves `code` unchanged: A–Z and 0–9, single spaces or hyphens inside, at most 20. */
function isGenericCanonical(code: string): boolean {
  const last = code.length - 1;
  if (last < 0 || last >= MAX_POSTAL_CODE_LENGTH) return false;
  for (let i = 0; i <= last; i++) {
    const c = code.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a)) continue; // 0-9, A-Z
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

/** The first part of a key's code when its country has one and the code is longer (`SW1A` of `SW1A 1AA`). */
export function postalCodePrefix(key: PostalKey): string | undefined {
  const format = postalFormatOf(key.countryCode);
  return format && firstPartOf(format, key.postalCode);
}

export type PostalPrecision = 'POSTAL_CODE' | 'PREFIX';

/** Which of `key`'s codes a provider's answer is for, canonical: its own or its first part; else `undefined`. */
export function answeredPostalCode(key: PostalKey, answered: string): string | undefined {
  const code = canonicalOf(key.countryCode, answered, postalFormatOf(key.countryCode));
  return code !== undefined && (code === key.postalCode || code === postalCodePrefix(key)) ? code : undefined;
}

function invalid(countryCode: string, input: string, format: PostalFormat | undefined): AppError {
  const expected = format ? expectedOf(format) : GENERIC_EXPECTED;
  const padded = format ? zeroPadded(countryCode, input) : undefined;
  const hint = padded === undefined ? '' : ` Did you mean ${quoteInput(padded)}? (A spreadsheet may have dropped its leading zero.)`;
  return new AppError('BAD_USER_INPUT', `Postal code ${quoteInput(input)} is not a valid ${countryCode} postal code: expected ${expected}.${hint}`);
}

function expectedOf(format: PostalFormat): string {
  const [first, second] = format.examples;
  const examples = second === undefined ? `${first}` : `${first} or ${second}`;
  const part = first === undefined ? undefined : firstPartOf(format, first);
  const partOnly = part !== undefined && !format.lenient.test(part) ? `, or its ${format.firstPartName} such as ${part}` : '';
  return `a code such as ${examples}${partOnly}`;
}

/** A digits-only code made valid by one or two leading zeros, which a spreadsheet's number column drops. */
function zeroPadded(countryCode: string, input: string): string | undefined {
  const digits = input.trim();
  if (!/^\d{1,8}$/.test(digits)) return undefined;
  const format = postalFormatOf(countryCode);
  return [`0${digits}`, `00${digits}`].find((candidate) => canonicalOf(countryCode, candidate, format) === candidate);
}
