/** The id that ties a request's log lines together, and that a router or load balancer may set. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A request id we accept from upstream; anything else (too long, odd characters) gets a fresh one. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane one, otherwise a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
