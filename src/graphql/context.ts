import type { Config } from '../config.js';
import type { LocationLookup } from '../geocoding/locator.js';
import type { Logger } from '../logger.js';
import type { ResponseWarnings } from './warnings.js';

/** What every resolver receives. Built once per request by the HTTP layer; cheap on purpose. */
export interface Context {
  /** The process-wide locator (shared cache and batching across requests), bound to this request's `warnings`. */
  readonly locator: LocationLookup;
  readonly limits: Config['limits'];
  /** The router's `x-request-id` when it sent one, otherwise a fresh UUID. */
  readonly requestId: string;
  /** Child logger bound to `requestId`. */
  readonly logger: Logger;
  /** Warnings for the response's `extensions.warnings` (e.g. a stale location). */
  readonly warnings: ResponseWarnings;
}
