/**
 * The HTTP layer: Node's own `http` server and Apollo's documented integration API
 * (`executeHTTPGraphQLRequest`), the same pairing Apollo's standalone server uses, plus our
 * operational routes. `npm run bench:http-layer` measured it at 1.03x Apollo's standalone server and
 * 1.6x the Express 5 integration on one distance query (README, Performance).
 *
 * Routes: `/graphql` (GET, POST; Sandbox on GET from a browser), `/healthz`, `/readyz`, `/metrics`.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import bodyParser from 'body-parser';
import cors from 'cors';
import type { Config } from '../config.js';
import type { Context } from '../graphql/context.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { ResponseCache } from './response-cache.js';

export interface HttpDeps {
  readonly apollo: ApolloServer<Context>;
  readonly config: Config;
  readonly logger: Logger;
  /** Builds the GraphQL context of one request. */
  readonly context: (requestId: string) => Context;
  /** What `/readyz` reports: `null` until ready. */
  readonly readiness: () => Record<string, unknown> | null;
  readonly metrics: Metrics;
}

/** A request whose JSON body's raw bytes were kept for the response cache. */
type RawBodyRequest = IncomingMessage & { rawBody?: Buffer };

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** A request id we accept from upstream (a router or load balancer); anything else gets a fresh one. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function createHttpServer(deps: HttpDeps): http.Server {
  const { config, logger } = deps;
  // The raw bytes of a JSON body are the response cache's key (response-cache.ts).
  // Never kept longer than the locator keeps the places it was computed from (CACHE_TTL_MS).
  const cache =
    config.responseCache.maxBytes > 0
      ? new ResponseCache({ maxBytes: config.responseCache.maxBytes, ttlMs: Math.min(config.responseCache.ttlMs, config.cache.ttlMs) })
      : null;
  const parseJson: Middleware = bodyParser.json({
    limit: config.limits.maxBodyBytes,
    ...(cache && {
      verify: (req: IncomingMessage, _res: ServerResponse, raw: Buffer) => {
        (req as RawBodyRequest).rawBody = raw;
      },
    }),
  });
  const cacheHit = deps.metrics.responseCache.labels('hit');
  const cacheMiss = deps.metrics.responseCache.labels('miss');
  const cacheBypass = deps.metrics.responseCache.labels('bypass');
  const allowCors: Middleware | null =
    config.corsOrigins.length === 0 ? null : cors(config.corsOrigins.includes('*') ? {} : { origin: [...config.corsOrigins] });

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    switch (pathname) {
      case '/graphql':
        return graphql(req, res, q === -1 ? '' : url.slice(q));
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/metrics':
        return void deps.metrics.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
            res.end(text);
          },
          (error: unknown) => {
            logger.error({ err: error }, 'metrics collection failed');
            sendJson(res, 500, { error: 'metrics collection failed' });
          },
        );
      case '/readyz': {
        const ready = deps.readiness();
        return ready ? sendJson(res, 200, { status: 'ready', ...ready }) : sendJson(res, 503, { status: 'starting' });
      }
      default:
        return sendJson(res, 404, { error: `No route for ${pathname}: GraphQL is served at /graphql.` });
    }
  });
  // Routers keep connections open between requests; outlive their idle timeouts so a reused socket is never closed under them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;

  function graphql(req: IncomingMessage, res: ServerResponse, search: string): void {
    const started = performance.now();
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    const run = (): void =>
      parseJson(req, res, (err) => {
        if (err) return bodyError(res, err, requestId);
        const key = cache?.keyOf(req, (req as RawBodyRequest).rawBody) ?? null;
        if (key === null) cacheBypass.inc();
        else if (replay(res, key, started)) return;
        else cacheMiss.inc();
        execute(req, res, search, requestId, key).catch((error: unknown) => {
          logger.error({ err: error, requestId }, 'GraphQL request failed outside execution');
          if (!res.headersSent) sendJson(res, 500, graphqlError('Internal server error', 'INTERNAL_SERVER_ERROR'));
          else res.destroy();
        });
      });
    if (allowCors) allowCors(req, res, () => run());
    else run();
  }

  /** Answers from the response cache if it holds `key`, counting the request as Apollo's plugin would have. */
  function replay(res: ServerResponse, key: string, started: number): boolean {
    const hit = cache?.get(key);
    if (!hit) return false;
    cacheHit.inc();
    for (const [name, value] of hit.headers) res.setHeader(name, value);
    res.setHeader('age', String(cache!.ageSeconds(hit)));
    res.statusCode = hit.status;
    res.end(hit.body);
    deps.metrics.countRequest(hit.operation, 'success', (performance.now() - started) / 1000);
    return true;
  }

  async function execute(req: IncomingMessage, res: ServerResponse, search: string, requestId: string, cacheKey: string | null): Promise<void> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest = { method: req.method?.toUpperCase() ?? 'GET', headers, search, body: (req as { body?: unknown }).body };
    const response = await deps.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: async () => deps.context(requestId) });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      const operation = deps.metrics.operationOf(httpGraphQLRequest);
      if (cache && cacheKey !== null && operation !== undefined && cache.offer(cacheKey, res.statusCode, response.headers, response.body.string, operation)) {
        deps.metrics.responseCacheBytes.set(cache.bytes);
      }
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  function bodyError(res: ServerResponse, err: unknown, requestId: string): void {
    const { status, type } = err as { status?: number; type?: string };
    logger.info({ requestId, type, status }, 'request body rejected');
    if (status === 413) {
      return sendJson(res, 413, graphqlError(`Request body is larger than the limit of ${config.limits.maxBodyBytes} bytes.`, 'PAYLOAD_TOO_LARGE'));
    }
    if (status === 415) return sendJson(res, 415, graphqlError('Unsupported body encoding or charset: send UTF-8 JSON.', 'UNSUPPORTED_MEDIA_TYPE'));
    return sendJson(res, 400, graphqlError('The request body is not valid JSON.', 'BAD_REQUEST'));
  }
}

const graphqlError = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
