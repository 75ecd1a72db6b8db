/**
 * The overrides file (`DATA_OVERRIDES`): the operator's rows in the GeoNames layout, loaded after
 * every dataset; each wins over any dataset's row for its code. Read strictly, unlike a dataset: a
 * skipped row here is a fix that silently does not happen, so the first line that is not a valid row
 * stops the read (file, line, what is wrong) and the caller loads none of it. Valid: accepted by the
 * row check, of an existing country, a code of its format, names no longer than any real one, accuracy
 * blank or 1 to 6, a code no earlier line gives; blank and `#` lines are skipped. The file is read
 * whole (bounded) and the rows as checked are what is loaded, so a later edit cannot slip through.
 */
import { readFile, stat } from 'node:fs/promises';
import { COLUMN } from '../geonames/format.js';
import { LineReader } from '../geonames/lines.js';
import { isCountryCode } from '../geonames/country-codes.js';
import { BAD_ACCURACY, NO_ACCURACY, readAccuracy, RowFault, RowScan, rowProblem, scanRow, TOO_LONG, ANY_COUNTRY } from '../geonames/row.js';
import { MAX_NAME_LENGTH } from '../postal/place.js';
import { normalizeDataPostalCode, normalizePostalCode } from '../postal/postal-code.js';
import { DataError, formatBytes, systemErrorCode } from './errors.js';

/** The largest overrides file, in bytes: a list of fixes, not a dataset (a dataset of your own belongs in GEONAMES_FILES). */
export const MAX_OVERRIDES_BYTES = 16 * 2 ** 20;

/** The accuracies an override may give: GeoNames' scale (1 estimated … 6 the centroid of the code's addresses or shape). */
const ACCURACY_RANGE = [1, 6] as const;

export interface Overrides {
  readonly file: string;
  /** Its rows, checked, one per line (without its comments and blank lines): what the loader loads. */
  readonly bytes: Buffer;
  /** Rows (not counting blank and comment lines). */
  readonly rows: number;
  /** The countries of its rows, sorted. */
  readonly countries: readonly string[];
  readonly modified: Date;
}

/** Reads and checks the overrides file. Throws `DataError` `BAD_OVERRIDES` naming the file, the line and what is wrong. */
export async function readOverrides(file: string): Promise<Overrides> {
  let bytes: Buffer;
  let modified: Date;
  try {
    const { size, mtime } = await stat(file);
    if (size > MAX_OVERRIDES_BYTES) throw tooLarge(file, size);
    bytes = await readFile(file);
    modified = mtime;
  } catch (error) {
    if (error instanceof DataError) throw error;
    const code = systemErrorCode(error);
    throw new DataError('BAD_OVERRIDES', `cannot read the DATA_OVERRIDES file ${file}${code ? ` (${code})` : ''}: ${(error as Error).message}`, { cause: error });
  }
  // It may have grown between the two calls.
  if (bytes.length > MAX_OVERRIDES_BYTES) throw tooLarge(file, bytes.length);
  const { rows, countries, lines } = checkOverrides(file, bytes);
  return { file, bytes: lines, rows, countries, modified };
}

/** Checks every line; returns the rows (their count, and them one per line) and countries, or throws `BAD_OVERRIDES`. */
export function checkOverrides(file: string, bytes: Buffer): { rows: number; countries: readonly string[]; lines: Buffer } {
  const scan = new RowScan();
  const seen = new Map<string, number>();
  const countries = new Set<string>();
  const kept: Buffer[] = [];
  let rows = 0;
  const fail = (line: number, what: string): never => {
    throw new DataError('BAD_OVERRIDES', `the DATA_OVERRIDES file ${file}: line ${line} ${what}`);
  };
  const lines = new LineReader({
    tooLong: () => fail(lines.lineNumber, TOO_LONG),
    line(buf, start, end) {
      const line = lines.lineNumber;
      if (buf[start] === HASH) return;
      if (scanRow(buf, start, end, scan, ANY_COUNTRY) !== RowFault.none) fail(line, rowProblem(buf, start, end, null) ?? 'is not a row');
      const column = (index: number): string => buf.toString('utf8', scan.startOf(index, start), scan.endOf(index));
      const country = column(COLUMN.country);
      if (!isCountryCode(country)) fail(line, `has country ${JSON.stringify(country)}, which is not an ISO 3166-1 alpha-2 code`);
      const written = column(COLUMN.postalCode);
      const code = normalizeDataPostalCode(country, written);
      if (code === undefined) fail(line, `has postal code ${JSON.stringify(written)}, ${codeProblem(country, written)}`);
      for (const index of [COLUMN.placeName, COLUMN.adminName1, COLUMN.adminCode1]) {
        const name = column(index);
        if (name.length > MAX_NAME_LENGTH) fail(line, `has a ${COLUMN_NAMES[index] ?? 'name'} of ${name.length} characters, more than the ${MAX_NAME_LENGTH} a name may have`);
      }
      const accuracy = readAccuracy(buf, scan);
      if (accuracy !== NO_ACCURACY && (accuracy === BAD_ACCURACY || accuracy < ACCURACY_RANGE[0] || accuracy > ACCURACY_RANGE[1])) {
        fail(line, `has accuracy ${JSON.stringify(column(COLUMN.accuracy))}, expected a blank or a whole number from ${ACCURACY_RANGE[0]} to ${ACCURACY_RANGE[1]} (GeoNames' scale)`);
      }
      const key = `${country} ${code}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) fail(line, `gives ${key} again (line ${earlier} gave it): one row per code`);
      seen.set(key, line);
      countries.add(country);
      kept.push(Buffer.from(buf.subarray(start, end)), NEWLINE);
      rows++;
    },
  });
  lines.push(bytes);
  lines.end();
  return { rows, countries: [...countries].sort(), lines: Buffer.concat(kept) };
}

const HASH = 0x23;
const NEWLINE = Buffer.from('\n');

const COLUMN_NAMES: Readonly<Record<number, string>> = { [COLUMN.placeName]: 'place name', [COLUMN.adminName1]: 'admin name', [COLUMN.adminCode1]: 'admin code' };

/** Why a code is not one of its country's, in the words a request would get (with the format expected). */
function codeProblem(country: string, written: string): string {
  try {
    normalizePostalCode(country, written);
  } catch (error) {
    const message = (error as Error).message;
    const expected = message.indexOf('expected');
    if (expected !== -1) return message.slice(expected).replace(/\.$/, '');
  }
  return `not a postal code of ${country}`;
}

const tooLarge = (file: string, bytes: number): DataError =>
  new DataError(
    'BAD_OVERRIDES',
    `the DATA_OVERRIDES file ${file} is ${formatBytes(bytes)}, more than the ${formatBytes(MAX_OVERRIDES_BYTES)} an overrides file may be: it holds fixes; load a dataset of your own with GEONAMES_FILES instead`,
  );
