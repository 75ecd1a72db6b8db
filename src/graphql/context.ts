import type { LocationLookup } from '../geocoding/locator.js';
import type { TimeZones } from '../geocoding/time-zones.js';
import type { Logger } from '../logger.js';
import type { RequestTrace } from '../observability/tracing.js';
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
  /** Child logger bound to `requestId` (and, when tracing, to the request's `trace_id` and `span_id`). */
  readonly logger: Logger;
  /** The request's place in its trace; only when tracing is on (observability/tracing.ts). */
  readonly trace?: RequestTrace;
  /** Warnings for the response's `extensions.warnings` (e.g. a stale location). */
  readonly warnings: ResponseWarnings;
  readonly outcome: RequestOutcome;
}

/**
 * The context of one request. A class, not an object literal, for one reason: Apollo Server copies
 * the context of every request (`Object.assign` onto an object of the same prototype), which calls
 * an own getter; on the prototype, the request's child logger stays lazy in the copy too, and is
 * made only when something logs with it (most requests log nothing; a pino child costs µs).
 */
export class RequestContext implements Context {
  readonly outcome: RequestOutcome = {};
  /** The child logger, once made (own and plain, so Apollo's copy carries it). */
  private requestLogger: Logger | undefined = undefined;

  constructor(
    readonly locator: LocationLookup,
    readonly timeZones: TimeZones,
    readonly spatial: SpatialSearch,
    readonly requestId: string,
    readonly warnings: ResponseWarnings,
    readonly trace: RequestTrace | undefined,
    /** Makes the child logger of the request (bound to its id, and to its trace when tracing). */
    private readonly makeLogger: () => Logger,
  ) {}

  get logger(): Logger {
    return (this.requestLogger ??= this.makeLogger());
  }
}
