/**
 * Graceful shutdown, so a rolling deploy loses no request (the steps: docs/operations.md). The caller has flipped
 * readiness; every response then says `Connection: close`, serving goes on for `delayMs`, and the listener closes only
 * once no connection arrived for `quietMs` and a turn of the event loop accepted none (closing it resets every
 * connection still in the kernel's queue). Idle connections are closed, but one that has sent nothing gets
 * {@link FIRST_REQUEST_GRACE_MS} (its request may be on its way); requests in flight get `timeoutMs`, then are cut.
 */
import net from 'node:net';
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
    SHUTDOWN_QUIET_MS: ms(0, 60_000, 100).describe(
      'After the shutdown delay, how long no new connection may arrive before the listener closes (closing it resets connections still in the kernel\'s queue), in ms.',
    ),
  },
  read: (env, { production }) => ({ delayMs: env.SHUTDOWN_DELAY_MS ?? (production ? 5_000 : 0), timeoutMs: env.SHUTDOWN_TIMEOUT_MS, quietMs: env.SHUTDOWN_QUIET_MS }),
});

export interface ShutdownOptions {
  readonly delayMs: number;
  readonly timeoutMs: number;
  readonly quietMs: number;
}

/** Resolves once every connection is closed. */
export async function closeGracefully({ server, connections }: HttpServer, options: ShutdownOptions, logger: Logger): Promise<void> {
  connections.closeConnectionsAfterResponses();
  if (options.delayMs > 0) {
    logger.info({ phase: 'shutdown', delayMs: options.delayMs }, 'not ready; still serving while load balancers stop sending');
    await sleep(options.delayMs);
  }
  const quietBy = performance.now() + options.timeoutMs;
  for (;;) {
    const accepted = connections.accepted;
    await sleep(options.quietMs / 4);
    // The timer fires before the poll phase that accepts connections; the second immediate runs after it.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const quiet = connections.accepted === accepted && performance.now() - connections.lastConnectionAt >= options.quietMs;
    if (quiet || performance.now() >= quietBy) break;
  }
  // net.Server's close, not http.Server's: since Node 19 the latter also destroys every connection
  // without a request in progress, including one just accepted whose first request is on its way.
  const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
  if (connections.inFlight > 0) logger.info({ phase: 'shutdown', inFlight: connections.inFlight }, 'finishing requests in flight');
  const sweep = (): void => connections.closeIdleConnections(FIRST_REQUEST_GRACE_MS);
  sweep();
  const sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
  const deadline = setTimeout(() => {
    logger.warn({ phase: 'shutdown', inFlight: connections.inFlight, timeoutMs: options.timeoutMs }, 'requests still in flight at the shutdown timeout: closing their connections');
    server.closeAllConnections();
  }, options.timeoutMs);
  await closed;
  clearInterval(sweeper);
  clearTimeout(deadline);
}

/** How long a connection that has sent nothing yet may take to send its first request once shutdown closes the listener. */
const FIRST_REQUEST_GRACE_MS = 1_000;
/** How often connections that carry nothing are looked for and closed while shutting down. */
const SWEEP_INTERVAL_MS = 50;
