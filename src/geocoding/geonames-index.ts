/**
 * A compact, read-only index of GeoNames postal-code dumps, built by streaming the files.
 *
 * Sized for GeoNames' allCountries.txt (about 1.5 million rows): coordinates live in growable
 * Float64Arrays, admin names are interned, and the only per-row objects are the key string and
 * the place-name string. Parsing works on raw bytes so every string is a fresh copy: slices of a
 * decoded chunk would keep the whole chunk alive and, with it, the whole file.
 *
 * File format: UTF-8, tab-separated, no header; columns: country code, postal code, place name,
 * admin name1, admin code1, admin name2, admin code2, admin name3, admin code3, latitude,
 * longitude, accuracy.
 */
import { createReadStream } from 'node:fs';
import type { Place } from './geocoder.js';
import { keyId, normalizePostalCode } from './postal-code.js';

const TAB = 0x09;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** Columns we read, by index. */
const COL = { country: 0, postalCode: 1, placeName: 2, adminName: 3, adminCode: 4, latitude: 9, longitude: 10 } as const;
const COLUMNS_NEEDED = COL.longitude + 1;

export interface LoadStats {
  readonly file: string;
  readonly rows: number;
  /** Rows whose key an earlier row already holds (the first one wins). */
  readonly duplicates: number;
  /** Rows skipped because a column was missing or a coordinate was not a number. */
  readonly malformed: number;
}

export class GeoNamesIndex {
  private readonly rowByKey = new Map<string, number>();
  private latitudes = new Float64Array(1 << 16);
  private longitudes = new Float64Array(1 << 16);
  private adminRefs = new Uint32Array(1 << 16);
  private readonly placeNames: (string | null)[] = [];
  /** Interned `[adminName, adminCode]` pairs; a country has a few dozen, the world a few thousand. */
  private readonly admins: (readonly [string | null, string | null])[] = [];
  private readonly adminIds = new Map<string, number>();
  private readonly countries = new Set<string>();

  /** Number of postal codes indexed. */
  get size(): number {
    return this.placeNames.length;
  }

  /** Whether any row of this country was loaded. */
  hasCountry(countryCode: string): boolean {
    return this.countries.has(countryCode);
  }

  get(countryCode: string, postalCode: string): Place | undefined {
    const row = this.rowByKey.get(countryCode + postalCode);
    if (row === undefined) return undefined;
    const [adminName, adminCode] = this.admins[this.adminRefs[row] ?? 0] ?? [null, null];
    return {
      countryCode,
      postalCode,
      latitude: this.latitudes[row] ?? Number.NaN,
      longitude: this.longitudes[row] ?? Number.NaN,
      placeName: this.placeNames[row] ?? null,
      adminName,
      adminCode,
    };
  }

  /** Streams one GeoNames file into the index, `chunkBytes` at a time (default 1 MiB). */
  async loadFile(file: string, chunkBytes = 1 << 20): Promise<LoadStats> {
    let rows = 0;
    let duplicates = 0;
    let malformed = 0;
    let carry: Buffer | null = null;
    const fields: number[] = new Array<number>(COLUMNS_NEEDED + 1).fill(0);

    const addLine = (buf: Buffer, start: number, end: number): void => {
      if (end > start && buf[end - 1] === CARRIAGE_RETURN) end--;
      if (end <= start) return;
      // fields[i] is where column i starts; column i ends one byte before fields[i + 1].
      let column = 0;
      fields[0] = start;
      for (let i = start; i < end && column < COLUMNS_NEEDED; i++) {
        if (buf[i] === TAB) fields[++column] = i + 1;
      }
      if (column < COLUMNS_NEEDED) {
        // The last needed column (longitude) may end the line when accuracy is absent.
        if (column === COLUMNS_NEEDED - 1) fields[COLUMNS_NEEDED] = end + 1;
        else return void malformed++;
      }
      const text = (col: number): string => buf.toString('utf8', fields[col] ?? 0, (fields[col + 1] ?? 1) - 1);
      const latitude = Number(text(COL.latitude));
      const longitude = Number(text(COL.longitude));
      const country = text(COL.country).toUpperCase();
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || country.length !== 2) return void malformed++;
      rows++;
      let postalCode: string;
      try {
        // The same normalization as user input, so both sides of a lookup always agree.
        postalCode = normalizePostalCode(country, text(COL.postalCode));
      } catch {
        return void malformed++;
      }
      const id = keyId({ countryCode: country, postalCode });
      if (this.rowByKey.has(id)) return void duplicates++;
      this.append(id, country, latitude, longitude, orNull(text(COL.placeName)), orNull(text(COL.adminName)), orNull(text(COL.adminCode)));
    };

    for await (const chunk of createReadStream(file, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      let lineStart = 0;
      for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, lineStart)) {
        addLine(buf, lineStart, nl);
        lineStart = nl + 1;
      }
      carry = lineStart < buf.length ? buf.subarray(lineStart) : null;
    }
    if (carry) addLine(carry, 0, carry.length);
    return { file, rows, duplicates, malformed };
  }

  // Private: adds one row, growing the typed arrays by doubling.
  private append(
    id: string,
    country: string,
    latitude: number,
    longitude: number,
    placeName: string | null,
    adminName: string | null,
    adminCode: string | null,
  ): void {
    const row = this.placeNames.length;
    if (row === this.latitudes.length) {
      this.latitudes = grow(this.latitudes, new Float64Array(row * 2));
      this.longitudes = grow(this.longitudes, new Float64Array(row * 2));
      this.adminRefs = grow(this.adminRefs, new Uint32Array(row * 2));
    }
    this.rowByKey.set(id, row);
    this.latitudes[row] = latitude;
    this.longitudes[row] = longitude;
    this.adminRefs[row] = this.internAdmin(adminName, adminCode);
    this.placeNames.push(placeName);
    this.countries.add(country);
  }

  // Private: returns the id of an admin pair, adding it on first sight.
  private internAdmin(name: string | null, code: string | null): number {
    const id = `${name ?? ''}\t${code ?? ''}`;
    let ref = this.adminIds.get(id);
    if (ref === undefined) {
      ref = this.admins.push([name, code]) - 1;
      this.adminIds.set(id, ref);
    }
    return ref;
  }
}

function grow<T extends Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

const orNull = (s: string): string | null => (s.length === 0 ? null : s);
