/**
 * What changed between two versions of a dataset's file, as `data update` reports it: codes added,
 * removed, and moved more than {@link MOVED_METERS} (WGS-84 geodesic). Codes are keyed as the service
 * keys them, and a code's first row counts, as the loader keeps it. The old file's codes are held
 * (a key and two doubles each); the new file streams past them.
 */
import { createReadStream } from 'node:fs';
import { geodesicMeasure } from '../geodesy/distance.js';
import { COLUMN } from '../geonames/format.js';
import { LineReader } from '../geonames/lines.js';
import { ANY_COUNTRY, RowFault, RowScan, scanRow } from '../geonames/row.js';
import { normalizeDataPostalCode } from '../postal/postal-code.js';

/** How far a code's point must move to count as moved, in metres: less is a rounding of the same point. */
export const MOVED_METERS = 100;

export interface ChangedCode {
  readonly countryCode: string;
  readonly postalCode: string;
}

export interface DatasetChanges {
  /** Codes the old file had (its rows, without a code's repeated rows). */
  readonly codesBefore: number;
  readonly codesAfter: number;
  readonly added: readonly ChangedCode[];
  readonly removed: readonly ChangedCode[];
  /** Codes whose point moved more than {@link MOVED_METERS}, and how far, in metres. */
  readonly moved: readonly (ChangedCode & { readonly meters: number })[];
}

/** Compares the rows of `before` (absent: no rows) and `after`. */
export async function compareFiles(before: string | null, after: string): Promise<DatasetChanges> {
  const old = new CodeTable();
  if (before !== null) {
    await readRows(before, (key, latitude, longitude) => {
      if (old.rowOf(key) === undefined) old.add(key, latitude, longitude);
    });
  }
  const matched = new Uint8Array(old.size);
  const addedKeys = new Set<string>();
  const added: ChangedCode[] = [];
  const moved: (ChangedCode & { meters: number })[] = [];
  let codesAfter = 0;
  await readRows(after, (key, latitude, longitude) => {
    const row = old.rowOf(key);
    if (row === undefined) {
      if (addedKeys.has(key)) return;
      addedKeys.add(key);
      codesAfter++;
      added.push(codeOf(key));
      return;
    }
    if (matched[row] === 1) return; // a code's later row: the first one counts
    matched[row] = 1;
    codesAfter++;
    const { meters } = geodesicMeasure(old.pointOf(row), { latitude, longitude });
    if (meters > MOVED_METERS) moved.push({ ...codeOf(key), meters });
  });
  const removed: ChangedCode[] = [];
  old.forEach((key, row) => {
    if (matched[row] !== 1) removed.push(codeOf(key));
  });
  return { codesBefore: old.size, codesAfter, added, removed, moved };
}

/** Calls `row` with the key (`CC code`, canonical) and point of every row, in file order. */
async function readRows(file: string, row: (key: string, latitude: number, longitude: number) => void): Promise<void> {
  const scan = new RowScan();
  const lines = new LineReader({
    line(buf, start, end) {
      if (scanRow(buf, start, end, scan, ANY_COUNTRY) !== RowFault.none) return;
      const country = buf.toString('latin1', start, start + 2);
      const written = buf.toString('utf8', scan.startOf(COLUMN.postalCode, start), scan.endOf(COLUMN.postalCode));
      row(`${country} ${normalizeDataPostalCode(country, written) ?? written}`, scan.latitude, scan.longitude);
    },
    tooLong: () => undefined,
  });
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) lines.push(chunk);
  lines.end();
}

const codeOf = (key: string): ChangedCode => ({ countryCode: key.slice(0, 2), postalCode: key.slice(3) });

/** Codes and their points, in insertion order: a number per code, the points in typed arrays. */
class CodeTable {
  private readonly rows = new Map<string, number>();
  private latitudes = new Float64Array(1024);
  private longitudes = new Float64Array(1024);

  get size(): number {
    return this.rows.size;
  }

  add(key: string, latitude: number, longitude: number): void {
    const row = this.rows.size;
    if (row === this.latitudes.length) {
      this.latitudes = grown(this.latitudes);
      this.longitudes = grown(this.longitudes);
    }
    this.rows.set(key, row);
    this.latitudes[row] = latitude;
    this.longitudes[row] = longitude;
  }

  rowOf(key: string): number | undefined {
    return this.rows.get(key);
  }

  pointOf(row: number): { latitude: number; longitude: number } {
    return { latitude: this.latitudes[row] ?? Number.NaN, longitude: this.longitudes[row] ?? Number.NaN };
  }

  forEach(visit: (key: string, row: number) => void): void {
    for (const [key, row] of this.rows) visit(key, row);
  }
}

function grown(from: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const to = new Float64Array(from.length * 2);
  to.set(from);
  return to;
}
