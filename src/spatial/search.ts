/**
 * Spatial searches over the loaded codes, exact by the WGS-84 geodesic, pure: the codes within a
 * radius of an origin, or nearest a point, one page at a time. Order (total, as keyset paging needs):
 * geodesic distance, then the origin's own code, then country code, then postal code. Spherical
 * bounds (sphere.ts) and whole-node bounds (tree-walk.ts) decide most codes without a geodesic; how
 * that stays exact: docs/spatial.md. The unit tests compare every result with a geodesic scan.
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
  /** Degrees on WGS-84. */
  readonly origin: Point;
  /** The loaded code searched from (`Location.nearby`): first among codes at its distance; `countryCodes` filters it too. */
  readonly originCode?: PostalKey;
  /** Only codes at most this many geodesic metres away, which `totalCount` then counts; omitted: every code of the countries searched. */
  readonly radiusMeters?: number;
  /** Upper-case ISO 3166-1 alpha-2 codes; omitted: every country. */
  readonly countryCodes?: readonly string[];
}

export interface PageRequest {
  /** An integer ≥ 1. */
  readonly first: number;
  readonly after?: string | null;
  /** Charged one unit per geodesic solved and per edge returned; the search stops when it is spent. */
  readonly budget?: WorkBudget | undefined;
}

/** One code found, with its distance and direction from the origin. */
export interface SpatialEdge extends PostalKey {
  /** The coordinates the index holds for the code. */
  readonly latitude: number;
  readonly longitude: number;
  readonly meters: number;
  /** Degrees clockwise from north in [0, 360); null at distance 0. */
  readonly initialBearing: number | null;
}

export interface SpatialPage {
  readonly edges: readonly SpatialEdge[];
  /** Codes matching the whole search, not only this page. */
  readonly totalCount: number;
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

/** One page of the codes matching `query` after `request.after`; `BAD_USER_INPUT` for a cursor this search did not issue. */
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

/** The cursor of an edge of a page of `query`: a hash, so computed only when asked for. */
export const edgeCursor = (query: SpatialQuery, edge: SpatialEdge): string => encodeCursor(tagOf(query), edge);

// Everything that decides a search's members and order; not the unit, so a page may be asked for in another one.
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
 * One search: `collect*` gathers the codes that may be on the page, `select` ranks them. A code whose
 * lower bound exceeds the `limit`-th smallest upper bound of codes surely after the cursor is not kept.
 */
class Scan {
  private readonly sphere: SphericalOrigin;
  /** Loaded countries searched, nearest box first, so the page's bound tightens before far ones are walked. */
  private readonly searched: readonly { readonly country: number; readonly least: number }[];
  private readonly afterMeters: number;
  /** By code id: each geodesic is solved at most once per search. */
  private readonly solved = new Map<number, Measurement>();
  private readonly ids: number[] = [];
  private readonly sphericals: number[] = [];
  /** Spherical distances of kept codes surely after the cursor; cut to the `limit` smallest by {@link tighten}. */
  private nearest: number[] = [];
  /** No code with a larger geodesic can be on the page. */
  private bound = Number.POSITIVE_INFINITY;

  constructor(
    private readonly index: SpatialIndex,
    private readonly query: SpatialQuery,
    private readonly after: CursorPosition | undefined,
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

  get searchesAnything(): boolean {
    return this.searched.length > 0;
  }

  /**
   * Gathers the codes within `radiusMeters` that may be on the page. With `exact`, codes straddling
   * the radius are solved and the count within it returned; without, they are kept and the result is meaningless.
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

  /** Gathers the codes that may be among the `limit` nearest after the cursor; returns the codes in the countries searched. */
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

  // Keeps code `id`, `s` metres away on the sphere, unless it is surely before the cursor or past the page.
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

  private tighten(): void {
    const { nearest, limit } = this;
    if (nearest.length < limit) return;
    quickselect(nearest, limit - 1);
    nearest.length = limit;
    this.bound = Math.min(this.bound, geodesicAtMost(at(nearest, limit - 1)));
  }

  private tree(country: number): CountryTree {
    const tree = this.index.trees[country];
    if (tree === undefined) throw new RangeError(`no tree for country index ${country}`);
    return tree;
  }

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

  private follows(id: number, meters: number): boolean {
    const after = this.after;
    if (after === undefined || meters > after.meters) return true;
    return meters === after.meters && this.compareTies(id, after) > 0;
  }

  // Whether code `id` may sort after the cursor, from its spherical distance where that decides.
  private mayFollow(id: number): boolean {
    const after = this.after;
    if (after === undefined) return true;
    const s = this.sphere.distance(at(this.index.latitudes, id), at(this.index.longitudes, id));
    if (geodesicAtMost(s) < after.meters) return false;
    if (geodesicAtLeast(s) > after.meters) return true;
    return this.follows(id, this.measure(id).meters);
  }

  // At the same distance: the origin's code first, then country, then postal code.
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
