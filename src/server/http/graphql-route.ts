/**
 * `/graphql`: the router guard, CORS, the request id, the body, the response cache, then Apollo's integration API
 * (`executeHTTPGraphQLRequest`) once per operation; a JSON array is a batch (batch.ts). Every operation is counted here
 * once answered, from what its plugins recorded; a response-cache hit under the label it was stored with.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Context, OperationResult } from '../../graphql/context.js';
import { INVALID_LABEL } from '../../graphql/operation/analysis.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { logFields, type RequestTrace, type Tracing } from '../../observability/tracing.js';
import { batchProblem, strictestCacheControl } from './batch.js';
import { compress, encodingFor } from './compression.js';
import { graphqlError, sendJson } from './replies.js';
import { refuseLingering, requestIdOf, type BodyReader, type Middleware, type ReadRequest } from './request.js';
import type { CachedResponse, ResponseCache } from './response-cache.js';
import { UNAUTHENTICATED } from './router-guard.js';

export interface GraphQLRouteDeps {
  readonly apollo: ApolloServer<Context>;
  /** Builds the context of one operation. */
  readonly context: (requestId: string, trace: RequestTrace | undefined) => Context;
  readonly body: BodyReader;
  readonly cors: Middleware | null;
  readonly cache: ResponseCache | null;
  readonly guard: ((req: IncomingMessage) => boolean) | null;
  readonly compressMinBytes: number;
  readonly maxBatchOperations: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Present only when tracing is on: every request then gets a server span. */
  readonly tracing?: Tracing | undefined;
}

export type Route = (req: IncomingMessage, res: ServerResponse, search: string) => void;

const UNAUTHENTICATED_BODY = JSON.stringify(UNAUTHENTICATED);

/** One operation's answer, as Apollo gave it, and what its plugins recorded. */
interface Answer {
  readonly status: number;
  readonly headers: HeaderMap;
  readonly text: string;
  readonly result: OperationResult | undefined;
}

export function graphqlRoute(deps: GraphQLRouteDeps): Route {
  const { apollo, cache, logger, metrics, tracing } = deps;
  const cacheResults = metrics.responseCacheResults;

  const run = async (req: IncomingMessage, search: string, body: unknown, requestId: string, trace: RequestTrace | undefined, started: number): Promise<Answer> => {
    const context = deps.context(requestId, trace);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method?.toUpperCase() ?? 'GET', headers: headerMapOf(req), search, body },
      context: async () => context,
    });
    let text: string;
    if (response.body.kind === 'complete') text = response.body.string;
    else {
      text = '';
      for await (const chunk of response.body.asyncIterator) text += chunk;
    }
    const { result } = context.answer;
    // No result: Apollo answered before any operation hook (a body that is no GraphQL request).
    metrics.countRequest(result?.label ?? INVALID_LABEL, result?.kind ?? 'error', (performance.now() - started) / 1000);
    metrics.workUnits += context.budget.spent;
    return { status: response.status ?? 200, headers: response.headers, text, result };
  };

  /** Sends a body, compressed when it is large enough and the caller accepts an encoding; `encoded` keeps encodings made before. */
  const send = async (req: IncomingMessage, res: ServerResponse, status: number, headers: Iterable<readonly [string, string]>, text: string, encoded?: CachedResponse['encoded']): Promise<void> => {
    for (const [name, value] of headers) res.setHeader(name, value);
    res.setHeader('vary', 'accept, accept-encoding');
    res.statusCode = status;
    const encoding = deps.compressMinBytes > 0 && text.length >= deps.compressMinBytes ? encodingFor(req) : undefined;
    if (!encoding) return void res.end(text);
    let bytes = encoded?.[encoding];
    if (!bytes) {
      bytes = await compress(text, encoding);
      if (encoded) encoded[encoding] = bytes;
    }
    res.setHeader('content-encoding', encoding);
    res.setHeader('content-length', bytes.length);
    res.end(bytes);
  };

  const single = async (req: ReadRequest, res: ServerResponse, search: string, requestId: string, trace: RequestTrace | undefined, started: number): Promise<void> => {
    const key = cache?.keyOf(req, req.rawBody) ?? null;
    const hit = key === null ? undefined : cache?.get(key);
    if (key === null) cacheResults.bypass++;
    else if (hit) cacheResults.hit++;
    else cacheResults.miss++;
    trace?.span.setAttribute('response_cache.result', key === null ? 'bypass' : hit ? 'hit' : 'miss');
    if (hit) {
      await send(req, res, hit.status, [...hit.headers, ['age', String(cache!.ageSeconds(hit))]], hit.body, hit.encoded);
      metrics.countRequest(hit.operation, 'success', (performance.now() - started) / 1000);
      return;
    }
    const answer = await run(req, search, req.body, requestId, trace, started);
    await send(req, res, answer.status, answer.headers, answer.text);
    if (cache && key !== null && answer.result) {
      const offered = { status: answer.status, headers: answer.headers, body: answer.text, policy: answer.result.policy, operation: answer.result.label };
      if (cache.offer(key, offered)) metrics.responseCacheBytes.set(cache.bytes);
    }
  };

  const batch = async (req: ReadRequest, res: ServerResponse, items: readonly unknown[], requestId: string, trace: RequestTrace | undefined, started: number): Promise<void> => {
    const problem = batchProblem(items, deps.maxBatchOperations);
    if (problem) return sendJson(res, 400, graphqlError(problem, 'BAD_REQUEST'));
    cacheResults.bypass++;
    const answers = await Promise.all(items.map((item, i) => run(req, '', item, `${requestId}.${i}`, trace, started)));
    const headers = new HeaderMap([['content-type', answers[0]?.headers.get('content-type') ?? 'application/json; charset=utf-8']]);
    headers.set('cache-control', strictestCacheControl(answers.map((answer) => answer.headers.get('cache-control'))));
    await send(req, res, 200, headers, `[${answers.map((answer) => answer.text.trimEnd()).join(',')}]\n`);
  };

  const handle: Route = (req, res, search) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    if (deps.guard && !deps.guard(req)) {
      // Its body is read and dropped, never parsed, as a 413's is, so that the client reads the 401.
      return refuseLingering(req, res, 401, UNAUTHENTICATED_BODY, (closed) => logger.info({ requestId, closed }, 'request without the router secret: answered 401'));
    }
    const trace = tracing && traceRequest(tracing, req, res);
    deps.body.read(req, res, requestId, trace, () => {
      const read = req as ReadRequest;
      const work = Array.isArray(read.body) ? batch(read, res, read.body, requestId, trace, started) : single(read, res, search, requestId, trace, started);
      work.catch((error: unknown) => {
        logger.error({ err: error, ...logFields(requestId, trace) }, 'GraphQL request failed outside execution');
        if (!res.headersSent) sendJson(res, 500, graphqlError('Internal server error', 'INTERNAL_SERVER_ERROR'));
        else res.destroy();
      });
    });
  };
  const { cors } = deps;
  return cors ? (req, res, search) => cors(req, res, () => handle(req, res, search)) : handle;
}

function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Methods named as they are on a span; any other is `_OTHER`, so a client cannot make up span names. */
const METHODS = new Set(['GET', 'POST', 'OPTIONS', 'HEAD', 'PUT', 'PATCH', 'DELETE']);

/**
 * The server span of one request, ended when the response is done or its connection closed. An unsampled span records
 * nothing, so it is not waited for: it only names the trace in the request's log lines.
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
