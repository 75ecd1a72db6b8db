/**
 * The HTTP layer: Node's own `http` server, a route table, and the connection bookkeeping that a
 * graceful shutdown needs. `npm run bench:http-layer` compares it with Apollo's standalone server
 * and the Express integration (docs/performance.md).
 *
 * Routes: `/graphql` (GET, POST; the explorer on GET from a browser), `/graphql/explorer/…` (GraphiQL's
 * files, when it is the explorer), `/healthz`, `/readyz`, `/metrics`.
 */
import http, { type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import { z } from 'zod';
import type { ExplorerAssets } from '../../explorer/assets.js';
import type { Context } from '../../graphql/context.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { RequestTrace, Tracing } from '../../observability/tracing.js';
import { defineSettings, int, list } from '../../settings.js';
import { bodyReader } from './body.js';
import { corsFor } from './cors.js';
import { explorerRoutes } from './explorer-routes.js';
import { graphqlRoute, type Route } from './graphql-route.js';
import { opsRoutes, type Readiness } from './ops-routes.js';
import { sendJson } from './replies.js';
import type { ResponseCache } from './response-cache.js';

export const httpSettings = defineSettings({
  title: 'HTTP server',
  variables: {
    PORT: int(0, 65535, 4001).describe('TCP port to listen on; 0 picks a free one.'),
    HOST: z.string().min(1).optional().describe('Interface to listen on, e.g. 127.0.0.1; unset listens on every interface.'),
    MAX_BODY_BYTES: int(1_024, 100_000_000, 1_000_000).describe('Largest request body, in bytes; a larger one is answered 413 as soon as its headers say so.'),
    CORS_ORIGINS: list().describe('Origins allowed by CORS, comma-separated, or * for any. Default: * in development, none in production.'),
  },
  read: (env, { production }) => ({
    port: env.PORT,
    host: env.HOST,
    maxBodyBytes: env.MAX_BODY_BYTES,
    corsOrigins: env.CORS_ORIGINS.length > 0 ? env.CORS_ORIGINS : production ? [] : ['*'],
  }),
});

export interface HttpOptions {
  readonly maxBodyBytes: number;
  readonly corsOrigins: readonly string[];
}

export interface HttpDeps {
  readonly apollo: ApolloServer<Context>;
  readonly options: HttpOptions;
  /** Whether a request comes from the router (ROUTER_SECRET, router-guard.ts); null when every request may. */
  readonly guard: ((req: http.IncomingMessage) => boolean) | null;
  /** Smallest /graphql body compressed, in bytes; 0: never (compression.ts). */
  readonly compressMinBytes: number;
  /** Most operations in one batched request (batch.ts). */
  readonly maxBatchOperations: number;
  /** Builds the GraphQL context of one request. */
  readonly context: (requestId: string, trace: RequestTrace | undefined) => Context;
  readonly readiness: () => Readiness;
  /** Whole responses for repeated requests, or null when off. */
  readonly responseCache: ResponseCache | null;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Present only when tracing is on (observability/tracing.ts). */
  readonly tracing?: Tracing | undefined;
  /** GraphiQL's files, served when GraphiQL is the landing page (src/explorer/). */
  readonly explorer?: ExplorerAssets | undefined;
}

export interface HttpServer {
  readonly server: http.Server;
  /** From now on every response closes its connection, including those of requests in flight. */
  closeConnectionsAfterResponses(): void;
  /**
   * Closes the connections that carry no request: kept-alive ones between requests, and those
   * opened more than `firstRequestGraceMs` ago that have not sent one. A connection opened just
   * now is waiting for its first request to arrive: closing it would reset that request.
   */
  closeIdleConnections(firstRequestGraceMs: number): void;
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  /** Connections open. */
  readonly connections: number;
  /** Connections accepted since the server started. */
  readonly accepted: number;
  /** When the last connection was accepted, on `performance`'s clock, in ms. */
  readonly lastConnectionAt: number;
}

/** What the server knows of one connection, for closing only those that carry nothing. */
interface Connection {
  requests: number;
  active: number;
  readonly openedAt: number;
}

export function createHttpServer(deps: HttpDeps): HttpServer {
  const { options, logger, metrics } = deps;
  const routes: Record<string, Route> = {
    '/graphql': graphqlRoute({
      apollo: deps.apollo,
      context: deps.context,
      body: bodyReader({ maxBytes: options.maxBodyBytes, keepRaw: deps.responseCache !== null, logger }),
      cors: corsFor(options.corsOrigins),
      cache: deps.responseCache,
      guard: deps.guard,
      compressMinBytes: deps.compressMinBytes,
      maxBatchOperations: deps.maxBatchOperations,
      logger,
      metrics,
      tracing: deps.tracing,
    }),
    ...opsRoutes({ readiness: deps.readiness, metrics, logger }),
    ...(deps.explorer && explorerRoutes(deps.explorer)),
  };

  // Responses not yet finished, and connections with what they carry, so that a shutdown can
  // tell responses to close their connections and close the connections that carry nothing.
  const open = new Set<ServerResponse>();
  const connections = new Map<Socket, Connection>();
  let closing = false;
  let lastConnectionAt = Number.NEGATIVE_INFINITY;
  let accepted = 0;

  const server = http.createServer((req, res) => {
    if (closing) res.setHeader('connection', 'close');
    open.add(res);
    const connection = connections.get(req.socket);
    if (connection) {
      connection.requests++;
      connection.active++;
    }
    res.once('close', () => {
      open.delete(res);
      if (connection) connection.active--;
    });
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
    if (route) return route(req, res, q === -1 ? '' : url.slice(q));
    return sendJson(res, 404, { error: `No route for ${pathname}: GraphQL is served at /graphql.` });
  });
  server.on('connection', (socket: Socket) => {
    lastConnectionAt = performance.now();
    accepted++;
    connections.set(socket, { requests: 0, active: 0, openedAt: lastConnectionAt });
    socket.once('close', () => connections.delete(socket));
  });
  // Routers keep connections open between requests; outlive their idle timeouts so a reused socket is never closed under them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  return {
    server,
    closeConnectionsAfterResponses() {
      closing = true;
      for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close');
    },
    closeIdleConnections(firstRequestGraceMs) {
      const now = performance.now();
      for (const [socket, { requests, active, openedAt }] of connections) {
        if (active === 0 && (requests > 0 || now - openedAt > firstRequestGraceMs)) socket.destroy();
      }
    },
    get inFlight() {
      return open.size;
    },
    get connections() {
      return connections.size;
    },
    get accepted() {
      return accepted;
    },
    get lastConnectionAt() {
      return lastConnectionAt;
    },
  };
}
