/**
 * Example subgraphs, composition and in-process routers for the example supergraphs, shared by
 * `examples/gateway.ts`, the recipes (`examples/recipes/`), the federation tests and
 * `bench/federation.ts`. In production a router (Apollo Router, Hive Gateway) composes with rover
 * or a registry; these are the same libraries, run locally.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import bodyParser from 'body-parser';
import cors from 'cors';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { context, propagation } from '@opentelemetry/api';
import { parse, type DocumentNode } from 'graphql';

export interface SubgraphSource {
  /** The subgraph's name in the supergraph (`locations`, `stores`). */
  readonly name: string;
  /** Where routers send its operations, e.g. `http://localhost:4001/graphql`. */
  readonly url: string;
  /** Its SDL, as `_service { sdl }` prints it or as its schema file holds it. */
  readonly sdl: string;
}

/** `@apollo/composition` does not export its hint class from the package root; this is its shape. */
export type CompositionHint = Extract<ReturnType<typeof composeServices>, { hints: unknown }>['hints'][number];

export interface Supergraph {
  readonly supergraphSdl: string;
  /** What composition noticed but accepted; each one deserves a look. */
  readonly hints: readonly CompositionHint[];
}

export class CompositionError extends Error {
  constructor(
    readonly messages: readonly string[],
    /** Each error's code (`INVALID_FIELD_SHARING`, `SATISFIABILITY_ERROR`, ...), in the same order. */
    readonly codes: readonly string[],
  ) {
    super(`Composition failed:\n${messages.map((m, i) => `  - ${codes[i]}: ${m}`).join('\n')}`);
    this.name = 'CompositionError';
  }
}

/** Composes subgraphs with `@apollo/composition`, as `rover supergraph compose` does; throws on errors. */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): Supergraph {
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors) throw new CompositionError(result.errors.map((e) => e.message), result.errors.map((e) => String(e.extensions.code)));
  return { supergraphSdl: result.supergraphSdl, hints: result.hints };
}

/** Asks a running subgraph for its SDL, as `rover dev` and registries do. */
export async function fetchSubgraphSdl(url: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await res.json()) as { data?: { _service?: { sdl?: string } }; errors?: { message: string }[] };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string') throw new Error(`${url} did not answer _service { sdl } (HTTP ${res.status}): ${JSON.stringify(body.errors ?? body)}`);
  return sdl;
}

/** An example subgraph: clearly an example, with no configuration, validation or logging beyond what a demo needs. */
export interface ExampleSubgraph {
  /** Its name in the supergraph. */
  readonly name: string;
  readonly typeDefs: DocumentNode;
  // Examples type their resolvers loosely, as @apollo/subgraph does.
  readonly resolvers: GraphQLResolverMap<unknown>;
}

export interface RunningSubgraph {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4002/graphql`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Apollo Server's start-up notices (e.g. that inline tracing is on) are noise in tests and benchmarks. */
const silent = { debug() {}, info() {}, warn() {}, error: console.error };

/** Serves an example subgraph with Apollo Server on `port` (0 picks a free one) and `host` (default all interfaces). */
export async function startSubgraph(
  { typeDefs, resolvers }: Pick<ExampleSubgraph, 'typeDefs' | 'resolvers'>,
  { port, host, quiet = false }: { port: number; host?: string; quiet?: boolean },
): Promise<RunningSubgraph> {
  const server = new ApolloServer({
    ...(quiet && { logger: silent }),
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
  });
  return serveApollo(server, { port, host });
}

/**
 * Serves an Apollo Server on node:http as Apollo's `startStandaloneServer` does (CORS, JSON bodies,
 * GET, the drain plugin), but a port that cannot be listened on rejects with Node's error, for the
 * caller to say (examples/start.ts): the standalone server has no listener for it, so it crashes
 * the process with a stack.
 */
async function serveApollo(server: ApolloServer<BaseContext>, { port, host }: { port: number; host?: string | undefined }): Promise<RunningSubgraph> {
  const allowOrigins = cors();
  const json = bodyParser.json({ limit: '50mb' });
  const httpServer = http.createServer((req, res) => {
    allowOrigins(req, res, () => json(req, res, (error?: unknown) => {
      if (error) {
        res.statusCode = (error as { status?: number }).status ?? 400;
        return void res.end();
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      const url = req.url ?? '/';
      const search = url.includes('?') ? url.slice(url.indexOf('?')) : '';
      const body: unknown = (req as { body?: unknown }).body;
      server
        .executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: req.method?.toUpperCase() ?? 'GET', headers, search, body }, context: async () => ({}) })
        .then(async (response) => {
          for (const [key, value] of response.headers) res.setHeader(key, value);
          res.statusCode = response.status ?? 200;
          if (response.body.kind === 'complete') return void res.end(response.body.string);
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        })
        .catch((failure: unknown) => {
          console.error(failure);
          if (!res.headersSent) res.statusCode = 500;
          res.end();
        });
    }));
  });
  server.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer }));
  await server.start();
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(port, host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  const { port: bound } = httpServer.address() as AddressInfo;
  const name = host === undefined || host === '::' || host === '0.0.0.0' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return { url: `http://${name}:${bound}/graphql`, stop: () => server.stop() };
}

export interface RunningRouter {
  /** The router's GraphQL endpoint. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface RouterOptions {
  readonly supergraphSdl: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
}

/** A quiet logger for libraries that log their start-up at info level. */
const quiet = { debug() {}, info() {}, warn: console.warn, error: console.error };

/**
 * A subgraph data source that sends the gateway's trace context with each subgraph request, as W3C
 * `traceparent` and `tracestate`. @apollo/gateway makes OpenTelemetry spans (`gateway.request`,
 * `gateway.fetch`...) when an OpenTelemetry SDK is registered in its process, but does not itself
 * propagate them: without this (or an HTTP instrumentation), each subgraph starts a trace of its own.
 * It injects from the active context, which is the `gateway.fetch` span of the fetch being sent.
 */
export class TracePropagatingDataSource extends RemoteGraphQLDataSource {
  override willSendRequest({ request }: GraphQLDataSourceProcessOptions): void {
    const headers = request.http?.headers;
    if (headers) propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
  }
}

export interface ApolloGatewayOptions extends RouterOptions {
  /** Ask every subgraph for inline traces (`ftv1`), as usage reporting to GraphOS does. */
  readonly traces?: boolean;
  /** Send the gateway's OpenTelemetry trace context to subgraphs (`TracePropagatingDataSource`). */
  readonly propagateTraceContext?: boolean;
}

/**
 * `@apollo/gateway` served by Apollo Server. With `traces`, it asks every subgraph for inline
 * traces (`ftv1`) as it does when usage reporting to GraphOS is on; that plugin needs an API key,
 * so this sets the same per-request switch directly.
 */
export async function startApolloGateway({ supergraphSdl, port, host = '127.0.0.1', traces = false, propagateTraceContext = false }: ApolloGatewayOptions): Promise<RunningRouter> {
  const captureTraces: ApolloServerPlugin = {
    async requestDidStart({ metrics }) {
      metrics.captureTraces = true;
    },
  };
  const server = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl,
      logger: quiet,
      ...(propagateTraceContext && { buildService: ({ url }: { url?: string }) => new TracePropagatingDataSource({ url }) }),
    }),
    logger: quiet,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: traces ? [captureTraces] : [],
  });
  return serveApollo(server, { port, host });
}

/**
 * Hive Gateway's runtime (`@graphql-hive/gateway-runtime`), an independent router implementation, on node:http.
 * `maxBatchSize` sets its experimental cap on the representations of one `_entities` call (none by default).
 */
export async function startHiveGateway({ supergraphSdl, port, host = '127.0.0.1', maxBatchSize }: RouterOptions & { maxBatchSize?: number }): Promise<RunningRouter> {
  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: false,
    landingPage: false,
    ...(maxBatchSize !== undefined && { __experimental__batchDelegateOptions: { maxBatchSize } }),
  });
  const server = http.createServer(runtime);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/graphql`,
    async stop() {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      await runtime[Symbol.asyncDispose]();
    },
  };
}
