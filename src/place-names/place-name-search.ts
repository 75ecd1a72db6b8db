/**
 * `Query.locationsByPlace` over the places in memory when each call runs: checks the arguments, runs
 * name-search.ts and makes the page's places. Throws `AppError`s: `BAD_USER_INPUT`, and
 * `SPATIAL_DATA_UNAVAILABLE` when no data, or none of a country of `countryCodes`, is loaded.
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

export interface NameSearchLimits {
  /** The largest page (`MAX_NEARBY_RESULTS`). */
  readonly maxNearbyResults: number;
  /** The fewest characters of a PREFIX name, once normalized (`MIN_PLACE_PREFIX`). */
  readonly minPlacePrefix: number;
}

export class PlaceNameSearch {
  constructor(
    /** The places in memory now; undefined before any are loaded, or when nothing is (no `embedded` geocoder). */
    private readonly source: () => NamedPlaceSource | undefined,
    /** Resolves once the first places are loaded; never, when nothing will be. */
    private readonly loaded: Promise<unknown> | undefined,
    private readonly limits: NameSearchLimits,
  ) {}

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
