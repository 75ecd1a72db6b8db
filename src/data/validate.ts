/**
 * A pass-through stream checking that a data file is GeoNames rows (src/geonames/row.ts) of the
 * expected country, no more than a dataset may hold. It fails at the first bad line, at a line too
 * long (without buffering it) or at the row past the cap, so a bad file is never committed.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { LineReader } from '../geonames/lines.js';
import { ANY_COUNTRY, countryKey, describeRowFault, RowFault, RowScan, scanRow, TOO_LONG } from '../geonames/row.js';
import { DataError, isDataError } from './errors.js';

export interface RowCheckOptions {
  /** The country every row must have; null accepts any (allCountries). */
  readonly country: string | null;
  /** Names the file in messages, e.g. `https://…/DE.zip`. */
  readonly source: string;
  /** The most rows the file may hold (GEONAMES_MAX_ROWS); unbounded when absent. */
  readonly maxRows?: number | undefined;
  /** Called after each chunk with the bytes and rows seen so far. */
  readonly onProgress?: (bytes: number, rows: number) => void;
}

/** Fails with `NOT_GEONAMES` at the first line that is not a row, with `TOO_LARGE` at the first row over the cap. */
export class RowCheck extends Transform {
  rows = 0;
  readonly countries = new Set<string>();
  private bytes = 0;
  private readonly scan = new RowScan();
  private readonly lines: LineReader;
  private readonly expected: number;
  private readonly maxRows: number;
  /** The previous row's country as two bytes, so the set is touched only when it changes (files are sorted by country). */
  private lastCountry = -1;

  constructor(private readonly options: RowCheckOptions) {
    super();
    this.expected = options.country === null ? ANY_COUNTRY : countryKey(options.country);
    this.maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
    this.lines = new LineReader({
      line: (buf, start, end) => this.checkLine(buf, start, end),
      tooLong: () => {
        throw this.notGeoNames(`line ${this.lines.lineNumber} ${TOO_LONG}`);
      },
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.lines.push(chunk);
    } catch (error) {
      return callback(asError(error));
    }
    this.bytes += chunk.length;
    this.options.onProgress?.(this.bytes, this.rows);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.lines.end();
    } catch (error) {
      return callback(asError(error));
    }
    if (this.rows === 0) return callback(this.notGeoNames('holds no rows'));
    callback();
  }

  private checkLine(buf: Buffer, start: number, end: number): void {
    const fault = scanRow(buf, start, end, this.scan, this.expected);
    if (fault !== RowFault.none) throw this.notGeoNames(`line ${this.lines.lineNumber} ${describeRowFault(fault, buf, start, end, this.options.country)}`);
    if (++this.rows > this.maxRows) throw this.tooManyRows();
    const country = ((buf[start] ?? 0) << 8) | (buf[start + 1] ?? 0);
    if (country !== this.lastCountry) {
      this.lastCountry = country;
      this.countries.add(buf.toString('latin1', start, start + 2));
    }
  }

  private notGeoNames(what: string): DataError {
    const { country, source } = this.options;
    return new DataError(
      'NOT_GEONAMES',
      `${source} is not a GeoNames postal-code file${country ? ` of ${country}` : ''}: ${what}; nothing was written (check that GEONAMES_BASE_URL is a mirror of GeoNames' postal-code export)`,
    );
  }

  private tooManyRows(): DataError {
    const max = this.maxRows.toLocaleString('en-US');
    return new DataError(
      'TOO_LARGE',
      `${this.options.source} holds more than ${max} rows, the most a dataset may hold (GEONAMES_MAX_ROWS); nothing was written (GeoNames' largest files hold under 2 million: check GEONAMES_BASE_URL, or raise GEONAMES_MAX_ROWS)`,
    );
  }
}

const asError = (error: unknown): Error => (isDataError(error) || error instanceof Error ? error : new Error(String(error)));
