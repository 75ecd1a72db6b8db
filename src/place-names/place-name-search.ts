/**
 * `Query.locationsByPlace` over the places held in memory (the gazetteer of the loaded data): checks
 * the arguments and that the countries asked for are loaded, runs the search (name-search.ts) and
 * turns its page into places, the model behind the GraphQL `LocationMatchConnection`.
 */
import type { MaybePromise } from '../maybe-promise.js';
import { andThen } from '../maybe-promise.js';
import { pageSize, searchCountries } from '../spatial/arguments.js';
import type { KeyPageRequest } from '../spatial/key-page.js';
import { loadedPlaces, matchConnection, type MatchPage, type PlaceSource } from '../spatial/spatial-search.js';
import type { WorkBudget } from '../work-budget.js';
import { checkPlaceName, searchAdminCode } from './arguments.js';
import type { PlaceNameIndex } from './name-index.js';
import { searchByName, type PlaceMatch } from './name-search.js';

/** The places a name search runs over: the spatial index's codes, and their names. */
export interface NamedPlaceSource extends PlaceSource {
  readonly names: PlaceNameIndex;
}

/** The arguments of `Query.locationsByPlace`, as GraphQL coerced them (defaults applied). */
export interface ByPlaceArgs {
  readonly name: string;
  readonly match: PlaceMatch;
  readonly countryCodes?: readonly string[] | null | undefined;
  readonly adminCode?: string | null | undefined;
  readonly first: number;
  readonly after?: string | null | undefined;
}

/** The limits a name search checks its arguments against (a subset of `Limits`). */
export interface NameSearchLimits {
  /** The largest page (`MAX_NEARBY_RESULTS`). */
  readonly maxNearbyResults: number;
  /** The fewest characters of a PREFIX name, once normalized (`MIN_PLACE_PREFIX`). */
  readonly minPlacePrefix: number;
}

/**
 * The place-name search of the service: one per process, each call over the places in memory when
 * it runs. Throws `AppError`s: `BAD_USER_INPUT`, `SPATIAL_DATA_UNAVAILABLE` (no data loaded, or
 * none of a country of `countryCodes`).
 */
export class PlaceNameSearch {
  /**
   * @param source the places in memory now; undefined before any are loaded, or when nothing is (no `embedded` geocoder).
   * @param loaded resolves once the first places are loaded; never, when nothing will be.
   */
  constructor(
    private readonly source: () => NamedPlaceSource | undefined,
    private readonly loaded: Promise<unknown> | undefined,
    private readonly limits: NameSearchLimits,
  ) {}

  /** `Query.locationsByPlace`: the loaded codes whose place is `name` (EXACT) or begins with it (PREFIX). */
  byName(args: ByPlaceArgs, budget?: WorkBudget): MaybePromise<MatchPage> {
    const { name, match } = args;
    checkPlaceName(name, match, this.limits.minPlacePrefix);
    const first = pageSize(args.first, this.limits.maxNearbyResults);
    const countryCodes = searchCountries(args.countryCodes);
    const adminCode = searchAdminCode(args.adminCode);
    return andThen(loadedPlaces(this.source, this.loaded, countryCodes), (places) => {
      const request: KeyPageRequest = { first, after: args.after, budget };
      return matchConnection(places, searchByName(places.names, places.index, { name, match, countryCodes, adminCode }, request), request);
    });
  }
}
