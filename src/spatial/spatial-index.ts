/**
 * The loaded postal codes in kd-trees over longitude and latitude (kdbush), one per country, for
 * the searches in search.ts.
 *
 * One tree per country rather than one for the world: a search limited to some countries
 * (`countryCodes`) walks only their trees, where one tree would make it wade through every other
 * country's codes nearer the origin (measured: 240 ms for the codes of Japan nearest New York among
 * 1.5 million), and every node of a tree holds codes of one country, so a node wholly inside a
 * radius can be counted without looking at its codes. Trees of countries far from the origin are
 * passed by at the root, from the box around all their codes.
 *
 * Built once from whatever rows the GeoNames index finally holds (one per code: the row `location`
 * answers with), after every file is loaded; it never changes afterwards. Each code gets an id
 * 0 … size − 1 in the order of its key: countries in code order, and within a country postal codes
 * in code order (JavaScript's string order), so sorting ids sorts codes by (country, code), the
 * order the area and place-name searches page in. Everything about a code lives in arrays indexed
 * by that id: the coordinates, the country, and the postal-code strings the GeoNames index already
 * holds (shared, not copied); plus the trees' own arrays. About 46 bytes a code: 70 MB for 1.5 million.
 */
import KDBush from 'kdbush';
import { at } from '../arrays.js';

/** Where the codes come from: `GeoNamesIndex` implements it. */
export interface CodeSource {
  /** Calls `visit` once per postal code, with the coordinates (degrees, WGS-84) it is located at. */
  forEachCode(visit: (countryCode: string, postalCode: string, latitude: number, longitude: number) => void): void;
}

/** A longitude–latitude box in degrees: west, south, east, north. */
export type Box = readonly [west: number, south: number, east: number, north: number];

/** The codes of one country. */
export interface CountryTree {
  /**
   * kd-tree of the country's codes: x is the longitude, y the latitude, as geokdbush expects. Its
   * ids count from 0 within the country; add {@link firstId} for the code's id.
   */
  readonly tree: KDBush;
  /** The id of the country's first code. */
  readonly firstId: number;
  /** The smallest box holding all of the country's codes. */
  readonly box: Box;
}

/** Points per kd-tree leaf: kdbush's default, which its author tuned for queries like ours. */
const NODE_SIZE = 64;

export class SpatialIndex {
  /** Number of postal codes indexed. */
  readonly size: number;
  /** The countries loaded, by country index: in code order. */
  readonly countries: readonly string[];
  /** The tree of each country, by country index. Read-only once built. */
  readonly trees: readonly CountryTree[];
  /** Latitude of each code, by id (degrees). */
  readonly latitudes: Float64Array;
  /** Longitude of each code, by id (degrees). */
  readonly longitudes: Float64Array;
  /** Country of each code, by id, as an index into {@link countries}. */
  readonly countryOf: Uint16Array;
  /** Postal code of each code, by id. */
  readonly postalCodes: readonly string[];

  private constructor(fields: Omit<SpatialIndex, 'countryIndex' | 'idAfter'>) {
    this.size = fields.size;
    this.countries = fields.countries;
    this.trees = fields.trees;
    this.latitudes = fields.latitudes;
    this.longitudes = fields.longitudes;
    this.countryOf = fields.countryOf;
    this.postalCodes = fields.postalCodes;
  }

  /** Indexes every code `source` holds. Call it once the source is fully loaded. */
  static from(source: CodeSource): SpatialIndex {
    return SpatialIndex.build(source).index;
  }

  /**
   * Indexes every code `source` holds, and says which id each got, by the order `forEachCode`
   * visited them: an index built beside this one from the same source (place-names/) maps its
   * codes to ids with it, visiting in the same order, without looking a key up.
   */
  static build(source: CodeSource): { readonly index: SpatialIndex; readonly idsByVisit: Uint32Array } {
    // First pass: the countries and their sizes, so every array is allocated once, exactly.
    const seen: string[] = [];
    const counts: number[] = [];
    const seenIndex = lastCountryIndex(seen);
    source.forEachCode((countryCode) => {
      const country = seenIndex(countryCode);
      counts[country] = (counts[country] ?? 0) + 1;
    });
    const size = counts.reduce((sum, n) => sum + n, 0);

    // Second pass: each code's country and postal code, in the order visited.
    const visitCountries = new Uint16Array(size);
    const visitCodes = new Array<string>(size).fill('');
    let visited = 0;
    source.forEachCode((countryCode, postalCode) => {
      if (visited < size) {
        visitCountries[visited] = seenIndex(countryCode);
        visitCodes[visited] = postalCode;
      }
      visited++;
    });
    if (visited !== size || seen.length !== counts.length) throw new Error('the code source listed other codes on its second pass than on its first');

    // Ids in key order: countries by code (a counting sort of the visits), then each country's codes by postal code.
    const countries = [...seen].sort();
    const countryOfSeen = seen.map((code) => countries.indexOf(code));
    const firstIds: number[] = [];
    let next = 0;
    for (const code of countries) {
      firstIds.push(next);
      next += at(counts, seen.indexOf(code));
    }
    const filled = [...firstIds];
    const byKey = new Uint32Array(size);
    for (let visit = 0; visit < size; visit++) {
      const country = at(countryOfSeen, at(visitCountries, visit));
      byKey[at(filled, country)] = visit;
      filled[country] = at(filled, country) + 1;
    }
    const byCode = (a: number, b: number): number => {
      const codeA = at(visitCodes, a);
      const codeB = at(visitCodes, b);
      return codeA < codeB ? -1 : codeA > codeB ? 1 : 0;
    };
    const idsByVisit = new Uint32Array(size);
    const countryOf = new Uint16Array(size);
    const postalCodes = new Array<string>(size).fill('');
    for (const [country, firstId] of firstIds.entries()) {
      // GeoNames files are mostly sorted already, which the engine's sort of arrays (not of typed arrays) finds in about linear time.
      const visits = Array.from(byKey.subarray(firstId, at(filled, country))).sort(byCode);
      for (let offset = 0; offset < visits.length; offset++) {
        const visit = at(visits, offset);
        idsByVisit[visit] = firstId + offset;
        countryOf[firstId + offset] = country;
        postalCodes[firstId + offset] = at(visitCodes, visit);
      }
    }

    // Third pass: each code's coordinates, at its id; then each country's tree, adding its codes in id order.
    const latitudes = new Float64Array(size);
    const longitudes = new Float64Array(size);
    visited = 0;
    source.forEachCode((_countryCode, _postalCode, latitude, longitude) => {
      const id = at(idsByVisit, visited++);
      latitudes[id] = latitude;
      longitudes[id] = longitude;
    });
    const trees = firstIds.map((firstId, country): CountryTree => {
      const end = at(filled, country);
      const tree = new KDBush(end - firstId, NODE_SIZE);
      const box: [number, number, number, number] = [180, 90, -180, -90];
      for (let id = firstId; id < end; id++) {
        const latitude = at(latitudes, id);
        const longitude = at(longitudes, id);
        tree.add(longitude, latitude);
        box[0] = Math.min(box[0], longitude);
        box[1] = Math.min(box[1], latitude);
        box[2] = Math.max(box[2], longitude);
        box[3] = Math.max(box[3], latitude);
      }
      return { tree: tree.finish(), firstId, box };
    });
    return { index: new SpatialIndex({ size, countries, trees, latitudes, longitudes, countryOf, postalCodes }), idsByVisit };
  }

  /** The index of a loaded country in {@link countries}, or undefined when no code of it is loaded. */
  countryIndex(countryCode: string): number | undefined {
    const index = this.countries.indexOf(countryCode);
    return index < 0 ? undefined : index;
  }

  /**
   * The first id whose key (country, postal code) sorts after the given one: the ids from it on
   * follow a cursor at that key, whether or not the key is a loaded code.
   */
  idAfter(countryCode: string, postalCode: string): number {
    let country = 0;
    while (country < this.countries.length && at(this.countries, country) < countryCode) country++;
    if (country === this.countries.length) return this.size;
    const { firstId, tree } = at(this.trees, country);
    if (at(this.countries, country) !== countryCode) return firstId;
    // The first code of the country after `postalCode` (ids are in code order within it).
    let low = firstId;
    let high = firstId + tree.numItems;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (at(this.postalCodes, middle) <= postalCode) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/**
 * A country's index in `countries`, added on first sight. The source lists codes country by
 * country, so remembering the last answer spares nearly every lookup.
 */
function lastCountryIndex(countries: string[]): (countryCode: string) => number {
  let lastCode = '';
  let lastIndex = -1;
  return (countryCode) => {
    if (countryCode !== lastCode) {
      lastIndex = countries.indexOf(countryCode);
      if (lastIndex < 0) lastIndex = countries.push(countryCode) - 1;
      lastCode = countryCode;
    }
    return lastIndex;
  };
}
