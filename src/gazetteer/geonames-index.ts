/**
 * A compact, read-only index of GeoNames postal-code dumps, built by streaming the files.
 *
 * Sized for GeoNames' allCountries.txt (about 1.5 million rows): coordinates live in growable
 * Float64Arrays, admin names are interned, and the only per-row objects are the key string and
 * the place-name string. Parsing works on raw bytes so every string is a fresh copy: slices of a
 * decoded chunk would keep the whole chunk alive and, with it, the whole file.
 *
 * Loading speed (measured with `npm run bench:startup`): turning bytes into strings is a call into
 * C++ that costs more than the rest of a row's work, so the loader makes only the strings it keeps
 * (the postal code and, unless it repeats the previous row's, the place name). Coordinates are
 * parsed from the bytes; the country, admin pair and place name are compared with the previous
 * row's bytes first, because GeoNames files are sorted by country and grouped by admin area.
 *
 * Rows are keyed by their canonical code (the same normalization as user input), whether the file
 * holds full codes (GB_full: `SW1A 1AA`) or only their first parts (the basic GB file: `SW1A`).
 *
 * What a row is (the file format, the strict decimal degrees, the longest line) is src/geonames/'s:
 * a line it refuses is counted as malformed, so the loader indexes exactly what the data command's
 * check accepts, then also refuses names longer than any real one and codes their country cannot have.
 *
 * Memory is bounded by `maxCodes`: a file that would take the index past it is refused whole (the
 * index is left as it was before that file) rather than let one file exhaust the process.
 *
 * Provenance: each row keeps, beside its coordinates, its accuracy column (one byte) and which file
 * wrote it last (two bytes: the file's number in load order), so a place says what answered it and
 * each file how many of its codes it still answers.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { COLUMN } from '../geonames/format.js';
import { LineReader } from '../geonames/lines.js';
import { ANY_COUNTRY, readAccuracy, RowFault, RowScan, scanRow } from '../geonames/row.js';
import { MAX_NAME_LENGTH, type Place } from '../postal/place.js';
import { normalizeDataPostalCode, postalCodePrefix } from '../postal/postal-code.js';
import { postalFormatOf, type PostalFormat } from '../postal/postal-formats.js';

/** The columns the index reads (plain constants: read once per row). */
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
  /**
   * Rows skipped: not a GeoNames row (src/geonames/row.ts: columns, control characters, the
   * country, a coordinate that is not decimal degrees in range, a line longer than any row), a
   * name longer than any real one, or a code its country's format refuses.
   */
  readonly malformed: number;
  /** Rows indexed, new or replacing an earlier file's: every row but duplicates and malformed ones. */
  readonly indexed: number;
  /** Of those, rows holding only the first part of a code (`SW1A`, `K1A`: see postal-formats.ts). */
  readonly prefixes: number;
  /** The countries of the rows indexed, sorted. */
  readonly countries: readonly string[];
}

/** How a file is loaded. */
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
  /**
   * Row of each canonical postal code, one map per country. Not one map keyed by country + code:
   * that key is a concatenation V8 must flatten before hashing, and one map of 1.5 million
   * entries makes every insert a cache miss, where a country's map stays small while it loads.
   */
  private readonly rowsByCountry = new Map<string, Map<string, number>>();
  private latitudes = new Float64Array(1 << 16);
  private longitudes = new Float64Array(1 << 16);
  private adminRefs = new Uint32Array(1 << 16);
  /** Each row's accuracy plus one; 0 for none. */
  private accuracies = new Uint8Array(1 << 16);
  /** Each row's source: the number of the file that wrote it last. */
  private sources = new Uint16Array(1 << 16);
  /** The names of the sources, by number. */
  private readonly sourceNames: string[] = [];
  private readonly placeNames: (string | null)[] = [];
  /**
   * The place of each code asked so far, by country, made on its first lookup and kept: a code's
   * place is then one object for the life of the process (what the time-zone cache keys by), and a
   * lookup after the first is one map lookup and allocates nothing (profiled: the row path, with
   * its arrays, cost 12% of the CPU under random 100-pair requests).
   */
  private readonly placesByCountry = new Map<string, Map<string, Place>>();
  /** Interned `[adminName, adminCode]` pairs; a country has a few dozen, the world a few thousand. */
  private readonly admins: (readonly [string | null, string | null])[] = [];
  private readonly adminIds = new Map<string, number>();
  private readonly maxCodes: number;

  constructor(options: GeoNamesIndexOptions = {}) {
    this.maxCodes = options.maxCodes ?? Number.POSITIVE_INFINITY;
  }

  /** Number of postal codes indexed. */
  get size(): number {
    return this.placeNames.length;
  }

  /** The name of a source (a file loaded), by its number. */
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

  /** Whether any row of this country was loaded. */
  hasCountry(countryCode: string): boolean {
    return this.rowsByCountry.has(countryCode);
  }

  /**
   * The place of a canonical code: its own row, or else, when the loaded data holds its first part
   * (a basic GB file holds outward codes such as `SW1A`; GB_full holds only full postcodes), that
   * part's row, with precision `PREFIX`. Whether a country's data holds full codes or first parts
   * is what its rows show: no list of countries decides it.
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

  /**
   * Calls `visit` once for every indexed postal code, with the coordinates {@link get} returns for
   * it (so a code listed by several rows is visited once, at the row the index keeps). Country by
   * country, in no order callers should rely on. For building derived indexes (src/spatial/).
   */
  forEachCode(visit: (countryCode: string, postalCode: string, latitude: number, longitude: number) => void): void {
    for (const [countryCode, codes] of this.rowsByCountry) {
      for (const [postalCode, row] of codes) visit(countryCode, postalCode, this.latitudes[row] ?? Number.NaN, this.longitudes[row] ?? Number.NaN);
    }
  }

  /**
   * Calls `visit` once for every indexed postal code with the place name and first-level admin
   * code {@link get} returns for it, in the order {@link forEachCode} visits them (an index built
   * beside the spatial one relies on it: place-names/).
   */
  forEachCodeName(visit: (countryCode: string, postalCode: string, placeName: string | null, adminCode: string | null) => void): void {
    for (const [countryCode, codes] of this.rowsByCountry) {
      for (const [postalCode, row] of codes) visit(countryCode, postalCode, this.placeNames[row] ?? null, this.admins[this.adminRefs[row] ?? 0]?.[1] ?? null);
    }
  }

  /**
   * Streams one GeoNames file into the index, `chunkBytes` at a time (default 1 MiB).
   *
   * A row for a code an earlier file holds replaces that row in place: files are loaded from the
   * broadest to the most specific (the bundled data, DATA_DIR, GEONAMES_FILES, the overrides), so
   * the later one is the operator's newer or finer data. Within one file the first row for a code
   * wins, as before: GeoNames lists a code once per place it serves (the US file has two such
   * codes), rows of equal standing, and keeping the first keeps the answers for those codes what
   * they have always been.
   *
   * Rejects with {@link TooManyCodesError}, having undone everything this file did, when its new
   * codes would take the index past `maxCodes`; reading stops there.
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
    // Column values of the previous row, by their bytes (see the module comment).
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
      // Where each column we read starts and ends (plain locals: no closures allocated per row).
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
      // Names are bounded as a provider's are (MAX_NAME_LENGTH): a longer one is no place name.
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

  // A row's values, to restore it.
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

  // Adds a row for a code, growing the typed arrays by doubling; returns it, for `overwrite` to fill in.
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

  // Gives a row its values (`accuracy` plus one, 0 for none; `source` the file's number). Positional, so a row allocates nothing.
  private overwrite(row: number, latitude: number, longitude: number, placeName: string | null, adminRef: number, accuracy: number, source: number): void {
    // Files load before any lookup, so no place of this row was made yet.
    this.latitudes[row] = latitude;
    this.longitudes[row] = longitude;
    this.adminRefs[row] = adminRef;
    this.placeNames[row] = placeName;
    this.accuracies[row] = accuracy;
    this.sources[row] = source;
  }

  // Returns the id of an admin pair, adding it on first sight.
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
  /** The accuracy plus one; 0 for none. */
  readonly accuracy: number;
  readonly source: number;
}

/**
 * The value last decoded from a column, with the bytes it came from. Equal bytes decode to equal
 * strings, so a row whose bytes match may reuse the value without decoding (and shares the string).
 */
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

/** A fresh string from UTF-8 bytes (never a slice of a larger string, which would keep that alive). */
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
