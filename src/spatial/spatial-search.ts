/**
 * The spatial searches of the service (`Location.nearby`, `Query.nearestLocations`,
 * `Query.locationsInArea`) over the places held in memory (a `PlaceSource`: the gazetteer of the
 * loaded data), as pages of places: the models behind the GraphQL `LocationConnection` and
 * `LocationMatchConnection`. search.ts and area-search.ts do the searches; this module checks the
 * arguments and that the countries asked for are loaded, decides where a search starts, charges
 * the work to the operation's budget, and turns a page of keys (and distances) into places.
 *
 * Where `nearby` starts. The data's own row of the origin's code (`matchedPostalCode`: a PREFIX
 * location's first part) when the data holds it: the point `location` answers with when the
 * embedded data resolved it, and that row is the first edge, at distance 0. An origin that only a
 * remote geocoder knows (a code the loaded data lacks) searches the loaded data around its own
 * coordinates, and is the first edge itself: the contract puts the origin first whoever resolved it.
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

/** The postal codes a search runs over: every code in kd-trees, and the place of each. */
export interface PlaceSource {
  readonly index: SpatialIndex;
  /** The place of a code of {@link index} (its own row), as `location` answers it; undefined for any other code. */
  place(countryCode: string, postalCode: string): Place | undefined;
}

export interface PlaceEdge {
  readonly node: Place;
  /** The geodesic distance, in the search's unit. */
  readonly distance: number;
  readonly meters: number;
  readonly initialBearing: number | null;
  /** The search and the edge's place in its order: its cursor is computed only when asked for (a hash each). */
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

/** A code found by a search ordered by key alone (`locationsInArea`, `locationsByPlace`): no distance. */
export interface MatchEdge {
  readonly node: Place;
  /** Its id in the spatial index, and the page it is on: its cursor is computed only when asked for. */
  readonly id: number;
  readonly page: KeyPage;
}

export interface MatchPage {
  readonly edges: readonly MatchEdge[];
  readonly pageInfo: PageInfo;
  readonly totalCount: number;
}

/** The arguments of `Query.locationsInArea`, as GraphQL coerced them (defaults applied). */
export interface InAreaArgs extends AreaArgs {
  readonly first: number;
  readonly after?: string | null | undefined;
  readonly countryCodes?: readonly string[] | null | undefined;
}

/** The limits the searches check their arguments against (a subset of `Limits`). */
export interface SearchLimits extends AreaLimits {
  /** The largest page (`MAX_NEARBY_RESULTS`). */
  readonly maxNearbyResults: number;
}

/** The arguments of `Location.nearby`, as GraphQL coerced them (defaults applied). */
export interface NearbyArgs {
  readonly radius: number;
  readonly unit: DistanceUnit;
  readonly first: number;
  readonly after?: string | null | undefined;
  readonly countryCodes?: readonly string[] | null | undefined;
}

/** The arguments of `Query.nearestLocations`, as GraphQL coerced them (defaults applied). */
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
 * The spatial searches of the service: one per process, each over the places in memory when it
 * runs (the loaded data may be replaced whole; a search reads one version). Each call checks its
 * arguments (the same checks as before execution, operation/size.ts) and throws `AppError`s:
 * `BAD_USER_INPUT`, `SPATIAL_DATA_UNAVAILABLE`.
 */
export class SpatialSearch {
  private readonly maxResults: number;

  /**
   * @param source the places in memory now; undefined before any are loaded, or when nothing is (no `embedded` geocoder).
   * @param loaded resolves once the first places are loaded; never, when nothing will be.
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
      // The row's own code: the data may hold only the first part of what a remote geocoder matched.
      const originCode: PostalKey = { countryCode: origin.countryCode, postalCode: row?.matchedPostalCode ?? origin.matchedPostalCode };
      const start = row ?? origin;
      const search: SpatialQuery = {
        origin: { latitude: start.latitude, longitude: start.longitude },
        originCode,
        radiusMeters,
        ...(countryCodes && { countryCodes }),
      };
      const request: PageRequest = { first, after: args.after, budget };
      // The data holds the origin's row: the search puts it first. Otherwise it is added here, unless `countryCodes` leaves its country out.
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

  /** `Query.locationsInArea`: the loaded codes inside a bounding box or a polygon, by country and postal code. */
  inArea(args: InAreaArgs, budget?: WorkBudget): MaybePromise<MatchPage> {
    const area = parseArea(args, this.limits);
    const first = pageSize(args.first, this.maxResults);
    const countryCodes = searchCountries(args.countryCodes);
    return andThen(this.places(countryCodes), (places) => {
      const request: KeyPageRequest = { first, after: args.after, budget };
      return matchConnection(places, searchArea(places.index, { area, countryCodes }, request), request);
    });
  }

  /** The places to search, once loaded; SPATIAL_DATA_UNAVAILABLE when none are, or a country asked for is not. */
  private places(countryCodes: readonly string[] | undefined): MaybePromise<PlaceSource> {
    return loadedPlaces(this.source, this.loaded, countryCodes);
  }
}

/**
 * The places a search runs over, once loaded (`source()` as soon as it answers, else when `loaded`
 * resolves); SPATIAL_DATA_UNAVAILABLE when none are, or a country of `countryCodes` is not.
 */
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

/** The connection of a page of a search ordered by key: each edge's place built as `location` builds it. */
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

/** The error for countries asked for that have no loaded data, saying how to load them. */
function notLoaded(missing: readonly string[], places: PlaceSource): AppError {
  const [it, them] = missing.length === 1 ? ['it', 'it'] : ['they', 'them'];
  return new AppError(
    'SPATIAL_DATA_UNAVAILABLE',
    `No postal codes of ${missing.join(', ')} are loaded, so ${it} cannot be searched (loaded: ${places.index.countries.join(', ')}). ` +
      `Load ${them} with the data command (\`data add ${missing.join(' ')}\`), GEONAMES_COUNTRIES or GEONAMES_FILES, or leave ${them} out of \`countryCodes\`.`,
  );
}

/**
 * The first page of a search whose origin the data does not hold: the origin, at distance 0, then
 * the search's codes. Later pages are the search's own: a cursor after the origin (distance 0, the
 * origin's key) sorts before every code, as the search orders them.
 */
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

/**
 * The connection of a page: each edge's place built as `location` builds it (or `origin` itself,
 * for the edge {@link withOrigin} added), its distance in `unit`.
 */
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

/** A loaded code's place: the spatial index was built from the same rows. */
function placeOf(places: PlaceSource, key: PostalKey): Place {
  const place = places.place(key.countryCode, key.postalCode);
  if (!place) throw new Error(`the spatial index holds ${key.countryCode} ${key.postalCode}, which the loaded data does not`);
  return place;
}

/** A place as the row of its own code: a PREFIX answer from a remote geocoder becomes its first part's place. */
function asOwnPlace(place: Place): Place {
  if (place.precision === 'POSTAL_CODE') return place;
  const { countryCode, matchedPostalCode, latitude, longitude, placeName, adminName, adminCode, accuracy, source } = place;
  return { countryCode, postalCode: matchedPostalCode, matchedPostalCode, precision: 'POSTAL_CODE', latitude, longitude, placeName, adminName, adminCode, accuracy, source };
}
