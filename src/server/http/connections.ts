/**
 * The HTTP server's connections: what each carries, the cap on how many are open, the 408 for a client too slow to send
 * its request, and what a graceful shutdown needs (docs/operations.md, Slow and many clients). Invariants:
 *  - once a new connection is dealt with, at most `maxConnections` are open: at the cap, it closes the oldest connection
 *    waiting on its client (no whole request yet, or a 413's lingering body), else the oldest idle one. One being
 *    answered is never closed for another; the new one is closed only when all are answering.
 *  - a request past its deadlines (Node times them, server.ts passes them) is answered 408 and its connection closed.
 *  - every refusal is counted in `http_refusals_total` by reason.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { graphqlError, writeRawReply } from './replies.js';

export interface ConnectionLimits {
  readonly maxConnections: number;
  /** As given to Node; here only to say them in a 408's message. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

interface Connection {
  readonly socket: Socket;
  readonly openedAt: number;
  /** Requests received on it so far. */
  requests: number;
  /** Requests received whose responses are not finished. */
  active: number;
  /** The latest request while its response is not finished: still sending its body, or being answered. */
  current: { readonly req: IncomingMessage; readonly res: ServerResponse } | null;
}

/** How often, at most, a warning says that the cap was reached, in ms. */
const CAP_WARNING_INTERVAL_MS = 60_000;

export class Connections {
  private readonly connections = new Map<Socket, Connection>();
  /** Responses not yet finished, so that a shutdown can tell each to close its connection. */
  private readonly open = new Set<ServerResponse>();
  private closing = false;
  private acceptedCount = 0;
  private lastAcceptedAt = Number.NEGATIVE_INFINITY;
  private lastCapWarningAt = Number.NEGATIVE_INFINITY;

  constructor(
    server: Server,
    private readonly limits: ConnectionLimits,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    server.on('connection', (socket: Socket) => this.accept(socket));
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => this.clientError(error, socket));
  }

  /** Records a request as it arrives; call it before anything answers it. */
  track(req: IncomingMessage, res: ServerResponse): void {
    if (this.closing) res.setHeader('connection', 'close');
    this.open.add(res);
    const connection = this.connections.get(req.socket);
    if (connection) {
      connection.requests++;
      connection.active++;
      connection.current = { req, res };
    }
    res.once('close', () => {
      this.open.delete(res);
      if (!connection) return;
      connection.active--;
      if (connection.current?.res === res) connection.current = null;
    });
  }

  /** From now on every response closes its connection, including those of requests in flight. */
  closeConnectionsAfterResponses(): void {
    this.closing = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
  }

  /** Closes idle kept-alive connections, and those silent past `firstRequestGraceMs` (sooner could reset a request on its way). */
  closeIdleConnections(firstRequestGraceMs: number): void {
    const now = performance.now();
    for (const { socket, requests, active, openedAt } of this.connections.values()) {
      if (active === 0 && (requests > 0 || now - openedAt > firstRequestGraceMs)) socket.destroy();
    }
  }

  /** Requests received and not yet answered. */
  get inFlight(): number {
    return this.open.size;
  }

  get size(): number {
    return this.connections.size;
  }

  /** Connections accepted since the server started, those closed at once at the cap included. */
  get accepted(): number {
    return this.acceptedCount;
  }

  /** When the last connection was accepted, on `performance`'s clock, in ms. */
  get lastConnectionAt(): number {
    return this.lastAcceptedAt;
  }

  private accept(socket: Socket): void {
    this.lastAcceptedAt = performance.now();
    this.acceptedCount++;
    if (this.connections.size >= this.limits.maxConnections && !this.makeRoom()) {
      this.metrics.httpRefusals.inc({ reason: 'over_capacity' });
      socket.destroy();
      return;
    }
    this.connections.set(socket, { socket, openedAt: this.lastAcceptedAt, requests: 0, active: 0, current: null });
    this.metrics.httpConnections.open++;
    socket.once('close', () => this.forget(socket));
  }

  /** Closes the connection least worth keeping (see the file's invariants); false when every one is answering. */
  private makeRoom(): boolean {
    this.warnAtCap();
    let idle: Connection | undefined;
    let waiting: Connection | undefined;
    // A Map iterates in insertion order: oldest connection first.
    for (const connection of this.connections.values()) {
      const { requests, active, current } = connection;
      if (requests === 0 || (active === 1 && current !== null && !current.req.complete)) {
        waiting = connection;
        break;
      }
      if (active === 0) idle ??= connection;
    }
    const victim = waiting ?? idle;
    if (!victim) return false;
    this.metrics.httpRefusals.inc({ reason: waiting ? 'displaced_waiting' : 'displaced_idle' });
    // Forgotten now, not on its 'close' event: the next connection of this burst must not pick it again.
    this.forget(victim.socket);
    victim.socket.destroy();
    return true;
  }

  private forget(socket: Socket): void {
    if (this.connections.delete(socket)) this.metrics.httpConnections.open--;
  }

  private warnAtCap(): void {
    const now = performance.now();
    if (now - this.lastCapWarningAt < CAP_WARNING_INTERVAL_MS) return;
    this.lastCapWarningAt = now;
    this.logger.warn(
      { maxConnections: this.limits.maxConnections },
      `HTTP_MAX_CONNECTIONS (${this.limits.maxConnections}) connections are open: each new one closes a slow or idle one, or is closed itself when all are answering (counted in http_refusals_total)`,
    );
  }

  /** Node's `clientError` (a timeout, or a request it cannot parse): answered as Node would, with our JSON body, then closed. */
  private clientError(error: NodeJS.ErrnoException, socket: Socket): void {
    const current = this.connections.get(socket)?.current ?? null;
    const answerable = socket.writable && !current?.res.headersSent;
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      // A lingering 413 that outlives the deadline was answered already: closing it is no new refusal.
      if (answerable) {
        const body = current !== null && !current.req.complete;
        this.metrics.httpRefusals.inc({ reason: body ? 'body_timeout' : 'headers_timeout' });
        const message = body
          ? `The request was not received whole within ${this.limits.requestTimeoutMs} ms (HTTP_REQUEST_TIMEOUT_MS).`
          : `The request headers were not received within ${this.limits.headersTimeoutMs} ms (HTTP_HEADERS_TIMEOUT_MS).`;
        writeRawReply(socket, 408, graphqlError(message, 'REQUEST_TIMEOUT'));
      }
    } else if (answerable && error.code !== 'ECONNRESET') {
      writeRawReply(socket, ...parseFailureReply(error.code));
    }
    socket.destroy();
  }
}

function parseFailureReply(code: string | undefined): [number, ReturnType<typeof graphqlError>] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, graphqlError('The request headers are too large.', 'REQUEST_HEADER_FIELDS_TOO_LARGE')];
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return [413, graphqlError('The chunk extensions of the request body are too large.', 'PAYLOAD_TOO_LARGE')];
  return [400, graphqlError('The request is not valid HTTP/1.1.', 'BAD_REQUEST')];
}
