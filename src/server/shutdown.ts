/**
 * Shutting down the way orchestrators expect, so that a rolling deploy loses no request:
 *
 *  1. `/readyz` answers 503 at once (the caller flips readiness before calling here);
 *  2. every response from now on, in-flight ones included, says `Connection: close`, so a router
 *     opens its next request elsewhere instead of reusing a socket about to close under it;
 *  3. serving goes on for `delayMs`, while load balancers notice the 503 and stop sending;
 *  4. connections the kernel has already accepted are picked up (one more turn of the event loop),
 *     then the listener closes, and idle sockets with it;
 *  5. requests in flight finish, for at most `timeoutMs`; whatever is left is then cut.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { defineSettings, ms } from '../settings.js';
import type { HttpServer } from './http/server.js';

export const shutdownSettings = defineSettings({
  title: 'Shutdown',
  variables: {
    SHUTDOWN_DELAY_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(600_000)
      .optional()
      .describe(
        'After SIGTERM, how long the service keeps serving while /readyz answers 503, so load balancers stop sending, in ms. Default 5000 in production, 0 otherwise.',
      ),
    SHUTDOWN_TIMEOUT_MS: ms(0, 600_000, 10_000).describe('How long requests in flight may take to finish once the service stops accepting, in ms.'),
  },
  read: (env, { production }) => ({ delayMs: env.SHUTDOWN_DELAY_MS ?? (production ? 5_000 : 0), timeoutMs: env.SHUTDOWN_TIMEOUT_MS }),
});

export interface ShutdownOptions {
  readonly delayMs: number;
  readonly timeoutMs: number;
}

/** Steps 2 to 5 above; resolves once every connection is closed. */
export async function closeGracefully(http: HttpServer, options: ShutdownOptions, logger: Logger): Promise<void> {
  http.closeConnectionsAfterResponses();
  if (options.delayMs > 0) {
    logger.info({ phase: 'shutdown', delayMs: options.delayMs }, 'not ready; still serving while load balancers stop sending');
    await sleep(options.delayMs);
  }
  // A signal is handled in the poll phase; two turns of the loop let the next poll phase accept
  // what the kernel completed meanwhile, which closing the listener would otherwise reset.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  const { server } = http;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  if (http.inFlight > 0) logger.info({ phase: 'shutdown', inFlight: http.inFlight }, 'finishing requests in flight');
  const deadline = setTimeout(() => {
    logger.warn({ phase: 'shutdown', inFlight: http.inFlight, timeoutMs: options.timeoutMs }, 'requests still in flight at the shutdown timeout: closing their connections');
    server.closeAllConnections();
  }, options.timeoutMs);
  await closed;
  clearTimeout(deadline);
}
