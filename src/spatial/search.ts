/**
 * Spatial searches over the loaded postal codes, exact by the WGS-84 geodesic: the codes within a
 * radius of an origin, or the codes nearest a point, nearest first, one page at a time. Pure: no
 * GraphQL, no I/O.
 *
 * Order: by geodesic distance (`geodesicMeasure`, the function `distance` answers with), then the
 * origin's own code before any other (it is at distance 0 when the origin is a loaded code), then
 * country code, then postal code. Several GeoNames codes share coordinates, so the ties are
 * common; the order is total, which keyset pagination needs (cursor.ts).
 *
 * How it stays exact without solving a geodesic per code. Candidates come from the kd-tree on the
 * sphere, and sphere.ts bounds the geodesic by the spherical distance s:
 * geodesicAtLeast(s) ≤ geodesic ≤ geodesicAtMost(s). So:
 *  - membership in a radius R: a code with geodesicAtLeast(s) > R is out and one with
 *    geodesicAtMost(s) ≤ R is in; only the thin shell between (about 1% of R thick) is solved;
 *  - the page: among the codes that may follow the cursor, the (first + 1)-th smallest
 *    geodesicAtMost(s) of those surely after it bounds the page's last distance, so only codes
 *    whose geodesicAtLeast(s) is below that bound are solved and sorted: about `first` of them;
 *  - the nearest codes with no radius: geokdbush walks the tree in spherical order to the first + 1
 *    nearest codes that may follow the cursor; the largest of their geodesics, G, settles the
 *    search, since at least first + 1 codes after the cursor lie within G; the page is then the
 *    radius search of G. (Growing the search further is never needed: G is provably enough.)
 * The unit tests compare every result with a geodesic scan of every code.
 */
import { around } from 'geokdbush';
import quickselect from 'quickselect';
import { geodesicMeasure, type Measurement, type Point } from '../geodesy/distance.js';
import type { PostalKey } from '../geocoding/postal-code.js';
import { decodeCursor, encodeCursor, searchTag, type CursorPosition } from './cursor.js';
import { capBoxes, geodesicAtLeast, geodesicAtMost, sphericalDistanceFrom, sphericalReach } from './sphere.js';
import type { SpatialIndex } from './spatial-index.js';

/** What to search for. Everything here decides which codes match and their order; cursors are bound to it. */
export interface SpatialQuery {
  /** Where distances are measured from (degrees on WGS-84; see `searchPoint` in arguments.ts). */
  readonly origin: Point;
  /**
   * The loaded code the search starts from (`Location.nearby`): it sorts before every other code
   * at its distance. Give `origin` as the coordinates the index holds for it (those `location`
   * answers with) and it is the first edge, at distance 0.
   */
  readonly originCode?: PostalKey;
  /**
   * Only codes at most this far from `origin`, in metres along the geodesic (`radius`, `within`);
   * then `totalCount` counts them. Omitted: every code, nearest first, and `totalCount` counts every
   * code of the countries searched.
   */
  readonly radiusMeters?: number;
  /** Only codes of these countries (upper-case ISO 3166-1 alpha-2); omitted: every country. */
  readonly countryCodes?: readonly string[];
}

export interface PageRequest {
  /** Page size: an integer ≥ 1 (arguments.ts `pageSize` applies the service's maximum). */
  readonly first: number;
  /** The cursor the page starts after (an `endCursor` or an edge's cursor); omitted: the first page. */
  readonly after?: string | null;
}

/** One code found, with its distance and direction from the origin. */
export interface SpatialEdge extends PostalKey {
  /** The coordinates the index holds for the code (degrees). Build the place with `GeoNamesIndex.get`. */
  readonly latitude: number;
  readonly longitude: number;
  /** Geodesic distance from the origin, in metres. */
  readonly meters: number;
  /** Initial bearing of the geodesic from the origin, degrees clockwise from north in [0, 360); null at distance 0. */
  readonly initialBearing: number | null;
}

export interface SpatialPage {
  readonly edges: readonly SpatialEdge[];
  /** Codes matching the whole search, not only this page (see {@link SpatialQuery.radiusMeters}). */
  readonly totalCount: number;
  /** Whether codes follow the last edge. */
  readonly hasNextPage: boolean;
  /** The cursor of the last edge; null when the page is empty. */
  readonly endCursor: string | null;
}

/**
 * One page of the codes matching `query`, nearest first, after the cursor `request.after`.
 * Throws `AppError('BAD_USER_INPUT')` when that cursor is not one this search issued.
 */
export function searchNearby(index: SpatialIndex, query: SpatialQuery, request: PageRequest): SpatialPage {
  if (!Number.isInteger(request.first) || request.first < 1) throw new RangeError(`first must be an integer ≥ 1, got ${request.first}`);
  const tag = tagOf(query);
  const after = request.after === undefined || request.after === null ? undefined : decodeCursor(tag, request.after);
  const scan = new Scan(index, query, after);
  if (!scan.searchesAnything) return { edges: [], totalCount: 0, hasNextPage: false, endCursor: null };

  const limit = request.first + 1; // one more than the page, to know whether another page follows
  const totalCount = query.radiusMeters === undefined ? scan.collectNearest(limit) : scan.collect(query.radiusMeters, true);
  const found = scan.select(limit);
  const edges = found.slice(0, request.first).map((entry) => scan.edge(entry));
  const last = edges.at(-1);
  return { edges, totalCount, hasNextPage: found.length > request.first, endCursor: last ? encodeCursor(tag, last) : null };
}

/** The cursor of an edge of a page of `query` (computed on demand: it costs a hash, about 1 µs). */
export const edgeCursor = (query: SpatialQuery, edge: SpatialEdge): string => encodeCursor(tagOf(query), edge);

// Private: the tag of a search, from everything that decides its members and their order. The unit
// of the GraphQL arguments is not in it: it only changes how distances are shown, and the radius is
// compared in metres, so a page may be asked for in another unit as long as the radius is the same.
function tagOf(query: SpatialQuery): string {
  const { origin, originCode, radiusMeters, countryCodes } = query;
  const countries = countryCodes === undefined ? null : [...new Set(countryCodes)].sort();
  return searchTag(
    JSON.stringify([origin.latitude, origin.longitude, originCode?.countryCode ?? null, originCode?.postalCode ?? null, radiusMeters ?? null, countries]),
  );
}

interface Entry {
  readonly id: number;
  readonly measurement: Measurement;
}

/** One search: the codes that may be on the page, gathered by `collect*`, then ranked by `select`. */
class Scan {
  private readonly spherical: (latitude: number, longitude: number) => number;
  /** 1 for each country (by index) searched; undefined when every country is. */
  private readonly searched: Uint8Array | undefined;
  /** Geodesics solved so far, by code id: each is solved at most once per search. */
  private readonly solved = new Map<number, Measurement>();
  /** Codes that may follow the cursor, with their spherical distances (metres). */
  private readonly ids: number[] = [];
  private readonly sphericals: number[] = [];

  constructor(
    private readonly index: SpatialIndex,
    private readonly query: SpatialQuery,
    private readonly after: CursorPosition | undefined,
  ) {
    this.spherical = sphericalDistanceFrom(query.origin);
    if (query.countryCodes !== undefined) {
      this.searched = new Uint8Array(index.countries.length);
      for (const code of query.countryCodes) {
        const country = index.countryIndex(code);
        if (country !== undefined) this.searched[country] = 1;
      }
    }
  }

  /** Whether any loaded code can match (false when no country asked for is loaded). */
  get searchesAnything(): boolean {
    return this.index.size > 0 && (this.searched === undefined || this.searched.includes(1));
  }

  /**
   * Gathers the codes within `radiusMeters` (geodesic) that may follow the cursor. With `exact`, a
   * code whose bounds straddle the radius is solved to decide, and the result is the number of
   * codes within the radius; without, such codes are kept (`select` ranks them past the page anyway)
   * and the result is meaningless.
   */
  collect(radiusMeters: number, exact: boolean): number {
    const { tree, latitudes, longitudes } = this.index;
    const reach = sphericalReach(radiusMeters);
    const afterMeters = this.after?.meters ?? Number.NEGATIVE_INFINITY;
    let members = 0;
    for (const [west, south, east, north] of capBoxes(this.query.origin, reach)) {
      for (const id of tree.range(west, south, east, north)) {
        if (!this.admits(id)) continue;
        const s = this.spherical(latitudes[id] ?? 0, longitudes[id] ?? 0);
        if (s > reach) continue;
        if (exact && geodesicAtMost(s) > radiusMeters && this.measure(id).meters > radiusMeters) continue;
        members++;
        if (geodesicAtMost(s) < afterMeters) continue; // surely before the cursor
        this.ids.push(id);
        this.sphericals.push(s);
      }
    }
    return members;
  }

  /**
   * Gathers the codes that may be among the `limit` nearest following the cursor (see the module
   * comment). Returns the number of codes in the countries searched.
   */
  collectNearest(limit: number): number {
    const { tree, latitudes, longitudes, codesPerCountry } = this.index;
    const { longitude, latitude } = this.query.origin;
    const seeds = around(tree, longitude, latitude, limit, Infinity, (id) => this.admits(id) && this.mayFollow(id));
    if (seeds.length < limit) {
      // Every code after the cursor is a seed.
      for (const id of seeds) {
        this.ids.push(id);
        this.sphericals.push(this.spherical(latitudes[id] ?? 0, longitudes[id] ?? 0));
      }
    } else {
      let settled = 0;
      for (const id of seeds) settled = Math.max(settled, this.measure(id).meters);
      this.collect(settled, false);
    }
    let codes = 0;
    for (let country = 0; country < codesPerCountry.length; country++) {
      if (this.searched === undefined || this.searched[country] === 1) codes += codesPerCountry[country] ?? 0;
    }
    return codes;
  }

  /** The first `limit` gathered codes that follow the cursor, in order. */
  select(limit: number): Entry[] {
    const { ids, sphericals } = this;
    const afterMeters = this.after?.meters ?? Number.NEGATIVE_INFINITY;
    // The page's last distance is at most the limit-th smallest upper bound of the codes surely after the cursor.
    const surelyAfter = sphericals.filter((s) => geodesicAtLeast(s) > afterMeters);
    let bound = Infinity;
    if (surelyAfter.length >= limit) {
      quickselect(surelyAfter, limit - 1);
      bound = geodesicAtMost(surelyAfter[limit - 1] ?? Infinity);
    }
    const entries: Entry[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] ?? 0;
      if (geodesicAtLeast(sphericals[i] ?? 0) > bound) continue;
      const measurement = this.measure(id);
      if (this.follows(id, measurement.meters)) entries.push({ id, measurement });
    }
    entries.sort((a, b) => a.measurement.meters - b.measurement.meters || this.compareTies(a.id, this.keyOf(b.id)));
    return entries.slice(0, limit);
  }

  edge({ id, measurement }: Entry): SpatialEdge {
    const { meters, initialBearing } = measurement;
    return {
      ...this.keyOf(id),
      latitude: this.index.latitudes[id] ?? Number.NaN,
      longitude: this.index.longitudes[id] ?? Number.NaN,
      meters,
      initialBearing: meters === 0 ? null : initialBearing,
    };
  }

  // Private: whether code `id` is in a country searched.
  private admits(id: number): boolean {
    return this.searched === undefined || this.searched[this.index.countryOf[id] ?? 0] === 1;
  }

  // Private: the geodesic from the origin to code `id`, solved once.
  private measure(id: number): Measurement {
    let measurement = this.solved.get(id);
    if (measurement === undefined) {
      const to = { latitude: this.index.latitudes[id] ?? 0, longitude: this.index.longitudes[id] ?? 0 };
      measurement = geodesicMeasure(this.query.origin, to);
      this.solved.set(id, measurement);
    }
    return measurement;
  }

  // Private: whether code `id`, `meters` from the origin, sorts after the cursor.
  private follows(id: number, meters: number): boolean {
    const after = this.after;
    if (after === undefined || meters > after.meters) return true;
    return meters === after.meters && this.compareTies(id, after) > 0;
  }

  // Private: whether code `id` may sort after the cursor, deciding from its spherical distance where it can.
  private mayFollow(id: number): boolean {
    const after = this.after;
    if (after === undefined) return true;
    const s = this.spherical(this.index.latitudes[id] ?? 0, this.index.longitudes[id] ?? 0);
    if (geodesicAtMost(s) < after.meters) return false;
    if (geodesicAtLeast(s) > after.meters) return true;
    return this.follows(id, this.measure(id).meters);
  }

  // Private: the order of code `id` against `key` at the same distance: the origin's code first, then country, then postal code.
  private compareTies(id: number, key: PostalKey): number {
    const { countryCode, postalCode } = this.keyOf(id);
    const rank = this.isOrigin(countryCode, postalCode) ? 0 : 1;
    const keyRank = this.isOrigin(key.countryCode, key.postalCode) ? 0 : 1;
    if (rank !== keyRank) return rank - keyRank;
    if (countryCode !== key.countryCode) return countryCode < key.countryCode ? -1 : 1;
    return postalCode < key.postalCode ? -1 : postalCode > key.postalCode ? 1 : 0;
  }

  private isOrigin(countryCode: string, postalCode: string): boolean {
    const origin = this.query.originCode;
    return origin !== undefined && origin.countryCode === countryCode && origin.postalCode === postalCode;
  }

  private keyOf(id: number): PostalKey {
    const { countries, countryOf, postalCodes } = this.index;
    return { countryCode: countries[countryOf[id] ?? 0] ?? '', postalCode: postalCodes[id] ?? '' };
  }
}
