/**
 * The loaded codes in kd-trees (kdbush, x longitude, y latitude), one per country: a search limited by
 * `countryCodes` walks only its countries' trees, a node wholly inside a radius is counted unvisited,
 * and a far country is passed by at its root box. Built once from the rows `location` answers with,
 * after every file is loaded; immutable. Ids 0 … size − 1 follow (country, postal code) in JavaScript
 * string order, the order the area and place-name searches page in; arrays hold each code by id.
 */
import KDBush from 'kdbush';
import { at } from '../arrays.js';

export interface CodeSource {
  /** Calls `visit` once per postal code, with its coordinates (degrees, WGS-84), in the same order every time. */
  forEachCode(visit: (countryCode: string, postalCode: string, latitude: number, longitude: number) => void): void;
}

export type Box = readonly [west: number, south: number, east: number, north: number];

export interface CountryTree {
  /** Its ids plus {@link firstId} are the codes' ids. */
  readonly tree: KDBush;
  readonly firstId: number;
  readonly box: Box;
}

/** Points per kd-tree leaf: kdbush's default, which its author tuned for queries like ours. */
const NODE_SIZE = 64;

export class SpatialIndex {
  readonly size: number;
  /** By country index, in code order. */
  readonly countries: readonly string[];
  readonly trees: readonly CountryTree[];
  /** Degrees, by id; so are {@link longitudes}. */
  readonly latitudes: Float64Array;
  readonly longitudes: Float64Array;
  /** By id, an index into {@link countries}. */
  readonly countryOf: Uint16Array;
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

  /** Call it once the source is fully loaded. */
  static from(source: CodeSource): SpatialIndex {
    return SpatialIndex.build(source).index;
  }

  /** Also returns each code's id by visit order, so an index built beside it (place-names/) maps codes without a lookup. */
  static build(source: CodeSource): { readonly index: SpatialIndex; readonly idsByVisit: Uint32Array } {
    // Three passes over the source: counts first, so every array is allocated once, exactly.
    const seen: string[] = [];
    const counts: number[] = [];
    const seenIndex = lastCountryIndex(seen);
    source.forEachCode((countryCode) => {
      const country = seenIndex(countryCode);
      counts[country] = (counts[country] ?? 0) + 1;
    });
    const size = counts.reduce((sum, n) => sum + n, 0);

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
      // An array, not a typed array: the engine's array sort runs in about linear time on GeoNames' mostly sorted files.
      const visits = Array.from(byKey.subarray(firstId, at(filled, country))).sort(byCode);
      for (let offset = 0; offset < visits.length; offset++) {
        const visit = at(visits, offset);
        idsByVisit[visit] = firstId + offset;
        countryOf[firstId + offset] = country;
        postalCodes[firstId + offset] = at(visitCodes, visit);
      }
    }

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

  countryIndex(countryCode: string): number | undefined {
    const index = this.countries.indexOf(countryCode);
    return index < 0 ? undefined : index;
  }

  /** The first id whose key sorts after (countryCode, postalCode), a loaded code or not: where a key cursor's page starts. */
  idAfter(countryCode: string, postalCode: string): number {
    let country = 0;
    while (country < this.countries.length && at(this.countries, country) < countryCode) country++;
    if (country === this.countries.length) return this.size;
    const { firstId, tree } = at(this.trees, country);
    if (at(this.countries, country) !== countryCode) return firstId;
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

/** A country's index in `countries`, added on first sight; the last answer is cached: sources list country by country. */
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
