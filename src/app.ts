/**
 * Assembles the service: the data in memory, the geocoder chain (→ shared cache) → the locator → the schema → Apollo
 * → HTTP. Used by `service.ts` and by the tests, which start the real thing on an ephemeral port.
 */
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { Config } from './config.js';
import { readOverrides, type Overrides } from './data/overrides.js';
import { explorerAssets } from './explorer/assets.js';
import type { Gazetteer } from './gazetteer/gazetteer.js';
import { defaultUsDataFile, LoadedData } from './gazetteer/loaded-data.js';
import { GeocoderChain } from './geocoding/chain.js';
import type { Geocoder } from './geocoding/geocoder.js';
import { Locator } from './geocoding/locator.js';
import { createProviders } from './geocoding/providers/index.js';
import { SharedCacheGeocoder } from './geocoding/shared-cache.js';
import { TimeZones } from './geocoding/time-zones.js';
import { createApolloServer } from './graphql/apollo.js';
import { RequestContext, type Context } from './graphql/context.js';
import { createSchema, namingFor } from './graphql/schema.js';
import { ResponseWarnings } from './graphql/warnings.js';
import type { Logger } from './logger.js';
import { Metrics } from './observability/metrics.js';
import { startTracing } from './observability/start-tracing.js';
import { logFields, type RequestTrace, type Tracing } from './observability/tracing.js';
import { PlaceNameSearch } from './place-names/place-name-search.js';
import { SpatialSearch } from './spatial/spatial-search.js';
import { WorkBudget } from './work-budget.js';
import { listen } from './server/http/listen.js';
import type { Readiness } from './server/http/ops-routes.js';
import { ResponseCache } from './server/http/response-cache.js';
import { routerGuard } from './server/http/router-guard.js';
import { createHttpServer } from './server/http/server.js';
import { closeGracefully } from './server/shutdown.js';

export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  /**
   * Replaces the provider chain (tests pass a counting geocoder): every lookup goes through it, none to memory first;
   * the shared cache still wraps it, and the data still loads for the searches.
   */
  readonly geocoder?: Geocoder;
  /**
   * The data in memory, already loading or loaded, instead of loading the configured files; this service never closes
   * it. Tests share one across the many services of a process: loading is most of a start.
   */
  readonly data?: LoadedData;
}

export interface App {
  /** Base URL, e.g. `http://127.0.0.1:4001`; GraphQL is at `${url}/graphql`. */
  readonly url: string;
  readonly port: number;
  readonly metrics: Metrics;
  /** Resolves when every geocoder can answer and the data is loaded; rejects if it cannot be (a file cannot be read). */
  readonly ready: Promise<void>;
  /**
   * Loads the data files again (SIGHUP) and answers from them once loaded; resolves with the new gazetteer, or undefined
   * when no data is held (`GEOCODER` without `embedded`). Rejects, the old data answering on, as `LoadedData.reload` does.
   */
  reload(): Promise<Gazetteer | undefined>;
  /** Shuts down as orchestrators expect (see shutdown.ts), then releases everything. */
  stop(): Promise<void>;
}

/** Everything but the HTTP layer: what the service answers GraphQL with, and how it builds each request's context. */
export interface Service {
  readonly apollo: ApolloServer<Context>;
  readonly geocoder: Geocoder;
  readonly locator: Locator;
  /** The postal codes in memory, when `GEOCODER` names `embedded`. */
  readonly data: LoadedData | undefined;
  readonly metrics: Metrics;
  /** The context of one operation: a view of the shared locator bound to its warnings, budget (and trace, when tracing). */
  context(requestId: string, trace?: RequestTrace): Context;
  readonly ready: Promise<void>;
  /** What `/readyz` reports. */
  readiness(): Readiness;
  /** From now on `/readyz` says `stopping`, and start-up downloads are cancelled. */
  markStopping(): void;
  /** Releases what the service holds (sockets, timers, downloads); after the HTTP layer has closed. */
  close(): Promise<void>;
}

/** What `startApp` made before the service: the metrics registry, the tracer when tracing is on, the overrides read and checked. */
export interface ServiceRuntime {
  readonly metrics?: Metrics;
  readonly tracing?: Tracing | undefined;
  readonly overrides?: Overrides | undefined;
}

/** Assembles the service without an HTTP layer (the HTTP-layer benchmark serves it through others). */
export function createService({ config, logger, geocoder: injected, data: shared }: AppOptions, runtime: ServiceRuntime = {}): Service {
  const metrics = runtime.metrics ?? new Metrics();
  const { gazetteer: dataOptions } = config;
  const data = config.geocoders.includes('embedded')
    ? (shared ??
      new LoadedData({
        files: [defaultUsDataFile()],
        data: dataOptions.data,
        extraFiles: dataOptions.files,
        overrides: runtime.overrides,
        logger: logger.child({ component: 'data' }),
        metrics,
      }))
    : undefined;
  metrics.heldPostalCodes = () => data?.current?.size ?? 0;
  const owned = data === shared ? undefined : data;
  const providers = injected ?? new GeocoderChain(createProviders(config.geocoders, config.providers, { logger, metrics, upstream: config.upstream, data }), metrics);
  // With Redis, replicas share answers below their own LRU; see shared-cache.ts.
  const geocoder = config.redis
    ? new SharedCacheGeocoder(providers, { ...config.redis, ttlMs: config.locator.ttlMs, notFoundTtlMs: config.locator.notFoundTtlMs }, logger.child({ component: 'shared-cache' }), metrics)
    : providers;
  // Memory answers first when the data heads the chain; it is the whole answer when nothing follows it.
  const memory = data && !injected && config.geocoders[0] === 'embedded' ? { locate: data.locate.bind(data), missingReason: data.missingReason.bind(data), final: config.geocoders.length === 1 } : undefined;
  const locator = new Locator(geocoder, { ...config.locator, metrics, memory }, logger.child({ component: 'locator' }));
  const timeZones = new TimeZones({ metrics, logger: logger.child({ component: 'time-zones' }) });
  const spatial = new SpatialSearch(() => data?.current, data?.answering, config.limits);
  const names = new PlaceNameSearch(() => data?.current, data?.answering, config.limits);
  const datasets = () => data?.current?.datasets ?? [];

  let readyAt: number | null = null;
  let stopping = false;
  const ready = Promise.all([geocoder.ready(), data?.ready]).then(() => void (readyAt = performance.now()));
  ready.catch(() => undefined); // the caller decides what a failed start means; see service.ts

  // One naming for every schema instance and every lookup by name (SCHEMA_PREFIX).
  const naming = namingFor(config.schema.prefix);
  const schema = () => createSchema({ naming, limits: config.limits });

  return {
    apollo: createApolloServer(config, { schema, naming, logger: logger.child({ component: 'apollo' }), metrics }),
    geocoder,
    locator,
    data,
    metrics,
    context(requestId, trace) {
      const warnings = new ResponseWarnings();
      const budget = new WorkBudget(config.limits.workBudget);
      const lookups = locator.forOperation({ listener: warnings, maxCodes: config.limits.maxPostalCodes, trace, budget });
      // With tracing, every line of the request carries its trace id, so logs and traces join.
      return new RequestContext(lookups, timeZones, spatial, names, requestId, warnings, trace, budget, () => logger.child(logFields(requestId, trace)), datasets);
    },
    ready,
    readiness: () => {
      if (stopping) return { ready: false, status: 'stopping' };
      if (readyAt === null) return { ready: false, status: data?.status === 'downloading' ? 'downloading' : 'starting' };
      const report = data?.report();
      return { ready: true, details: { geocoder: geocoder.name, postalCodes: data?.current?.size ?? 0, uptimeMs: Math.round(performance.now()), ...(report && { datasets: report }) } };
    },
    markStopping: () => {
      stopping = true;
      void owned?.close();
    },
    async close() {
      await owned?.close();
      await geocoder.close?.();
    },
  };
}

/**
 * Starts the service on its HTTP layer (node:http; see http/server.ts). Rejects with a `DataError`
 * (`BAD_OVERRIDES`) before anything listens or loads when the DATA_OVERRIDES file is not valid.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const overridesFile = config.geocoders.includes('embedded') ? config.gazetteer.data.overrides : undefined;
  const overrides = overridesFile === undefined ? undefined : await readOverrides(overridesFile);
  const metrics = new Metrics();
  // Loaded only when OTEL_* configure an endpoint: otherwise nothing of OpenTelemetry is imported.
  const tracing = config.tracing ? await startTracing(config.tracing, { metrics, logger: logger.child({ component: 'tracing' }) }) : undefined;
  const service = createService(options, { metrics, tracing, overrides });
  const { apollo } = service;
  // Never kept longer than the locator keeps the places a response was computed from (CACHE_TTL_MS).
  const { maxBytes, ttlMs } = config.responseCache;
  const responseCache = maxBytes > 0 ? new ResponseCache({ maxBytes, ttlMs: Math.min(ttlMs, config.locator.ttlMs) }) : null;
  const http = createHttpServer({
    apollo,
    options: config.http,
    context: (requestId, trace) => service.context(requestId, trace),
    readiness: () => service.readiness(),
    responseCache,
    guard: routerGuard(config.routerGuard.secret),
    compressMinBytes: config.compression.minBytes,
    maxBatchOperations: config.batch.maxOperations,
    logger,
    metrics: service.metrics,
    tracing,
    explorer: config.landingPage.page === 'graphiql' ? explorerAssets() : undefined,
  });
  await apollo.start();

  const { server } = http;
  // A port in use (or a host that is not ours) rejects with a ListenError: service.ts says it in one line.
  await listen(server, { port: config.http.port, host: config.http.host, portVariable: 'PORT', hostVariable: 'HOST' });
  const { port } = server.address() as AddressInfo;
  const host = config.http.host && config.http.host !== '0.0.0.0' && config.http.host !== '::' ? config.http.host : '127.0.0.1';

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    metrics: service.metrics,
    ready: service.ready,
    async reload() {
      const gazetteer = await service.data?.reload();
      // Responses computed from the data replaced must not be served again.
      responseCache?.clear();
      return gazetteer;
    },
    async stop() {
      service.markStopping();
      await closeGracefully(http, config.shutdown, logger);
      await apollo.stop();
      await service.close();
      // Last: the spans of the requests that just finished are flushed (for at most OTEL_BSP_EXPORT_TIMEOUT).
      await tracing?.shutdown();
    },
  };
}
