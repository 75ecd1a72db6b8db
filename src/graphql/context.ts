import type { LocationLookup } from '../geocoding/locator.js';
import type { TimeZones } from '../geocoding/time-zones.js';
import type { Logger } from '../logger.js';
import type { ResponsePolicy } from './cache-hints.js';
import type { SpatialSearch } from './models/location-connection.js';
import type { ResponseWarnings } from './warnings.js';

/**
 * What plugins learn while Apollo runs a request, for the HTTP layer to read once it has answered
 * (the response cache keeps a response by its policy, and counts a later hit under its operation).
 */
export interface RequestOutcome {
  /** The operation's bounded metrics label (observability/request-plugin.ts). */
  operation?: string;
  /** How long the response may be cached (graphql/cache-hints.ts); `maxAge` 0 when not at all. */
  policy?: ResponsePolicy;
}

/** What every resolver receives. Built once per request by the HTTP layer; cheap on purpose. */
export interface Context {
  /** The process-wide locator (shared cache and batching across requests), bound to this request's `warnings`. */
  readonly locator: LocationLookup;
  /** The process-wide time zones of places (`Location.timeZone`); loads the boundaries on first use. */
  readonly timeZones: TimeZones;
  /** The process-wide spatial searches (`Location.nearby`, `Query.nearestLocations`) over the data loaded in memory. */
  readonly spatial: SpatialSearch;
  /** The router's `x-request-id` when it sent one, otherwise a fresh UUID. */
  readonly requestId: string;
  /** Child logger bound to `requestId`. */
  readonly logger: Logger;
  /** Warnings for the response's `extensions.warnings` (e.g. a stale location). */
  readonly warnings: ResponseWarnings;
  readonly outcome: RequestOutcome;
}
