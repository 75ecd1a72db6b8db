/** CORS for browsers calling the subgraph directly (Sandbox, a front end in development). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** The `cors` middleware for `origins` (`*` for any), or `null` when no origin is allowed (nothing to add). */
export function corsFor(origins: readonly string[]): Middleware | null {
  if (origins.length === 0) return null;
  return cors(origins.includes('*') ? {} : { origin: [...origins] });
}
