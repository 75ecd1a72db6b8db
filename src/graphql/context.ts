import type { Config } from '../config.js';
import type { Locator } from '../geocoding/locator.js';
import type { Logger } from '../logger.js';

/** What every resolver receives. Built once per request by the HTTP layer; cheap on purpose. */
export interface Context {
  /** Process-wide: shared cache and batching across requests. */
  readonly locator: Locator;
  readonly limits: Config['limits'];
  /** The router's `x-request-id` when it sent one, otherwise a fresh UUID. */
  readonly requestId: string;
  /** Child logger bound to `requestId`. */
  readonly logger: Logger;
}
