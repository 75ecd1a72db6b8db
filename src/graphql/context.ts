/**
 * The context of one GraphQL operation: what every resolver receives, and what the plugins and
 * the HTTP layer learn about the operation. Built by the HTTP layer per operation; cheap on purpose.
 */
import type { DatasetSummary } from '../gazetteer/datasets.js';
import type { Lookups } from '../geocoding/locator.js';
import type { TimeZones } from '../geocoding/time-zones.js';
import type { Logger } from '../logger.js';
import type { RequestTrace } from '../observability/tracing.js';
import type { PlaceNameSearch } from '../place-names/place-name-search.js';
import type { SpatialSearch } from '../spatial/spatial-search.js';
import type { WorkBudget } from '../work-budget.js';
import type { ResponsePolicy } from './operation/cache-policy.js';
import type { Verdict } from './operation/size.js';
import type { ResponseWarnings } from './warnings.js';

/** Data without errors, data with errors, no data. */
export type ResultKind = 'success' | 'partial' | 'error';

/** What the HTTP layer needs of an answered operation, written once by the plugin that sets its Cache-Control. */
export interface OperationResult {
  /** The metrics label (the analysis's; `invalid` when there was no operation to run). */
  readonly label: string;
  /** How long this response may be kept: not at all when it has errors or warnings. */
  readonly policy: ResponsePolicy;
  readonly kind: ResultKind;
}

export interface Context {
  /** Postal-code lookups through the process-wide locator (memory, cache, batching), bound to this operation. */
  readonly lookups: Lookups;
  readonly timeZones: TimeZones;
  readonly spatial: SpatialSearch;
  readonly names: PlaceNameSearch;
  readonly datasets: () => readonly DatasetSummary[];
  /** The router's `x-request-id` when it sent one, otherwise a fresh UUID. */
  readonly requestId: string;
  /** Child logger bound to `requestId` (and, when tracing, to the trace). */
  readonly logger: Logger;
  /** The request's place in its trace; only when tracing is on. */
  readonly trace?: RequestTrace;
  /** Warnings for the response's `extensions.warnings` (e.g. a stale location). */
  readonly warnings: ResponseWarnings;
  /** The work the operation may still do (WORK_BUDGET). */
  readonly budget: WorkBudget;
  /** Root fields refused before execution, by response key (graphql/plugins/limits.ts). */
  verdicts: ReadonlyMap<string, Verdict> | undefined;
  /** Filled once the response is ready (graphql/plugins/cache-control.ts); a holder, since Apollo runs plugins on a copy of the context. */
  readonly answer: { result?: OperationResult };
}

/**
 * A class, not an object literal: Apollo copies each context (`Object.assign` onto the same prototype), and a
 * getter on the prototype keeps the child logger lazy in the copy too: made only when something logs.
 */
export class RequestContext implements Context {
  readonly budget: WorkBudget;
  verdicts: ReadonlyMap<string, Verdict> | undefined = undefined;
  readonly answer: { result?: OperationResult } = {};
  private requestLogger: Logger | undefined = undefined;

  constructor(
    readonly lookups: Lookups,
    readonly timeZones: TimeZones,
    readonly spatial: SpatialSearch,
    readonly names: PlaceNameSearch,
    readonly requestId: string,
    readonly warnings: ResponseWarnings,
    readonly trace: RequestTrace | undefined,
    budget: WorkBudget,
    private readonly makeLogger: () => Logger,
    readonly datasets: () => readonly DatasetSummary[] = () => [],
  ) {
    this.budget = budget;
  }

  get logger(): Logger {
    return (this.requestLogger ??= this.makeLogger());
  }
}
