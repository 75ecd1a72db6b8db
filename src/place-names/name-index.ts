/**
 * The loaded codes by normalized place name (normalize.ts), built once per gazetteer and never
 * changed: the distinct names sorted (the names equal to a query or beginning with it are one run,
 * found by binary search), each name's codes a run of one array in id order (country, then postal
 * code), and each code's first-level admin code (interned, upper case). Codes with no name are not held.
 */
import { at } from '../arrays.js';
import type { SpatialIndex } from '../spatial/spatial-index.js';
import { normalizePlaceName, type PrefixForm } from './normalize.js';

export interface NamedCodeSource {
  /** Calls `visit` once per code, in the order the spatial index's source visited them. */
  forEachCodeName(visit: (countryCode: string, postalCode: string, placeName: string | null, adminCode: string | null) => void): void;
}

/** A run of names, by index in {@link PlaceNameIndex.names}: `start` included, `end` not. */
export interface NameRange {
  readonly start: number;
  readonly end: number;
}

export class PlaceNameIndex {
  readonly names: readonly string[];
  /** The codes named `names[i]` are `ids[starts[i]]` up to (not including) `ids[starts[i + 1]]`, ascending. */
  private readonly starts: Uint32Array;
  private readonly ids: Uint32Array;
  /** The admin code of each code, by id, as an index into {@link admins} (0: none). */
  private readonly adminOf: Uint16Array;
  private readonly admins: readonly string[];

  private constructor(names: readonly string[], starts: Uint32Array, ids: Uint32Array, adminOf: Uint16Array, admins: readonly string[]) {
    this.names = names;
    this.starts = starts;
    this.ids = ids;
    this.adminOf = adminOf;
    this.admins = admins;
  }

  /** Indexes `source`'s names; `idsByVisit[i]` is the id in `index` of the i-th code `source` visits (`SpatialIndex.build`); throws if they disagree. */
  static from(source: NamedCodeSource, index: SpatialIndex, idsByVisit: Uint32Array): PlaceNameIndex {
    const nameOf = new Int32Array(index.size).fill(-1);
    const adminOf = new Uint16Array(index.size);
    const admins = [''];
    const adminIds = new Map<string, number>([['', 0]]);
    /** The number of each admin code as the data writes it (GeoNamesIndex shares one string per code: hashed once). */
    const rawAdminIds = new Map<string, number>();
    const found: string[] = [];
    const counts: number[] = [];
    const foundIds = new Map<string, number>();
    // Each raw name's number in the country being visited: normalized once per country (one small map each).
    let rawIds = new Map<string, number>();
    let country = '';
    // GeoNames files list a place's codes together: the previous row's name spares most lookups.
    let lastRaw: string | null = null;
    let lastName = -1;
    let visit = 0;
    source.forEachCodeName((countryCode, postalCode, placeName, adminCode) => {
      const id = at(idsByVisit, visit++);
      if (countryCode !== country) {
        country = countryCode;
        rawIds = new Map();
      }
      if (at(index.postalCodes, id) !== postalCode) throw new Error(`the name source visits ${postalCode} where the spatial index has ${at(index.postalCodes, id)}`);
      if (adminCode !== null) {
        let adminId = rawAdminIds.get(adminCode);
        if (adminId === undefined) {
          const admin = adminCode.toUpperCase();
          adminId = adminIds.get(admin);
          if (adminId === undefined) {
            adminId = admins.push(admin) - 1;
            if (adminId > 0xffff) throw new RangeError('more than 65,535 distinct admin codes');
            adminIds.set(admin, adminId);
          }
          rawAdminIds.set(adminCode, adminId);
        }
        adminOf[id] = adminId;
      }
      if (placeName === null) return;
      let name = placeName === lastRaw ? lastName : rawIds.get(placeName);
      if (name === undefined) {
        const normalized = normalizePlaceName(placeName);
        name = normalized === '' ? -1 : foundIds.get(normalized);
        if (name === undefined) {
          name = found.push(normalized) - 1;
          foundIds.set(normalized, name);
        }
        rawIds.set(placeName, name);
      }
      lastRaw = placeName;
      lastName = name;
      if (name < 0) return;
      nameOf[id] = name;
      counts[name] = (counts[name] ?? 0) + 1;
    });
    if (visit !== index.size) throw new Error(`the name source visited ${visit} codes, the spatial index holds ${index.size}`);

    // Sorted without a comparator: UTF-16 order, as `<` in `lowerBound`. Filling by ascending id keeps each run in id order.
    const sorted = [...found].sort();
    const order = sorted.map((name) => foundIds.get(name) ?? -1);
    const rankOf = new Uint32Array(found.length);
    for (const [rank, name] of order.entries()) rankOf[name] = rank;
    const starts = new Uint32Array(found.length + 1);
    for (const [rank, name] of order.entries()) starts[rank + 1] = at(starts, rank) + at(counts, name);
    const filled = starts.slice(0, found.length);
    const ids = new Uint32Array(at(starts, found.length));
    for (let id = 0; id < index.size; id++) {
      const name = at(nameOf, id);
      if (name < 0) continue;
      const rank = at(rankOf, name);
      ids[at(filled, rank)] = id;
      filled[rank] = at(filled, rank) + 1;
    }
    return new PlaceNameIndex(
      sorted,
      starts,
      ids,
      adminOf,
      admins,
    );
  }

  /** Codes held (those with a place name). */
  get size(): number {
    return this.ids.length;
  }

  /** The names equal to `normalized`: one, or none. */
  exact(normalized: string): NameRange {
    const start = this.lowerBound(normalized, 0);
    return { start, end: this.names[start] === normalized ? start + 1 : start };
  }

  /** The names a PREFIX form matches: those beginning with its text (as whole words when it says so). */
  beginningWith(form: PrefixForm): NameRange {
    const { text, wholeWord } = form;
    const start = this.lowerBound(text, 0);
    if (!wholeWord) return { start, end: this.endOfPrefix(text, start) };
    // The name itself, then those continuing it with a space: no character of a normalized name sorts below a space.
    const afterItself = this.names[start] === text ? start + 1 : start;
    return { start, end: this.endOfPrefix(`${text} `, afterItself) };
  }

  /** Where the codes of name `name` (an index into {@link names}) start, as a position for {@link idAt}; they end where the next name's start. */
  codesStart(name: number): number {
    return at(this.starts, name);
  }

  codesIn(range: NameRange): number {
    return at(this.starts, range.end) - at(this.starts, range.start);
  }

  idAt(position: number): number {
    return at(this.ids, position);
  }

  /** The admin code of code `id` as a number to compare with {@link adminId}'s; 0 when it has none. */
  adminOfId(id: number): number {
    return at(this.adminOf, id);
  }

  /** The number of an admin code (any case); undefined when no loaded code has it. */
  adminId(adminCode: string): number | undefined {
    const index = this.admins.indexOf(adminCode.toUpperCase());
    return index <= 0 ? undefined : index;
  }

  lowerBound(text: string, from: number): number {
    let low = from;
    let high = this.names.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (at(this.names, middle) < text) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The end of the run of names beginning with `text` that starts at `from`. */
  private endOfPrefix(text: string, from: number): number {
    let low = from;
    let high = this.names.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (at(this.names, middle).startsWith(text)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
