/**
 * The spatial searches of the service (`Location.nearby`, `Query.nearestLocations`) over the places
 * held in memory (a `PlaceSource`: the gazetteer of the loaded data), as pages of places: the model behind the
 * GraphQL `LocationConnection`. search.ts does the search; this module checks the arguments and
 * that the countries asked for are loaded, decides where a search starts, charges the work to the
 * operation's budget, and turns a page of keys and distances into places.
 *
 * Where `nearby` starts. The data's own row of the origin's code (`matchedPostalCode`: a PREFIX
 * location's first part) when the data holds it: the point `location` answers with when the
 * embedded data resolved it, and that row is the first edge, at distance 0. An origin that only a
 * remote geocoder knows (a code the loaded data lacks) searches the loaded data around its own
 * coordinates, and is the first edge itself: the contract puts the origin first whoever resolved it.
 */
import { AppError } from '../errors.js';
import { andThen, type MaybePromise } from '../maybe-promise.js';
import type { Place } from '../postal/place.js';
import type { PostalKey } from '../postal/postal-code.js';
import type { WorkBudget } from '../work-budget.js';
import { fromMeters, pageSize, searchCountries, searchPoint, searchRadiusMeters, type DistanceUnit } from './arguments.js';
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
  /**
   * @param source the places in memory now; undefined before any are loaded, or when nothing is (no `embedded` geocoder).
   * @param loaded resolves once the first places are loaded; never, when nothing will be.
   * @param maxResults the largest page (`MAX_NEARBY_RESULTS`).
   */
  constructor(
    private readonly source: () => PlaceSource | undefined,
    private readonly loaded: Promise<unknown> | undefined,
    private readonly maxResults: number,
  ) {}

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

  /** The places to search, once loaded; SPATIAL_DATA_UNAVAILABLE when none are, or a country asked for is not. */
  private places(countryCodes: readonly string[] | undefined): MaybePromise<PlaceSource> {
    const check = (): PlaceSource => {
      const places = this.source();
      if (!places) {
        throw new AppError(
          'SPATIAL_DATA_UNAVAILABLE',
          'No postal codes are loaded in memory to search: spatial search covers the embedded datasets, and the geocoder chain (GEOCODER) does not include `embedded`. Add it, e.g. GEOCODER=embedded,zippopotam.',
        );
      }
      const missing = (countryCodes ?? []).filter((code) => places.index.countryIndex(code) === undefined);
      if (missing.length > 0) throw notLoaded(missing, places);
      return places;
    };
    return this.source() !== undefined || this.loaded === undefined ? check() : this.loaded.then(check);
  }
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
