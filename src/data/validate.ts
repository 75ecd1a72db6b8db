/**
 * Checks, while it streams through, that a data file is GeoNames postal-code rows of the expected
 * country: the bytes pass through unchanged, and the stream fails at the first line that is not
 * such a row, so a file that fails is never committed (see add.ts).
 *
 * A row: 12 tab-separated columns (country code, postal code, place name, admin name 1, admin code 1,
 * admin name 2, admin code 2, admin name 3, admin code 3, latitude, longitude, accuracy; accuracy
 * may be blank), its country the expected one (any two capital letters for allCountries), a postal
 * code, and a latitude and longitude that are numbers in range. Blank lines are not rows.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { parseNumber } from '../geocoding/geonames-index.js';
import { DataError } from './errors.js';

const TAB = 0x09;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const COLUMNS = 12;
const LATITUDE = 9;
const LONGITUDE = 10;
const isCapital = (b: number | undefined): boolean => b !== undefined && b >= 0x41 && b <= 0x5a;

/**
 * What is wrong with one line (`buf[start, end)`, no line break) as a row of `country` (null: any),
 * or null when it is a valid row. `tabs` is scratch space for the column boundaries.
 */
export function rowProblem(buf: Buffer, start: number, end: number, country: string | null, tabs: Int32Array = new Int32Array(COLUMNS)): string | null {
  let count = 0;
  for (let i = start; i < end; i++) {
    if (buf[i] === TAB) {
      if (count < COLUMNS) tabs[count] = i;
      count++;
    }
  }
  if (count !== COLUMNS - 1) return `has ${count + 1} column${count === 0 ? '' : 's'}, expected ${COLUMNS}`;
  const countryEnd = tabs[0] ?? 0;
  const c0 = buf[start];
  const c1 = buf[start + 1];
  if (countryEnd - start !== 2 || !isCapital(c0) || !isCapital(c1)) {
    return `has country ${JSON.stringify(buf.toString('utf8', start, countryEnd))}, expected ${country ?? 'a two-letter country code'}`;
  }
  if (country !== null && (c0 !== country.charCodeAt(0) || c1 !== country.charCodeAt(1))) {
    return `is a row of ${buf.toString('latin1', start, countryEnd)}, expected ${country}`;
  }
  if ((tabs[1] ?? 0) - countryEnd <= 1) return 'has no postal code';
  const latStart = (tabs[LATITUDE - 1] ?? 0) + 1;
  const latEnd = tabs[LATITUDE] ?? 0;
  const lonEnd = tabs[LONGITUDE] ?? 0;
  // NaN (blank, not a number) fails these comparisons too.
  if (!(Math.abs(parseNumber(buf, latStart, latEnd)) <= 90)) {
    return `has latitude ${JSON.stringify(buf.toString('utf8', latStart, latEnd))}, expected a number from -90 to 90`;
  }
  if (!(Math.abs(parseNumber(buf, latEnd + 1, lonEnd)) <= 180)) {
    return `has longitude ${JSON.stringify(buf.toString('utf8', latEnd + 1, lonEnd))}, expected a number from -180 to 180`;
  }
  return null;
}

export interface RowCheckOptions {
  /** The country every row must have; null accepts any (allCountries). */
  readonly country: string | null;
  /** Names the file in messages, e.g. `https://…/DE.zip`. */
  readonly source: string;
  /** Called after each chunk with the bytes and rows seen so far. */
  readonly onProgress?: (bytes: number, rows: number) => void;
}

/** A pass-through stream that fails with `NOT_GEONAMES` at the first line that is not a row (see the module comment). */
export class RowCheck extends Transform {
  /** Rows seen so far. */
  rows = 0;
  /** Countries seen so far. */
  readonly countries = new Set<string>();
  private bytes = 0;
  private line = 0;
  private carry: Buffer | null = null;
  private readonly tabs = new Int32Array(COLUMNS);
  /** The previous row's country as two bytes, so the set is touched only when it changes (files are sorted by country). */
  private lastCountry = -1;

  constructor(private readonly options: RowCheckOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let lineStart = 0;
    for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, lineStart)) {
      const problem = this.checkLine(buf, lineStart, nl);
      if (problem) return callback(problem);
      lineStart = nl + 1;
    }
    // Copied: a slice would keep the whole chunk alive.
    this.carry = lineStart < buf.length ? Buffer.from(buf.subarray(lineStart)) : null;
    this.bytes += chunk.length;
    this.options.onProgress?.(this.bytes, this.rows);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const problem = this.carry ? this.checkLine(this.carry, 0, this.carry.length) : null;
    if (problem) return callback(problem);
    if (this.rows === 0) return callback(this.notGeoNames('holds no rows'));
    callback();
  }

  // Private: checks one line and counts it; returns the error to fail with, if any.
  private checkLine(buf: Buffer, start: number, end: number): DataError | null {
    this.line++;
    if (end > start && buf[end - 1] === CARRIAGE_RETURN) end--;
    if (end === start) return null;
    const problem = rowProblem(buf, start, end, this.options.country, this.tabs);
    if (problem) return this.notGeoNames(`line ${this.line} ${problem}`);
    this.rows++;
    const country = ((buf[start] ?? 0) << 8) | (buf[start + 1] ?? 0);
    if (country !== this.lastCountry) {
      this.lastCountry = country;
      this.countries.add(buf.toString('latin1', start, start + 2));
    }
    return null;
  }

  // Private: the error for a file that is not what was asked for.
  private notGeoNames(what: string): DataError {
    const { country, source } = this.options;
    return new DataError(
      'NOT_GEONAMES',
      `${source} is not a GeoNames postal-code file${country ? ` of ${country}` : ''}: ${what}; nothing was written (check that GEONAMES_BASE_URL is a mirror of GeoNames' postal-code export)`,
    );
  }
}
