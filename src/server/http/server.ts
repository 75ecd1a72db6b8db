/**
 * The HTTP layer: its settings, Node's own `http` server with the timeouts a subgraph behind a router wants, the
 * connections (connections.ts) and the routes: `/graphql` (GET, POST; the explorer on GET from a browser),
 * `/graphql/explorer/…` (GraphiQL's files), `/healthz`, `/readyz`, `/metrics`.
 */
import http from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { z } from 'zod';
import type { ExplorerAssets } from '../../explorer/assets.js';
import type { Context } from '../../graphql/context.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { RequestTrace, Tracing } from '../../observability/tracing.js';
import { defineSettings, int, list, ms, port } from '../../settings.js';
import { Connections } from './connections.js';
import { explorerRoutes } from './explorer-routes.js';
import { graphqlRoute, type Route } from './graphql-route.js';
import { opsRoutes, type Readiness } from './ops-routes.js';
import { sendJson } from './replies.js';
import { bodyReader, corsFor } from './request.js';
import type { ResponseCache } from './response-cache.js';

/** The headers timeout when HTTP_HEADERS_TIMEOUT_MS is unset (or the request timeout, if shorter), in ms. */
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;

export const httpSettings = defineSettings({
  title: 'HTTP server',
  variables: {
    PORT: port(4001).describe('TCP port to listen on; 0 picks a free one.'),
    HOST: z.string().min(1).optional().describe('Interface to listen on, e.g. 127.0.0.1; unset listens on every interface.'),
    MAX_BODY_BYTES: int(1_024, 100_000_000, 1_000_000).describe('Largest request body, in bytes; a larger one is answered 413 as soon as its Content-Length says so, or as it crosses the limit.'),
    CORS_ORIGINS: list().describe('Origins allowed by CORS, comma-separated, or * for any. Default: * in development, none in production.'),
    HTTP_REQUEST_TIMEOUT_MS: ms(100, 3_600_000, 30_000).describe(
      'How long a client may take to send a whole request, headers and body, from its first byte, in ms; one not whole by then is answered 408 and its connection closed.',
    ),
    HTTP_HEADERS_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .optional()
      .describe(
        `How long a client may take to send a request's headers, from its first byte (or from connecting, for the first request of a connection), in ms; answered 408 and closed. At most HTTP_REQUEST_TIMEOUT_MS. Default ${DEFAULT_HEADERS_TIMEOUT_MS}, or HTTP_REQUEST_TIMEOUT_MS if shorter.`,
      ),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: ms(1_000, 3_600_000, 65_000).describe(
      'How long a kept-alive connection may stay idle between requests, in ms: longer than the idle timeout of the router or load balancer in front, so that it never sends a request on a connection the service is closing.',
    ),
    HTTP_MAX_CONNECTIONS: int(1, 1_000_000, 4_096).describe(
      'Most connections open at once; at the cap, a new connection closes the oldest one still sending its request or idle, or is closed itself when every one is being answered. Keep it well below the open-file limit (ulimit -n).',
    ),
  },
  read: (env, { production }) => {
    const requestTimeoutMs = env.HTTP_REQUEST_TIMEOUT_MS;
    return {
      port: env.PORT,
      host: env.HOST,
      maxBodyBytes: env.MAX_BODY_BYTES,
      corsOrigins: env.CORS_ORIGINS.length > 0 ? env.CORS_ORIGINS : production ? [] : ['*'],
      requestTimeoutMs,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS ?? Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeoutMs),
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: env.HTTP_MAX_CONNECTIONS,
    };
  },
  check: (env, report) => {
    // Node refuses a headers timeout longer than the request timeout.
    if (env.HTTP_HEADERS_TIMEOUT_MS !== undefined && env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      report('HTTP_HEADERS_TIMEOUT_MS', `at most HTTP_REQUEST_TIMEOUT_MS (${env.HTTP_REQUEST_TIMEOUT_MS})`);
    }
  },
});

export interface HttpOptions {
  readonly maxBodyBytes: number;
  readonly corsOrigins: readonly string[];
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
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
  readonly context: (requestId: string, trace: RequestTrace | undefined) => Context;
  readonly readiness: () => Readiness;
  /** Whole responses for repeated requests, or null when off. */
  readonly responseCache: ResponseCache | null;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Present only when tracing is on. */
  readonly tracing?: Tracing | undefined;
  /** GraphiQL's files, served when GraphiQL is the landing page (src/explorer/). */
  readonly explorer?: ExplorerAssets | undefined;
}

export interface HttpServer {
  readonly server: http.Server;
  readonly connections: Connections;
}

export function createHttpServer(deps: HttpDeps): HttpServer {
  const { options, logger, metrics } = deps;
  const routes: Record<string, Route> = {
    '/graphql': graphqlRoute({
      apollo: deps.apollo,
      context: deps.context,
      body: bodyReader({ maxBytes: options.maxBodyBytes, keepRaw: deps.responseCache !== null, logger, metrics }),
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

  const server = http.createServer(
    {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(options),
    },
    (req, res) => {
      connections.track(req, res);
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q === -1 ? url : url.slice(0, q);
      const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
      if (route) return route(req, res, q === -1 ? '' : url.slice(q));
      return sendJson(res, 404, { error: `No route for ${pathname}: GraphQL is served at /graphql.` });
    },
  );
  const connections = new Connections(server, options, metrics, logger);
  return { server, connections };
}

/**
 * How often Node checks requests against their timeouts: a tenth of the shorter, in [50 ms, 1 s]. Node's default,
 * 30 s, would let a 30 s deadline run to a minute.
 */
export function checkingIntervalMs({ requestTimeoutMs, headersTimeoutMs }: Pick<HttpOptions, 'requestTimeoutMs' | 'headersTimeoutMs'>): number {
  return Math.min(1_000, Math.max(50, Math.floor(Math.min(requestTimeoutMs, headersTimeoutMs) / 10)));
}
