/**
 * `/graphql`: CORS, the request id, the body, the response cache, then Apollo through its
 * documented integration API (`executeHTTPGraphQLRequest`), the same pairing Apollo's standalone
 * server uses. Every request is counted here, once answered: what the operation was and how it
 * ended come back on its context (`answer.result`, written by the cache-control plugin), and a
 * response-cache hit under the label it was stored with.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Context } from '../../graphql/context.js';
import { INVALID_LABEL } from '../../graphql/operation/analysis.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { logFields, type RequestTrace, type Tracing } from '../../observability/tracing.js';
import type { BodyReader, ReadRequest } from './body.js';
import type { Middleware } from './cors.js';
import { graphqlError, sendJson } from './replies.js';
import { requestIdOf } from './request-id.js';
import type { ResponseCache } from './response-cache.js';

export interface GraphQLRouteDeps {
  readonly apollo: ApolloServer<Context>;
  /** Builds the GraphQL context of one request. */
  readonly context: (requestId: string, trace: RequestTrace | undefined) => Context;
  readonly body: BodyReader;
  readonly cors: Middleware | null;
  readonly cache: ResponseCache | null;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Present only when tracing is on: every request then gets a server span. */
  readonly tracing?: Tracing | undefined;
}

export type Route = (req: IncomingMessage, res: ServerResponse, search: string) => void;

export function graphqlRoute(deps: GraphQLRouteDeps): Route {
  const { apollo, cache, logger, metrics, tracing } = deps;
  const cacheResults = metrics.responseCacheResults;

  /** Answers from the response cache if it holds `key`, counting the request as Apollo's plugin would have. */
  const replay = (res: ServerResponse, key: string, started: number): boolean => {
    const hit = cache?.get(key);
    if (!hit) return false;
    cacheResults.hit++;
    for (const [name, value] of hit.headers) res.setHeader(name, value);
    res.setHeader('age', String(cache!.ageSeconds(hit)));
    res.statusCode = hit.status;
    res.end(hit.body);
    metrics.countRequest(hit.operation, 'success', (performance.now() - started) / 1000);
    return true;
  };

  const execute = async (req: ReadRequest, res: ServerResponse, search: string, requestId: string, cacheKey: string | null, trace: RequestTrace | undefined, started: number): Promise<void> => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const context = deps.context(requestId, trace);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method?.toUpperCase() ?? 'GET', headers, search, body: req.body },
      context: async () => context,
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    const { result } = context.answer;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      if (cache && cacheKey !== null && result !== undefined) {
        if (cache.offer(cacheKey, { status: res.statusCode, headers: response.headers, body: response.body.string, policy: result.policy, operation: result.label })) {
          metrics.responseCacheBytes.set(cache.bytes);
        }
      }
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
    // No result: Apollo answered before any operation hook (a body that is no GraphQL request).
    metrics.countRequest(result?.label ?? INVALID_LABEL, result?.kind ?? 'error', (performance.now() - started) / 1000);
    metrics.workUnits += context.budget.spent;
  };

  const handle: Route = (req, res, search) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    const trace = tracing && traceRequest(tracing, req, res);
    deps.body.read(req, res, requestId, trace, () => {
      const read = req as ReadRequest;
      const key = cache?.keyOf(read, read.rawBody) ?? null;
      if (key === null) cacheResults.bypass++;
      else if (replay(res, key, started)) {
        trace?.span.setAttribute('response_cache.result', 'hit');
        return;
      } else cacheResults.miss++;
      trace?.span.setAttribute('response_cache.result', key === null ? 'bypass' : 'miss');
      execute(read, res, search, requestId, key, trace, started).catch((error: unknown) => {
        logger.error({ err: error, ...logFields(requestId, trace) }, 'GraphQL request failed outside execution');
        if (!res.headersSent) sendJson(res, 500, graphqlError('Internal server error', 'INTERNAL_SERVER_ERROR'));
        else res.destroy();
      });
    });
  };
  const { cors } = deps;
  return cors ? (req, res, search) => cors(req, res, () => handle(req, res, search)) : handle;
}

/** Methods named as they are on a span; any other is `_OTHER`, so a client cannot make up span names. */
const METHODS = new Set(['GET', 'POST', 'OPTIONS', 'HEAD', 'PUT', 'PATCH', 'DELETE']);

/**
 * The server span of one request, continuing the caller's trace, ended when the response is done
 * (or the connection closed before it was): `POST /graphql` with the HTTP semantic conventions'
 * attributes, the status, and what the response cache did. A span whose trace is not sampled
 * records nothing, so it is not waited for: it still names the trace in the request's log lines.
 */
function traceRequest(tracing: Tracing, req: IncomingMessage, res: ServerResponse): RequestTrace {
  const method = req.method !== undefined && METHODS.has(req.method) ? req.method : '_OTHER';
  const span = tracing.startRequest(`${method} /graphql`, req.headers, {
    'http.request.method': method,
    'http.route': '/graphql',
    'url.path': '/graphql',
    'url.scheme': 'http',
    'network.protocol.version': req.httpVersion,
  });
  if (span.sampled) {
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      span.end(res.statusCode >= 500 ? String(res.statusCode) : res.writableFinished ? undefined : 'aborted');
    });
  }
  return { span, current: span };
}
