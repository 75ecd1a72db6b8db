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
 * 0 … size − 1, the codes of a country in one run, and everything about it lives in arrays indexed
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
  /** The countries loaded, by country index. */
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

  private constructor(fields: Omit<SpatialIndex, 'countryIndex'>) {
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
    // First pass: the countries and their sizes, so every array and tree is allocated once, exactly.
    const countries: string[] = [];
    const counts: number[] = [];
    const countryIndex = lastCountryIndex(countries);
    source.forEachCode((countryCode) => {
      const country = countryIndex(countryCode);
      counts[country] = (counts[country] ?? 0) + 1;
    });
    let size = 0;
    const firstIds = counts.map((n) => (size += n) - n);
    const filled = counts.map(() => 0);
    const kdTrees = counts.map((n) => new KDBush(n, NODE_SIZE));
    const boxes = counts.map(() => [180, 90, -180, -90]);
    const latitudes = new Float64Array(size);
    const longitudes = new Float64Array(size);
    const countryOf = new Uint16Array(size);
    const postalCodes = new Array<string>(size).fill('');

    // Second pass: each code at the next id of its country.
    source.forEachCode((countryCode, postalCode, latitude, longitude) => {
      const country = countryIndex(countryCode);
      const id = at(firstIds, country) + at(filled, country);
      filled[country] = at(filled, country) + 1;
      latitudes[id] = latitude;
      longitudes[id] = longitude;
      countryOf[id] = country;
      postalCodes[id] = postalCode;
      at(kdTrees, country).add(longitude, latitude);
      const box = at(boxes, country);
      box[0] = Math.min(at(box, 0), longitude);
      box[1] = Math.min(at(box, 1), latitude);
      box[2] = Math.max(at(box, 2), longitude);
      box[3] = Math.max(at(box, 3), latitude);
    });
    if (filled.some((n, country) => n !== counts[country])) throw new Error('the code source listed other codes on its second pass than on its first');

    const trees = kdTrees.map((tree, country): CountryTree => {
      const box = at(boxes, country);
      return { tree: tree.finish(), firstId: at(firstIds, country), box: [at(box, 0), at(box, 1), at(box, 2), at(box, 3)] };
    });
    return new SpatialIndex({ size, countries, trees, latitudes, longitudes, countryOf, postalCodes });
  }

  /** The index of a loaded country in {@link countries}, or undefined when no code of it is loaded. */
  countryIndex(countryCode: string): number | undefined {
    const index = this.countries.indexOf(countryCode);
    return index < 0 ? undefined : index;
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
