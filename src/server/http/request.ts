/**
 * What the /graphql route reads from a request before Apollo: its id, its CORS standing, and its JSON body (body-parser:
 * charsets, compression), raw bytes kept when the response cache keys on them. A body over `MAX_BODY_BYTES` gets a 413 as
 * soon as that is known, then lingers as nginx's lingering close does, so the client reads the 413 and not a reset: the
 * connection closes once the client stops sending, or after {@link LINGER_BYTES} or {@link LINGER_MS}.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import bodyParser from 'body-parser';
import cors from 'cors';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { logFields, type RequestTrace } from '../../observability/tracing.js';
import { graphqlError, sendJson } from './replies.js';

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's `x-request-id` (set by a router or load balancer) when it is a sane one, otherwise a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** CORS for browsers calling the subgraph directly (Sandbox, a front end in development): `origins`, `*` for any; null when none is allowed. */
export function corsFor(origins: readonly string[]): Middleware | null {
  if (origins.length === 0) return null;
  return cors(origins.includes('*') ? {} : { origin: [...origins] });
}

/** After a 413, the most the server reads and discards before closing the connection, in bytes. */
export const LINGER_BYTES = 4 * 1024 * 1024;
/** After a 413, the longest the server reads and discards before closing the connection, in ms. */
export const LINGER_MS = 2_000;

/** A request whose body was read: `body` is the parsed JSON, `rawBody` its bytes (when kept). */
export type ReadRequest = IncomingMessage & { body?: unknown; rawBody?: Buffer };

export interface BodyReader {
  /** Reads the body into `req.body` and calls `next`, or answers the error itself (413, 415, 400). */
  read(req: IncomingMessage, res: ServerResponse, requestId: string, trace: RequestTrace | undefined, next: () => void): void;
}

export interface BodyReaderOptions {
  readonly maxBytes: number;
  readonly keepRaw: boolean;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function bodyReader({ maxBytes, keepRaw, logger, metrics }: BodyReaderOptions): BodyReader {
  const parse: Middleware = bodyParser.json({
    limit: maxBytes,
    ...(keepRaw && {
      verify: (req: IncomingMessage, _res: ServerResponse, raw: Buffer) => {
        (req as ReadRequest).rawBody = raw;
      },
    }),
  });
  const tooLarge = JSON.stringify(graphqlError(`Request body is larger than the limit of ${maxBytes} bytes.`, 'PAYLOAD_TOO_LARGE'));

  return {
    read(req, res, requestId, trace, next) {
      let refused = false;
      const refuse = (): void => {
        if (refused) return;
        refused = true;
        metrics.httpRefusals.inc({ reason: 'body_too_large' });
        refuseLingering(req, res, 413, tooLarge, (closed, discarded) => {
          logger.info({ ...logFields(requestId, trace), status: 413, declared: req.headers['content-length'] ?? null, discarded, closed }, 'request body refused: over the limit');
        });
      };
      if (Number(req.headers['content-length']) > maxBytes) return refuse();

      // Only a body without a declared length can outgrow the limit while streaming (Node delivers no more than
      // Content-Length); counted on the wire, so a compressed body that never ends is refused too.
      let received = 0;
      const watch =
        req.headers['content-length'] === undefined
          ? (chunk: Buffer): void => {
              received += chunk.length;
              if (received > maxBytes) refuse();
            }
          : null;
      if (watch) req.on('data', watch);
      parse(req, res, (err) => {
        if (watch) req.off('data', watch);
        if (refused) return;
        if (!err) return next();
        const { status = 400, type } = err as { status?: number; type?: string };
        if (status === 413) return refuse();
        // The connection is gone (the client left, or timed out and was closed): nobody to answer.
        if (req.socket.destroyed) return void logger.debug({ ...logFields(requestId, trace), type }, 'request body abandoned: connection closed');
        logger.info({ ...logFields(requestId, trace), type, status }, 'request body rejected');
        if (status === 415) return sendJson(res, 415, graphqlError('Unsupported body encoding or charset: send UTF-8 JSON.', 'UNSUPPORTED_MEDIA_TYPE'));
        return sendJson(res, 400, graphqlError('The request body is not valid JSON.', 'BAD_REQUEST'));
      });
    },
  };
}

/** How a lingering refusal ended: the client stopped sending (`complete`) or closed, or the server cut it at a bound. */
export type LingerEnd = 'complete' | 'client-closed' | 'bytes' | 'time';

/**
 * Sends a whole `Connection: close` response, then discards what the client still sends until its body ends, a linger
 * bound, or it closes; only then is the response ended, which is what makes Node close the connection.
 */
export function refuseLingering(req: IncomingMessage, res: ServerResponse, status: number, text: string, ended: (how: LingerEnd, discarded: number) => void): void {
  res.writeHead(status, { connection: 'close', 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.write(text);
  let discarded = 0;
  let done = false;
  const finish = (how: LingerEnd): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off('data', discard);
    req.off('end', complete);
    if (!res.writableEnded && !res.destroyed) res.end();
    ended(how, discarded);
  };
  const discard = (chunk: Buffer): void => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) finish('bytes');
  };
  const complete = (): void => finish('complete');
  const timer = setTimeout(() => finish('time'), LINGER_MS);
  res.once('close', () => finish('client-closed'));
  if (req.readableEnded) return finish('complete');
  req.on('data', discard);
  req.once('end', complete);
}
