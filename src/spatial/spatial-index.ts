/**
 * The loaded postal codes in a kd-tree over longitude and latitude (kdbush), for the searches in
 * search.ts.
 *
 * Built once from whatever rows the GeoNames index finally holds (one per code: the row `location`
 * answers with), after every file is loaded; it never changes afterwards. Each code gets an id
 * 0 … size − 1, and everything about it lives in arrays indexed by that id: the tree's own arrays,
 * the coordinates again by id, the country, and the postal-code strings the GeoNames index already
 * holds (shared, not copied). About 46 bytes a code: 70 MB for 1.5 million.
 */
import KDBush from 'kdbush';

/** Where the codes come from: `GeoNamesIndex` implements it. */
export interface CodeSource {
  /** Calls `visit` once per postal code, with the coordinates (degrees, WGS-84) it is located at. */
  forEachCode(visit: (countryCode: string, postalCode: string, latitude: number, longitude: number) => void): void;
}

/** Points per kd-tree leaf: kdbush's default, which its author tuned for queries like ours. */
const NODE_SIZE = 64;

export class SpatialIndex {
  /** Number of postal codes indexed. */
  readonly size: number;
  /**
   * kd-tree of the codes: x is the longitude, y the latitude, as geokdbush expects; its ids are
   * the codes' ids. Read-only once built.
   */
  readonly tree: KDBush;
  /** Latitude of each code, by id (degrees). */
  readonly latitudes: Float64Array;
  /** Longitude of each code, by id (degrees). */
  readonly longitudes: Float64Array;
  /** Country of each code, by id, as an index into {@link countries}. */
  readonly countryOf: Uint16Array;
  /** Postal code of each code, by id. */
  readonly postalCodes: readonly string[];
  /** The countries loaded, by country index. */
  readonly countries: readonly string[];
  /** Number of codes of each country, by country index. */
  readonly codesPerCountry: Uint32Array;

  private constructor(fields: Omit<SpatialIndex, 'countryIndex'>) {
    this.size = fields.size;
    this.tree = fields.tree;
    this.latitudes = fields.latitudes;
    this.longitudes = fields.longitudes;
    this.countryOf = fields.countryOf;
    this.postalCodes = fields.postalCodes;
    this.countries = fields.countries;
    this.codesPerCountry = fields.codesPerCountry;
  }

  /** Indexes every code `source` holds. Call it once the source is fully loaded. */
  static from(source: CodeSource): SpatialIndex {
    // Two passes over the source: the tree and the arrays are sized exactly, with no regrowing.
    let size = 0;
    source.forEachCode(() => void size++);
    const tree = new KDBush(size, NODE_SIZE);
    const latitudes = new Float64Array(size);
    const longitudes = new Float64Array(size);
    const countryOf = new Uint16Array(size);
    const postalCodes: string[] = [];
    const countries: string[] = [];
    const counts: number[] = [];
    // The source lists codes country by country, so the previous row's country is nearly always this one's.
    let lastCountry = '';
    let lastIndex = -1;
    let id = 0;
    source.forEachCode((countryCode, postalCode, latitude, longitude) => {
      if (countryCode !== lastCountry) {
        lastIndex = countries.indexOf(countryCode);
        if (lastIndex < 0) lastIndex = countries.push(countryCode) - 1;
        lastCountry = countryCode;
      }
      counts[lastIndex] = (counts[lastIndex] ?? 0) + 1;
      countryOf[id] = lastIndex;
      latitudes[id] = latitude;
      longitudes[id] = longitude;
      postalCodes.push(postalCode);
      tree.add(longitude, latitude);
      id++;
    });
    if (id !== size) throw new Error(`the code source listed ${id} codes on its second pass, ${size} on its first`);
    tree.finish();
    return new SpatialIndex({
      size,
      tree,
      latitudes,
      longitudes,
      countryOf,
      postalCodes,
      countries,
      codesPerCountry: Uint32Array.from(counts, (n) => n ?? 0),
    });
  }

  /** The index of a loaded country in {@link countries}, or undefined when no code of it is loaded. */
  countryIndex(countryCode: string): number | undefined {
    const index = this.countries.indexOf(countryCode);
    return index < 0 ? undefined : index;
  }
}
