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

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** A request id we accept from upstream (a router or load balancer); anything else gets a fresh one. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function createHttpServer(deps: HttpDeps): http.Server {
  const { config, logger } = deps;
  const parseJson: Middleware = bodyParser.json({ limit: config.limits.maxBodyBytes });
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
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    const run = (): void =>
      parseJson(req, res, (err) => {
        if (err) return bodyError(res, err, requestId);
        execute(req, res, search, requestId).catch((error: unknown) => {
          logger.error({ err: error, requestId }, 'GraphQL request failed outside execution');
          if (!res.headersSent) sendJson(res, 500, graphqlError('Internal server error', 'INTERNAL_SERVER_ERROR'));
          else res.destroy();
        });
      });
    if (allowCors) allowCors(req, res, () => run());
    else run();
  }

  async function execute(req: IncomingMessage, res: ServerResponse, search: string, requestId: string): Promise<void> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method?.toUpperCase() ?? 'GET', headers, search, body: (req as { body?: unknown }).body },
      context: async () => deps.context(requestId),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
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
