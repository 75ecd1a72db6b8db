/**
 * A read-only index of GeoNames postal-code files, built by streaming them. Row layout: row `r` is
 * slot `r` of parallel arrays (latitude, longitude, interned admin pair, accuracy plus one with 0
 * for none, the two-byte number of the file that wrote it last, place name); `rowsByCountry` maps
 * each canonical code to its row. Rows only grow, but for undoing a refused file. The only per-row
 * objects are the code and name strings, decoded from the bytes: a slice of a decoded chunk would
 * keep the whole file alive. A row is what src/geonames/ accepts (as the data command's check does),
 * less names longer than any real one and codes their country cannot have; `maxCodes` bounds the codes.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { COLUMN } from '../geonames/format.js';
import { LineReader } from '../geonames/lines.js';
import { ANY_COUNTRY, readAccuracy, RowFault, RowScan, scanRow } from '../geonames/row.js';
import { MAX_NAME_LENGTH, type Place } from '../postal/place.js';
import { normalizeDataPostalCode, postalCodePrefix } from '../postal/postal-code.js';
import { postalFormatOf, type PostalFormat } from '../postal/postal-formats.js';

const { country: COUNTRY, postalCode: POSTAL_CODE, placeName: PLACE_NAME, adminName1: ADMIN_NAME, adminCode1: ADMIN_CODE } = COLUMN;

export interface LoadStats {
  readonly file: string;
  /** The file's number in load order: what its rows' places name it by ({@link GeoNamesIndex.sourceName}). */
  readonly sourceId: number;
  /** Non-empty lines read; every one is indexed (new or replacing), a duplicate, or malformed. */
  readonly rows: number;
  /** Rows whose key an earlier row of the same file holds (the first one in a file wins). */
  readonly duplicates: number;
  /** Rows that replaced the row an earlier file had for their key (a later file wins). */
  readonly replaced: number;
  /** Rows skipped: not a GeoNames row (src/geonames/row.ts), a name longer than any real one, or a code its country's format refuses. */
  readonly malformed: number;
  readonly indexed: number;
  /** Of the rows indexed, those holding only the first part of a code (`SW1A`, `K1A`: see postal-formats.ts). */
  readonly prefixes: number;
  /** The countries of the rows indexed, sorted. */
  readonly countries: readonly string[];
}

export interface LoadOptions {
  /** What its rows' places give as their `source`; the file's name by default. */
  readonly source?: string;
  /** Bytes read at a time (default 1 MiB). */
  readonly chunkBytes?: number;
}

export interface GeoNamesIndexOptions {
  /** The most postal codes the index holds, every file together (the service's is GEONAMES_MAX_LOADED_ROWS); unbounded by default. */
  readonly maxCodes?: number;
}

/** `loadFile`'s failure when a file would take the index past `maxCodes`; the index is as it was before the call. */
export class TooManyCodesError extends Error {
  override readonly name = 'TooManyCodesError';
  constructor(
    readonly file: string,
    readonly maxCodes: number,
  ) {
    super(`${file} would take the index past ${maxCodes} postal codes`);
  }
}

export class GeoNamesIndex {
  /** One map per country: a country + code key is a concatenation V8 must flatten to hash, and a small map stays in cache. */
  private readonly rowsByCountry = new Map<string, Map<string, number>>();
  private latitudes = new Float64Array(1 << 16);
  private longitudes = new Float64Array(1 << 16);
  private adminRefs = new Uint32Array(1 << 16);
  private accuracies = new Uint8Array(1 << 16);
  private sources = new Uint16Array(1 << 16);
  private readonly sourceNames: string[] = [];
  private readonly placeNames: (string | null)[] = [];
  /**
   * The place of each code asked so far, made on its first lookup and kept: a code's place is one
   * object for the life of the index (the time-zone cache keys by it), and a later lookup allocates nothing.
   */
  private readonly placesByCountry = new Map<string, Map<string, Place>>();
  /** Interned `[adminName, adminCode]` pairs. */
  private readonly admins: (readonly [string | null, string | null])[] = [];
  private readonly adminIds = new Map<string, number>();
  private readonly maxCodes: number;

  constructor(options: GeoNamesIndexOptions = {}) {
    this.maxCodes = options.maxCodes ?? Number.POSITIVE_INFINITY;
  }

  get size(): number {
    return this.placeNames.length;
  }

  sourceName(sourceId: number): string | undefined {
    return this.sourceNames[sourceId];
  }

  /** How many codes each source answers (the rows it wrote that no later file replaced), by source number. */
  codesBySource(): Uint32Array {
    const counts = new Uint32Array(this.sourceNames.length);
    const sources = this.sources;
    for (let row = 0, rows = this.size; row < rows; row++) counts[sources[row] ?? 0]!++;
    return counts;
  }

  hasCountry(countryCode: string): boolean {
    return this.rowsByCountry.has(countryCode);
  }

  /**
   * The place of a canonical code: its own row, or else its first part's (the basic GB file holds
   * outward codes such as `SW1A`) with precision `PREFIX`. A country's rows, not a list, say which it holds.
   */
  get(countryCode: string, postalCode: string): Place | undefined {
    const kept = this.placesByCountry.get(countryCode)?.get(postalCode);
    if (kept !== undefined) return kept;
    const codes = this.rowsByCountry.get(countryCode);
    if (codes === undefined) return undefined;
    let matched = postalCode;
    let row = codes.get(postalCode);
    if (row === undefined) {
      const prefix = postalCodePrefix({ countryCode, postalCode });
      row = prefix === undefined ? undefined : codes.get(prefix);
      if (row === undefined || prefix === undefined) return undefined;
      matched = prefix;
    }
    const exact = matched === postalCode;
    const [adminName, adminCode] = this.admins[this.adminRefs[row] ?? 0] ?? [null, null];
    const accuracy = (this.accuracies[row] ?? 0) - 1;
    const place: Place = {
      countryCode,
      postalCode,
      matchedPostalCode: matched,
      precision: exact ? 'POSTAL_CODE' : 'PREFIX',
      latitude: this.latitudes[row] ?? Number.NaN,
      longitude: this.longitudes[row] ?? Number.NaN,
      placeName: this.placeNames[row] ?? null,
      adminName,
      adminCode,
      accuracy: accuracy < 0 ? null : accuracy,
      source: this.sourceNames[this.sources[row] ?? 0] ?? '',
    };
    // A prefix match is the asked code's place, not the row's: not kept (rare: a ZIP+4, a full UK postcode on outward codes).
    if (exact) {
      let places = this.placesByCountry.get(countryCode);
      if (places === undefined) this.placesByCountry.set(countryCode, (places = new Map()));
      places.set(postalCode, place);
    }
    return place;
  }

  /** Calls `visit` once per code with the coordinates {@link get} returns; country by country, in no order to rely on. */
  forEachCode(visit: (countryCode: string, postalCode: string, latitude: number, longitude: number) => void): void {
    for (const [countryCode, codes] of this.rowsByCountry) {
      for (const [postalCode, row] of codes) visit(countryCode, postalCode, this.latitudes[row] ?? Number.NaN, this.longitudes[row] ?? Number.NaN);
    }
  }

  /** {@link forEachCode}'s visits, in the same order (place-names/ relies on it), with the place name and admin code. */
  forEachCodeName(visit: (countryCode: string, postalCode: string, placeName: string | null, adminCode: string | null) => void): void {
    for (const [countryCode, codes] of this.rowsByCountry) {
      for (const [postalCode, row] of codes) visit(countryCode, postalCode, this.placeNames[row] ?? null, this.admins[this.adminRefs[row] ?? 0]?.[1] ?? null);
    }
  }

  /**
   * Streams one GeoNames file into the index. A row for a code an earlier file holds replaces it in
   * place (files load broadest first: docs/data.md); within one file the first row for a code wins
   * (GeoNames lists a code once per place it serves, rows of equal standing). Rejects with
   * {@link TooManyCodesError}, this file undone, when its new codes would pass `maxCodes`.
   */
  async loadFile(file: string, options: LoadOptions = {}): Promise<LoadStats> {
    const sourceId = this.addSource(file, options.source ?? path.basename(file));
    return this.load(file, createReadStream(file, { highWaterMark: options.chunkBytes ?? 1 << 20 }) as AsyncIterable<Buffer>, sourceId);
  }

  /** {@link loadFile} for a file already read into memory (the overrides, checked before they are loaded). */
  async loadBuffer(file: string, bytes: Buffer, source: string): Promise<LoadStats> {
    return this.load(file, [bytes], this.addSource(file, source));
  }

  // Numbers the next file's source; a file refused whole gives its number back (`load`).
  private addSource(file: string, source: string): number {
    if (this.sourceNames.length > MAX_SOURCE_ID) throw new Error(`${file}: an index holds at most ${MAX_SOURCE_ID + 1} files`);
    return this.sourceNames.push(source) - 1;
  }

  private async load(file: string, chunks: AsyncIterable<Buffer> | Iterable<Buffer>, sourceId: number): Promise<LoadStats> {
    let rows = 0;
    let duplicates = 0;
    let replaced = 0;
    let malformed = 0;
    let prefixes = 0;
    let full = false;
    const countries = new Set<string>();
    // Rows at or past `firstRow` are this file's own; so are the earlier rows this file replaced.
    const firstRow = this.placeNames.length;
    const replacedRows = new Set<number>();
    /** The values of the rows this file replaced, as they were: what undoing the file restores. */
    const undo: Replaced[] = [];
    const scan = new RowScan();
    // The previous row's values, by their bytes: files are sorted by country and grouped by admin area.
    const lastCountry = new RepeatCache<string>('');
    const lastAdmin = new RepeatCache<number>(0);
    const lastPlace = new RepeatCache<string | null>(null);
    /** The format of the current country when its codes have a first part used on its own (to count rows of first parts). */
    let firstParts: PostalFormat | undefined;
    let lastIndexedCountry = '';

    const addLine = (buf: Buffer, start: number, end: number): void => {
      if (full) return;
      rows++;
      if (scanRow(buf, start, end, scan, ANY_COUNTRY) !== RowFault.none) return void malformed++;
      const ends = scan.ends;
      const countryStart = start;
      const countryEnd = ends[COUNTRY] ?? 0;
      const codeStart = countryEnd + 1;
      const codeEnd = ends[POSTAL_CODE] ?? 0;
      const placeStart = codeEnd + 1;
      const placeEnd = ends[PLACE_NAME] ?? 0;
      const adminNameStart = placeEnd + 1;
      const adminNameEnd = ends[ADMIN_NAME] ?? 0;
      const adminCodeStart = adminNameEnd + 1;
      const adminCodeEnd = ends[ADMIN_CODE] ?? 0;

      if (!lastCountry.matches(buf, countryStart, countryEnd)) {
        const code = decode(buf, countryStart, countryEnd);
        lastCountry.remember(buf, countryStart, countryEnd, code);
        const format = postalFormatOf(code);
        firstParts = format?.firstPartName === undefined ? undefined : format;
      }
      const country = lastCountry.value;
      // The same normalization as user input, so both sides of a lookup always agree.
      const postalCode = normalizeDataPostalCode(country, decode(buf, codeStart, codeEnd));
      if (postalCode === undefined) return void malformed++;
      let codes = this.rowsByCountry.get(country);
      if (codes === undefined) this.rowsByCountry.set(country, (codes = new Map()));
      const existing = codes.get(postalCode);
      if (existing !== undefined && (existing >= firstRow || replacedRows.has(existing))) return void duplicates++;

      // Admin name and code are adjacent columns: their bytes, with the tab between them, identify the pair.
      if (!lastAdmin.matches(buf, adminNameStart, adminCodeEnd)) {
        const adminName = boundedName(buf, adminNameStart, adminNameEnd);
        const adminCode = boundedName(buf, adminCodeStart, adminCodeEnd);
        if (adminName === undefined || adminCode === undefined) return void malformed++;
        lastAdmin.remember(buf, adminNameStart, adminCodeEnd, this.internAdmin(adminName, adminCode));
      }
      if (!lastPlace.matches(buf, placeStart, placeEnd)) {
        const placeName = boundedName(buf, placeStart, placeEnd);
        if (placeName === undefined) return void malformed++;
        lastPlace.remember(buf, placeStart, placeEnd, placeName);
      }
      // An accuracy that is no whole number in range is taken as none: the row check leaves the column alone.
      const accuracy = Math.max(0, readAccuracy(buf, scan) + 1);
      let row = existing;
      if (row === undefined) {
        if (this.placeNames.length >= this.maxCodes) return void (full = true);
        row = this.append(codes, postalCode);
      } else {
        replacedRows.add(row);
        replaced++;
        undo.push(this.rowValues(row));
      }
      this.overwrite(row, scan.latitude, scan.longitude, lastPlace.value, lastAdmin.value, accuracy, sourceId);
      if (country !== lastIndexedCountry) countries.add((lastIndexedCountry = country));
      // A code its country's full format refuses was accepted as a first part (postal-code.ts).
      if (firstParts !== undefined && !firstParts.canonical.test(postalCode)) prefixes++;
    };
    const lines = new LineReader({
      line: addLine,
      tooLong: () => {
        if (full) return;
        rows++;
        malformed++;
      },
    });

    for await (const chunk of chunks) {
      lines.push(chunk);
      if (full) break;
    }
    if (!full) lines.end();
    if (full) {
      this.undoFile(firstRow, undo);
      this.sourceNames.pop();
      throw new TooManyCodesError(file, this.maxCodes);
    }
    const indexed = rows - duplicates - malformed;
    return { file, sourceId, rows, duplicates, replaced, malformed, indexed, prefixes, countries: [...countries].sort() };
  }

  private rowValues(row: number): Replaced {
    return {
      row,
      latitude: this.latitudes[row] ?? 0,
      longitude: this.longitudes[row] ?? 0,
      placeName: this.placeNames[row] ?? null,
      adminRef: this.adminRefs[row] ?? 0,
      accuracy: this.accuracies[row] ?? 0,
      source: this.sources[row] ?? 0,
    };
  }

  // Removes the codes a refused file added (its rows from `firstRow` on) and restores the rows it replaced.
  private undoFile(firstRow: number, undo: readonly Replaced[]): void {
    for (const [country, codes] of this.rowsByCountry) {
      for (const [code, row] of codes) if (row >= firstRow) codes.delete(code);
      // Only a country this file brought can be left empty.
      if (codes.size === 0) this.rowsByCountry.delete(country);
    }
    this.placeNames.length = firstRow;
    for (const { row, latitude, longitude, placeName, adminRef, accuracy, source } of undo) this.overwrite(row, latitude, longitude, placeName, adminRef, accuracy, source);
  }

  private append(codes: Map<string, number>, postalCode: string): number {
    const row = this.placeNames.length;
    if (row === this.latitudes.length) {
      this.latitudes = grow(this.latitudes, new Float64Array(row * 2));
      this.longitudes = grow(this.longitudes, new Float64Array(row * 2));
      this.adminRefs = grow(this.adminRefs, new Uint32Array(row * 2));
      this.accuracies = grow(this.accuracies, new Uint8Array(row * 2));
      this.sources = grow(this.sources, new Uint16Array(row * 2));
    }
    codes.set(postalCode, row);
    this.placeNames.push(null);
    return row;
  }

  private overwrite(row: number, latitude: number, longitude: number, placeName: string | null, adminRef: number, accuracy: number, source: number): void {
    // Positional, so a row allocates nothing. Files load before any lookup: no place of this row exists yet.
    this.latitudes[row] = latitude;
    this.longitudes[row] = longitude;
    this.adminRefs[row] = adminRef;
    this.placeNames[row] = placeName;
    this.accuracies[row] = accuracy;
    this.sources[row] = source;
  }

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

/** The largest source number the index's two bytes per row hold. */
const MAX_SOURCE_ID = 0xffff;

/** A row as it was before a later file replaced it. */
interface Replaced {
  readonly row: number;
  readonly latitude: number;
  readonly longitude: number;
  readonly placeName: string | null;
  readonly adminRef: number;
  readonly accuracy: number;
  readonly source: number;
}

/** The value last decoded from a column, with its bytes: a row whose bytes match reuses it without decoding. */
class RepeatCache<T> {
  private bytes = Buffer.alloc(64);
  private length = -1;

  constructor(public value: T) {}

  matches(buf: Buffer, start: number, end: number): boolean {
    const length = end - start;
    if (length !== this.length) return false;
    // A loop, not Buffer.compare: these are a few bytes, and a call into C++ costs more.
    for (let i = 0; i < length; i++) if (buf[start + i] !== this.bytes[i]) return false;
    return true;
  }

  remember(buf: Buffer, start: number, end: number, value: T): void {
    const length = end - start;
    if (length > this.bytes.length) this.bytes = Buffer.alloc(2 * length);
    for (let i = 0; i < length; i++) this.bytes[i] = buf[start + i] ?? 0; // a few bytes: cheaper than Buffer#copy's call into C++
    this.length = length;
    this.value = value;
  }
}

const decode = (buf: Buffer, start: number, end: number): string => buf.toString('utf8', start, end);

function grow<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

const orNull = (s: string): string | null => (s.length === 0 ? null : s);

/** A name column as a string (null when blank), or undefined when it is longer than any real name. */
function boundedName(buf: Buffer, start: number, end: number): string | null | undefined {
  // A character takes at most 4 bytes: anything longer in bytes is too long in characters, and is not decoded.
  if (end - start > 4 * MAX_NAME_LENGTH) return undefined;
  const name = decode(buf, start, end);
  return name.length > MAX_NAME_LENGTH ? undefined : orNull(name);
}
