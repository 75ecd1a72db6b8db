/**
 * The spatial searches as pages of places (models of `LocationConnection`, `LocationMatchConnection`):
 * checks the arguments and the countries, runs search.ts or area-search.ts, turns keys into places.
 * The origin is the first edge, at distance 0, whoever resolved it: `nearby` starts from the data's
 * row of `matchedPostalCode`, or else from the point a remote geocoder gave.
 */
import { at } from '../arrays.js';
import { AppError } from '../errors.js';
import { andThen, type MaybePromise } from '../maybe-promise.js';
import type { Place } from '../postal/place.js';
import type { PostalKey } from '../postal/postal-code.js';
import type { WorkBudget } from '../work-budget.js';
import { parseArea, type AreaArgs, type AreaLimits } from './area.js';
import { searchArea } from './area-search.js';
import { fromMeters, pageSize, searchCountries, searchPoint, searchRadiusMeters, type DistanceUnit } from './arguments.js';
import type { KeyPage, KeyPageRequest } from './key-page.js';
import { edgeCursor, searchNearby, type PageRequest, type SpatialEdge, type SpatialPage, type SpatialQuery } from './search.js';
import type { SpatialIndex } from './spatial-index.js';

export interface PlaceSource {
  readonly index: SpatialIndex;
  /** A code's own row, as `location` answers it; undefined for a code not in {@link index}. */
  place(countryCode: string, postalCode: string): Place | undefined;
}

export interface PlaceEdge {
  readonly node: Place;
  /** In the search's unit; `meters` in metres. */
  readonly distance: number;
  readonly meters: number;
  readonly initialBearing: number | null;
  /** For the cursor, computed only when asked for (a hash each). */
  readonly search: SpatialQuery;
  readonly position: SpatialEdge;
}

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

export interface PlacePage {
  readonly edges: readonly PlaceEdge[];
  readonly pageInfo: PageInfo;
  readonly totalCount: number;
}

/** An edge of a search ordered by key alone: no distance. */
export interface MatchEdge {
  readonly node: Place;
  readonly id: number;
  readonly page: KeyPage;
}

export interface MatchPage {
  readonly edges: readonly MatchEdge[];
  readonly pageInfo: PageInfo;
  readonly totalCount: number;
}

export interface InAreaArgs extends AreaArgs {
  readonly first: number;
  readonly after?: string | null | undefined;
  readonly countryCodes?: readonly string[] | null | undefined;
}

export interface SearchLimits extends AreaLimits {
  /** `MAX_NEARBY_RESULTS`. */
  readonly maxNearbyResults: number;
}

export interface NearbyArgs {
  readonly radius: number;
  readonly unit: DistanceUnit;
  readonly first: number;
  readonly after?: string | null | undefined;
  readonly countryCodes?: readonly string[] | null | undefined;
}

export interface NearestArgs {
  readonly latitude: number;
  readonly longitude: number;
  readonly first: number;
  readonly after?: string | null | undefined;
  readonly within?: number | null | undefined;
  readonly unit: DistanceUnit;
  readonly countryCodes?: readonly string[] | null | undefined;
}

/**
 * One per process; each search reads one version of the places (data is replaced whole, never
 * edited). Throws `AppError`s: `BAD_USER_INPUT`, `SPATIAL_DATA_UNAVAILABLE`.
 */
export class SpatialSearch {
  private readonly maxResults: number;

  /**
   * @param source the places in memory now; undefined before any are loaded, or when nothing is (no `embedded` geocoder).
   * @param loaded resolves once the first places are loaded; never when nothing will be.
   */
  constructor(
    private readonly source: () => PlaceSource | undefined,
    private readonly loaded: Promise<unknown> | undefined,
    private readonly limits: SearchLimits,
  ) {
    this.maxResults = limits.maxNearbyResults;
  }

  /** `Location.nearby`: the loaded codes within `radius` of `origin`, the origin first. */
  around(origin: Place, args: NearbyArgs, budget?: WorkBudget): MaybePromise<PlacePage> {
    const { unit } = args;
    const radiusMeters = searchRadiusMeters('radius', args.radius, unit);
    const first = pageSize(args.first, this.maxResults);
    const countryCodes = searchCountries(args.countryCodes);
    return andThen(this.places(countryCodes), (places) => {
      const row = places.place(origin.countryCode, origin.matchedPostalCode);
      // The data may hold only the first part of what a remote geocoder matched.
      const originCode: PostalKey = { countryCode: origin.countryCode, postalCode: row?.matchedPostalCode ?? origin.matchedPostalCode };
      const start = row ?? origin;
      const search: SpatialQuery = {
        origin: { latitude: start.latitude, longitude: start.longitude },
        originCode,
        radiusMeters,
        ...(countryCodes && { countryCodes }),
      };
      const request: PageRequest = { first, after: args.after, budget };
      // A row the data holds, the search puts first; any other origin is added here, unless `countryCodes` leaves it out.
      if (row || (countryCodes && !countryCodes.includes(originCode.countryCode))) return connection(places, search, request, searchNearby(places.index, search, request), unit);
      return withOrigin(places, search, asOwnPlace(origin), request, unit);
    });
  }

  /** `Query.nearestLocations`: the loaded codes nearest a point, within `within` when given. */
  nearest(args: NearestArgs, budget?: WorkBudget): MaybePromise<PlacePage> {
    const { unit } = args;
    const origin = searchPoint(args.latitude, args.longitude);
    const first = pageSize(args.first, this.maxResults);
    const radiusMeters = args.within === null || args.within === undefined ? undefined : searchRadiusMeters('within', args.within, unit);
    const countryCodes = searchCountries(args.countryCodes);
    return andThen(this.places(countryCodes), (places) => {
      const search: SpatialQuery = { origin, ...(radiusMeters !== undefined && { radiusMeters }), ...(countryCodes && { countryCodes }) };
      const request: PageRequest = { first, after: args.after, budget };
      return connection(places, search, request, searchNearby(places.index, search, request), unit);
    });
  }

  /** `Query.locationsInArea`: the loaded codes inside a box or polygon, by country and postal code. */
  inArea(args: InAreaArgs, budget?: WorkBudget): MaybePromise<MatchPage> {
    const area = parseArea(args, this.limits);
    const first = pageSize(args.first, this.maxResults);
    const countryCodes = searchCountries(args.countryCodes);
    return andThen(this.places(countryCodes), (places) => {
      const request: KeyPageRequest = { first, after: args.after, budget };
      return matchConnection(places, searchArea(places.index, { area, countryCodes }, request), request);
    });
  }

  private places(countryCodes: readonly string[] | undefined): MaybePromise<PlaceSource> {
    return loadedPlaces(this.source, this.loaded, countryCodes);
  }
}

/** The places once loaded (at once when they are); SPATIAL_DATA_UNAVAILABLE when none are, or an asked country is not. */
export function loadedPlaces<Source extends PlaceSource>(
  source: () => Source | undefined,
  loaded: Promise<unknown> | undefined,
  countryCodes: readonly string[] | undefined,
): MaybePromise<Source> {
  const check = (): Source => {
    const places = source();
    if (!places) {
      throw new AppError(
        'SPATIAL_DATA_UNAVAILABLE',
        'No postal codes are loaded in memory to search: the searches cover the embedded datasets, and the geocoder chain (GEOCODER) does not include `embedded`. Add it, e.g. GEOCODER=embedded,zippopotam.',
      );
    }
    const missing = (countryCodes ?? []).filter((code) => places.index.countryIndex(code) === undefined);
    if (missing.length > 0) throw notLoaded(missing, places);
    return places;
  };
  return source() !== undefined || loaded === undefined ? check() : loaded.then(check);
}

export function matchConnection(places: PlaceSource, page: KeyPage, request: KeyPageRequest): MatchPage {
  const { countries, countryOf, postalCodes } = places.index;
  const edges = page.ids.map((id): MatchEdge => ({ node: placeOf(places, { countryCode: at(countries, at(countryOf, id)), postalCode: at(postalCodes, id) }), id, page }));
  const first = page.ids[0];
  const last = page.ids.at(-1);
  return {
    edges,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: request.after !== null && request.after !== undefined,
      startCursor: first === undefined ? null : page.cursor(first),
      endCursor: last === undefined ? null : page.cursor(last),
    },
  };
}

function notLoaded(missing: readonly string[], places: PlaceSource): AppError {
  const [it, them] = missing.length === 1 ? ['it', 'it'] : ['they', 'them'];
  return new AppError(
    'SPATIAL_DATA_UNAVAILABLE',
    `No postal codes of ${missing.join(', ')} are loaded, so ${it} cannot be searched (loaded: ${places.index.countries.join(', ')}). ` +
      `Load ${them} with the data command (\`data add ${missing.join(' ')}\`), GEONAMES_COUNTRIES or GEONAMES_FILES, or leave ${them} out of \`countryCodes\`.`,
  );
}

/** The origin the data lacks, at distance 0, then the search's codes; a cursor at it sorts before every code. */
function withOrigin(places: PlaceSource, search: SpatialQuery, origin: Place, request: PageRequest, unit: DistanceUnit): PlacePage {
  const rest = searchNearby(places.index, search, request);
  const totalCount = rest.totalCount + 1;
  if (isContinued(request)) return connection(places, search, request, { ...rest, totalCount }, unit);
  const position: SpatialEdge = { countryCode: origin.countryCode, postalCode: origin.postalCode, latitude: origin.latitude, longitude: origin.longitude, meters: 0, initialBearing: null };
  const edges = [position, ...rest.edges.slice(0, request.first - 1)];
  const last = edges.at(-1) ?? position;
  const page: SpatialPage = { edges, totalCount, hasNextPage: rest.totalCount > request.first - 1, endCursor: edgeCursor(search, last) };
  return connection(places, search, request, page, unit, origin);
}

/** Each edge's place built as `location` builds it, or `origin` for the edge {@link withOrigin} added. */
function connection(places: PlaceSource, search: SpatialQuery, request: PageRequest, page: SpatialPage, unit: DistanceUnit, origin?: Place): PlacePage {
  const edges = page.edges.map(
    (position, i): PlaceEdge => ({
      node: origin && i === 0 ? origin : placeOf(places, position),
      distance: fromMeters(position.meters, unit),
      meters: position.meters,
      initialBearing: position.initialBearing,
      search,
      position,
    }),
  );
  const first = page.edges[0];
  return {
    edges,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      // Relay lets a forward page say whether edges precede its cursor: the cursor's own edge does.
      hasPreviousPage: isContinued(request),
      startCursor: first ? edgeCursor(search, first) : null,
      endCursor: page.endCursor,
    },
  };
}

const isContinued = (request: PageRequest): boolean => request.after !== null && request.after !== undefined;

/** A missing place is a bug: the spatial index was built from the same rows. */
function placeOf(places: PlaceSource, key: PostalKey): Place {
  const place = places.place(key.countryCode, key.postalCode);
  if (!place) throw new Error(`the spatial index holds ${key.countryCode} ${key.postalCode}, which the loaded data does not`);
  return place;
}

/** A PREFIX answer from a remote geocoder as the place of its first part. */
function asOwnPlace(place: Place): Place {
  if (place.precision === 'POSTAL_CODE') return place;
  const { countryCode, matchedPostalCode, latitude, longitude, placeName, adminName, adminCode, accuracy, source } = place;
  return { countryCode, postalCode: matchedPostalCode, matchedPostalCode, precision: 'POSTAL_CODE', latitude, longitude, placeName, adminName, adminCode, accuracy, source };
}
