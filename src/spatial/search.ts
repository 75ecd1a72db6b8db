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
 * How it stays exact without solving a geodesic per code. sphere.ts bounds the geodesic by the
 * spherical distance s: geodesicAtLeast(s) ≤ geodesic ≤ geodesicAtMost(s), and the same bounds
 * hold for a whole kd-tree node from the least and greatest spherical distance to its box
 * (tree-walk.ts). So:
 *  - membership in a radius R: a code (or node) with geodesicAtLeast(s) > R is out and one with
 *    geodesicAtMost(s) ≤ R is in; a node wholly in is counted without visiting its codes, and only
 *    the codes in the thin shell between (about 1% of R thick) get a geodesic;
 *  - the page: the (first + 1)-th smallest geodesicAtMost(s) among codes surely after the cursor
 *    bounds the page's last distance, so only codes whose geodesicAtLeast(s) is below it are kept,
 *    solved and sorted: about `first` of them, however many codes the radius holds;
 *  - the nearest codes with no radius: geokdbush walks each country's tree (the nearest countries
 *    first, while they can still hold nearer codes) in spherical order to the first + 1 nearest
 *    codes that may follow the cursor; the largest geodesic of the first + 1 nearest of those, G,
 *    settles the search, since at least first + 1 codes after the cursor lie within G; the page is
 *    then the page of the radius search of G. (No further growing is needed: G is provably enough,
 *    whichever codes it came from.)
 * The unit tests compare every result with a geodesic scan of every code.
 */
import { around } from 'geokdbush';
import quickselect from 'quickselect';
import { at } from '../arrays.js';
import { geodesicMeasure, type Measurement, type Point } from '../geodesy/distance.js';
import type { PostalKey } from '../postal/postal-code.js';
import type { WorkBudget } from '../work-budget.js';
import { decodeCursor, encodeCursor, searchTag, type CursorPosition } from './cursor.js';
import { geodesicAtLeast, geodesicAtMost, sphericalOrigin, sphericalReach, type SphericalOrigin } from './sphere.js';
import type { CountryTree, SpatialIndex } from './spatial-index.js';
import { walkTree, type TreeVisitor } from './tree-walk.js';

/** What to search for. Everything here decides which codes match and their order; cursors are bound to it. */
export interface SpatialQuery {
  /** Where distances are measured from (degrees on WGS-84; see `searchPoint` in arguments.ts). */
  readonly origin: Point;
  /**
   * The loaded code the search starts from (`Location.nearby`): it sorts before every other code
   * at its distance. Give `origin` as the coordinates the index holds for it (those `location`
   * answers with) and it is the first edge, at distance 0 (unless `countryCodes` leaves its
   * country out: the filter applies to it as to any code).
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
  /** Charged one unit per geodesic solved and per edge returned; the search stops when it is spent. */
  readonly budget?: WorkBudget | undefined;
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
  // One more than the page, to know whether another page follows.
  const scan = new Scan(index, query, after, request.first + 1, request.budget);
  if (!scan.searchesAnything) return { edges: [], totalCount: 0, hasNextPage: false, endCursor: null };

  const totalCount = query.radiusMeters === undefined ? scan.collectNearest() : scan.collect(query.radiusMeters, true);
  const found = scan.select();
  const edges = found.slice(0, request.first).map((entry) => scan.edge(entry));
  request.budget?.charge(edges.length);
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

/**
 * One search: `collect*` gathers the codes that may be on the page, `select` ranks them.
 *
 * While gathering, the page's last distance is bounded by the `limit`-th smallest upper bound
 * (geodesicAtMost) of the codes surely after the cursor seen so far, and a code whose lower bound
 * exceeds it is not kept: so a radius holding 100,000 codes keeps a few hundred, not all of them.
 */
class Scan {
  private readonly sphere: SphericalOrigin;
  /**
   * The countries searched (loaded ones, by country index), the nearest first: with the least
   * distance to the box around their codes. Nearest first, so the codes nearest the origin are met
   * early and the bound on the page tightens before far countries are walked.
   */
  private readonly searched: readonly { readonly country: number; readonly least: number }[];
  /** Where the cursor is (metres); -∞ on the first page. */
  private readonly afterMeters: number;
  /** Geodesics solved so far, by code id: each is solved at most once per search. */
  private readonly solved = new Map<number, Measurement>();
  /** Codes kept, with their spherical distances (metres). */
  private readonly ids: number[] = [];
  private readonly sphericals: number[] = [];
  /** Spherical distances of kept codes surely after the cursor; cut to the `limit` smallest by {@link tighten}. */
  private nearest: number[] = [];
  /** No code with a larger geodesic can be on the page (metres). */
  private bound = Number.POSITIVE_INFINITY;

  constructor(
    private readonly index: SpatialIndex,
    private readonly query: SpatialQuery,
    private readonly after: CursorPosition | undefined,
    /** Codes wanted: the page and one more. */
    private readonly limit: number,
    private readonly budget: WorkBudget | undefined,
  ) {
    this.sphere = sphericalOrigin(query.origin);
    this.afterMeters = after?.meters ?? Number.NEGATIVE_INFINITY;
    const countries =
      query.countryCodes === undefined
        ? index.countries.map((_, country) => country)
        : [...new Set(query.countryCodes)].flatMap((code) => index.countryIndex(code) ?? []);
    this.searched = countries
      .map((country) => ({ country, least: this.sphere.boxDistances(...this.tree(country).box)[0] }))
      .sort((a, b) => a.least - b.least);
  }

  /** Whether any loaded code can match (false when no country asked for is loaded). */
  get searchesAnything(): boolean {
    return this.searched.length > 0;
  }

  /**
   * Gathers the codes within `radiusMeters` (geodesic) that may be on the page. With `exact`, a code
   * whose bounds straddle the radius is solved to decide, and the result is the number of codes
   * within the radius; without, such codes are kept (`select` ranks them past the page anyway) and
   * the result is meaningless.
   */
  collect(radiusMeters: number, exact: boolean): number {
    const reach = sphericalReach(radiusMeters);
    let members = 0;
    const visitor: TreeVisitor = {
      enter: (least, greatest, codes) => {
        if (least > reach) return false;
        const mayBeOnPage = geodesicAtLeast(least) <= this.bound && geodesicAtMost(greatest) >= this.afterMeters;
        if (mayBeOnPage) return true;
        if (!exact) return false;
        // Every code of the node is within the radius (and of a country searched: one tree per country).
        if (geodesicAtMost(greatest) <= radiusMeters) {
          members += codes;
          return false;
        }
        return true;
      },
      visit: (id, s) => {
        if (s > reach) return;
        if (exact && geodesicAtMost(s) > radiusMeters && this.measure(id).meters > radiusMeters) return;
        members++;
        this.keep(id, s);
      },
    };
    for (const { country, least } of this.searched) {
      if (least > reach) break; // this country and all after it lie beyond the radius
      walkTree(this.tree(country), this.sphere, visitor);
    }
    return members;
  }

  /**
   * Gathers the codes that may be among the `limit` nearest following the cursor (see the module
   * comment). Returns the number of codes in the countries searched.
   */
  collectNearest(): number {
    const { latitudes, longitudes } = this.index;
    const { longitude, latitude } = this.query.origin;
    const { limit } = this;
    // Up to `limit` codes after the cursor, the nearest on the sphere of those seen so far.
    let seeds: { id: number; s: number }[] = [];
    for (const { country, least } of this.searched) {
      if (seeds.length >= limit && least > (seeds[limit - 1]?.s ?? Infinity)) break; // no nearer code in this country or beyond
      const { tree, firstId } = this.tree(country);
      for (const local of around(tree, longitude, latitude, limit, Infinity, (local) => this.mayFollow(firstId + local))) {
        const id = firstId + local;
        seeds.push({ id, s: this.sphere.distance(at(latitudes, id), at(longitudes, id)) });
      }
      seeds = seeds.sort((a, b) => a.s - b.s).slice(0, limit);
    }
    if (seeds.length < limit) {
      // Fewer than `limit` codes follow the cursor: every one of them is a seed.
      for (const { id, s } of seeds) this.keep(id, s);
    } else {
      let settled = 0;
      for (const { id } of seeds) settled = Math.max(settled, this.measure(id).meters);
      this.collect(settled, false);
    }
    return this.searched.reduce((codes, { country }) => codes + this.tree(country).tree.numItems, 0);
  }

  /** The first `limit` gathered codes that follow the cursor, in order. */
  select(): Entry[] {
    const { ids, sphericals } = this;
    this.tighten();
    const entries: Entry[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = at(ids, i);
      if (geodesicAtLeast(at(sphericals, i)) > this.bound) continue;
      const measurement = this.measure(id);
      if (this.follows(id, measurement.meters)) entries.push({ id, measurement });
    }
    entries.sort((a, b) => a.measurement.meters - b.measurement.meters || this.compareTies(a.id, this.keyOf(b.id)));
    return entries.slice(0, this.limit);
  }

  edge({ id, measurement }: Entry): SpatialEdge {
    const { meters, initialBearing } = measurement;
    const { countryCode, postalCode } = this.keyOf(id);
    return {
      countryCode,
      postalCode,
      latitude: at(this.index.latitudes, id),
      longitude: at(this.index.longitudes, id),
      meters,
      initialBearing: meters === 0 ? null : initialBearing,
    };
  }

  // Private: keeps code `id`, `s` metres away on the sphere, unless it is surely before the cursor or past the page.
  private keep(id: number, s: number): void {
    const least = geodesicAtLeast(s);
    if (least > this.bound || geodesicAtMost(s) < this.afterMeters) return;
    if (least > this.afterMeters) {
      this.nearest.push(s);
      // Cut in batches, so each kept code costs O(1) on average.
      if (this.nearest.length >= 4 * this.limit + 64) this.tighten();
    }
    this.ids.push(id);
    this.sphericals.push(s);
  }

  // Private: lowers the bound to the limit-th smallest upper bound of the codes surely after the cursor.
  private tighten(): void {
    const { nearest, limit } = this;
    if (nearest.length < limit) return;
    quickselect(nearest, limit - 1);
    nearest.length = limit;
    this.bound = Math.min(this.bound, geodesicAtMost(at(nearest, limit - 1)));
  }

  // Private: the tree of a loaded country, by country index.
  private tree(country: number): CountryTree {
    const tree = this.index.trees[country];
    if (tree === undefined) throw new RangeError(`no tree for country index ${country}`);
    return tree;
  }

  // Private: the geodesic from the origin to code `id`, solved once.
  private measure(id: number): Measurement {
    let measurement = this.solved.get(id);
    if (measurement === undefined) {
      this.budget?.charge(1);
      const to = { latitude: at(this.index.latitudes, id), longitude: at(this.index.longitudes, id) };
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
    const s = this.sphere.distance(at(this.index.latitudes, id), at(this.index.longitudes, id));
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
    return { countryCode: at(countries, at(countryOf, id)), postalCode: at(postalCodes, id) };
  }
}
