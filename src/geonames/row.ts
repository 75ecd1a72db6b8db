/**
 * What a row of a GeoNames file is, checked in one pass over its bytes: 11 or 12 columns, no control
 * character, a two-capital country (the expected one, if any), a postal code, degrees within ±90
 * and ±180 (names are the loader's). The data command and the loader both check rows with this.
 */
import { parseDegrees } from './degrees.js';
import { COLUMN, COLUMNS, DELETE, FIRST_PRINTABLE, MAX_LINE_BYTES, MIN_COLUMNS, TAB } from './format.js';

// Plain module constants, not properties, on the hot path: scanRow runs once per row of a file.
const NONE = 0;
const CONTROL_CHARACTER = 1;
const COLUMN_COUNT = 2;
const COUNTRY = 3;
const OTHER_COUNTRY = 4;
const NO_POSTAL_CODE = 5;
const LATITUDE_OUT = 6;
const LONGITUDE_OUT = 7;
const LAST_TAB = COLUMNS - 1;
const LATITUDE = COLUMN.latitude;
const LONGITUDE = COLUMN.longitude;
const CAPITAL_A = 0x41;
const CAPITAL_Z = 0x5a;

/** Why a line is not a row, or `none`. Numbers, so checking a valid row makes no object. */
export const RowFault = {
  none: NONE,
  controlCharacter: CONTROL_CHARACTER,
  columns: COLUMN_COUNT,
  country: COUNTRY,
  otherCountry: OTHER_COUNTRY,
  postalCode: NO_POSTAL_CODE,
  latitude: LATITUDE_OUT,
  longitude: LONGITUDE_OUT,
} as const;
export type RowFault = (typeof RowFault)[keyof typeof RowFault];

/** Any country: what a file of every country (allCountries) expects. */
export const ANY_COUNTRY = -1;

/** A country code as `scanRow` compares it: its two bytes, in one number. */
export const countryKey = (code: string): number => (code.charCodeAt(0) << 8) | code.charCodeAt(1);

/** What `scanRow` learns of the row it accepts; one per reader, reused for every row. */
export class RowScan {
  /** `ends[i]`: the index just past column i (its tab, or the line's end). Column i > 0 starts at `ends[i - 1] + 1`. */
  readonly ends = new Int32Array(COLUMNS);
  columns = 0;
  latitude = Number.NaN;
  longitude = Number.NaN;

  startOf(column: number, lineStart: number): number {
    return column === 0 ? lineStart : (this.ends[column - 1] ?? 0) + 1;
  }

  endOf(column: number): number {
    return this.ends[column] ?? 0;
  }
}

/** Checks `buf[start, end)` as a row of `country` (a {@link countryKey} or {@link ANY_COUNTRY}); on `none`, `scan` holds the row. */
export function scanRow(buf: Buffer, start: number, end: number, scan: RowScan, country: number): RowFault {
  const ends = scan.ends;
  let columns = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i] ?? 0;
    if (b < FIRST_PRINTABLE || b === DELETE) {
      if (b !== TAB) return CONTROL_CHARACTER;
      if (columns === LAST_TAB) return COLUMN_COUNT; // a tab after the last column
      ends[columns++] = i;
    }
  }
  ends[columns++] = end;
  if (columns < MIN_COLUMNS) return COLUMN_COUNT;

  const c0 = buf[start] ?? 0;
  const c1 = buf[start + 1] ?? 0;
  if (ends[0] !== start + 2 || c0 < CAPITAL_A || c0 > CAPITAL_Z || c1 < CAPITAL_A || c1 > CAPITAL_Z) return COUNTRY;
  if (country !== ANY_COUNTRY && ((c0 << 8) | c1) !== country) return OTHER_COUNTRY;
  if (ends[1] === start + 3) return NO_POSTAL_CODE;
  const latitudeEnd = ends[LATITUDE] ?? 0;
  const latitude = parseDegrees(buf, (ends[LATITUDE - 1] ?? 0) + 1, latitudeEnd);
  // NaN (blank, not decimal degrees) fails these comparisons too.
  if (!(Math.abs(latitude) <= 90)) return LATITUDE_OUT;
  const longitude = parseDegrees(buf, latitudeEnd + 1, ends[LONGITUDE] ?? 0);
  if (!(Math.abs(longitude) <= 180)) return LONGITUDE_OUT;
  scan.columns = columns;
  scan.latitude = latitude;
  scan.longitude = longitude;
  return NONE;
}

/** {@link readAccuracy}'s answer for a blank or absent accuracy column. */
export const NO_ACCURACY = -1;
/** {@link readAccuracy}'s answer for an accuracy that is not a whole number from 0 to {@link MAX_ACCURACY}. */
export const BAD_ACCURACY = -2;
/** The largest accuracy a row may carry: one byte holds it in the index (GeoNames' scale is 1 to 6). */
export const MAX_ACCURACY = 254;

/** The accuracy of a row `scanRow` accepted; unchecked there: the loader takes a bad one as none, overrides refuse it. */
export function readAccuracy(buf: Buffer, scan: RowScan): number {
  if (scan.columns < COLUMNS) return NO_ACCURACY;
  const from = (scan.ends[COLUMN.accuracy - 1] ?? 0) + 1;
  const to = scan.ends[COLUMN.accuracy] ?? 0;
  if (to === from) return NO_ACCURACY;
  if (to - from > 3) return BAD_ACCURACY;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = (buf[i] ?? 0) - 0x30;
    if (digit < 0 || digit > 9) return BAD_ACCURACY;
    value = value * 10 + digit;
  }
  return value <= MAX_ACCURACY ? value : BAD_ACCURACY;
}

/** The `fault` `scanRow` found in a line, in words (`has latitude "0x30", expected …`); `expected`: null for any country. */
export function describeRowFault(fault: RowFault, buf: Buffer, start: number, end: number, expected: string | null): string {
  const scan = new RowScan();
  const column = (index: number): string => quote(buf.toString('utf8', scan.startOf(index, start), scan.endOf(index)));
  let tabs = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i] ?? 0;
    if (b === TAB) {
      if (tabs < COLUMNS) scan.ends[tabs] = i;
      tabs++;
    } else if (fault === RowFault.controlCharacter && (b < FIRST_PRINTABLE || b === DELETE)) {
      return `has a control character (byte 0x${b.toString(16).padStart(2, '0')}) in column ${tabs + 1}`;
    }
  }
  if (tabs < COLUMNS) scan.ends[tabs] = end;
  switch (fault) {
    case RowFault.columns:
      return `has ${tabs + 1} column${tabs === 0 ? '' : 's'}, expected ${COLUMNS}`;
    case RowFault.country:
      return `has country ${column(COLUMN.country)}, expected ${expected ?? 'a two-letter country code'}`;
    case RowFault.otherCountry:
      return `is a row of ${buf.toString('latin1', start, start + 2)}, expected ${expected ?? 'any country'}`;
    case RowFault.postalCode:
      return 'has no postal code';
    case RowFault.latitude:
      return `has latitude ${column(COLUMN.latitude)}, expected decimal degrees from -90 to 90`;
    case RowFault.longitude:
      return `has longitude ${column(COLUMN.longitude)}, expected decimal degrees from -180 to 180`;
    default:
      return 'is a row';
  }
}

/** What the line reader reports of a line over {@link MAX_LINE_BYTES}, in the same words. */
export const TOO_LONG = `is longer than ${MAX_LINE_BYTES.toLocaleString('en-US')} bytes, longer than any GeoNames row`;

/** The problem with one line as a row of `country` (null: any), in words, or null for a row. */
export function rowProblem(buf: Buffer, start: number, end: number, country: string | null): string | null {
  if (end - start > MAX_LINE_BYTES) return TOO_LONG;
  const fault = scanRow(buf, start, end, new RowScan(), country === null ? ANY_COUNTRY : countryKey(country));
  return fault === RowFault.none ? null : describeRowFault(fault, buf, start, end, country);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
