/**
 * Assembles the service: geocoder chain (→ shared cache) → locator → schema → Apollo → HTTP.
 * Used by `main.ts` and by the tests, which start the real thing on an ephemeral port.
 */
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Config } from '../config.js';
import { GeocoderChain } from '../geocoding/chain.js';
import type { Geocoder } from '../geocoding/geocoder.js';
import { Locator } from '../geocoding/locator.js';
import { SharedCacheGeocoder } from '../geocoding/shared-cache.js';
import { createProviders } from '../geocoding/providers/index.js';
import type { Context } from '../graphql/context.js';
import { createSchema } from '../graphql/schema.js';
import { ResponseWarnings } from '../graphql/warnings.js';
import type { Logger } from '../logger.js';
import { Metrics } from '../observability/metrics.js';
import { createApolloServer } from './apollo.js';
import { createHttpServer } from './http.js';

export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Replaces the configured provider chain (tests pass a counting geocoder); the shared cache still wraps it. */
  readonly geocoder?: Geocoder;
}

export interface App {
  /** Base URL, e.g. `http://127.0.0.1:4001`; GraphQL is at `${url}/graphql`. */
  readonly url: string;
  readonly port: number;
  readonly locator: Locator;
  readonly metrics: Metrics;
  /** Resolves when every geocoder can answer; rejects if one cannot start (e.g. a dataset fails to load). */
  readonly ready: Promise<void>;
  /** Stops accepting, lets in-flight requests finish (up to `shutdownTimeoutMs`), then releases everything. */
  stop(): Promise<void>;
}

/** Everything but the HTTP layer: what the service answers GraphQL with, and how it builds each request's context. */
export interface Service {
  readonly apollo: ApolloServer<Context>;
  readonly geocoder: Geocoder;
  readonly locator: Locator;
  readonly metrics: Metrics;
  /** The context of one request: a per-request view of the shared locator, bound to the request's warnings. */
  context(requestId: string): Context;
  /** Resolves when every geocoder can answer; rejects if one cannot start (e.g. a dataset fails to load). */
  readonly ready: Promise<void>;
  /** What `/readyz` reports: `null` until ready. */
  readiness(): Record<string, unknown> | null;
}

/** Assembles the service without an HTTP layer (the HTTP-layer benchmark serves it through others). */
export function createService({ config, logger, geocoder: injected }: AppOptions): Service {
  const metrics = new Metrics();
  const providers = injected ?? new GeocoderChain(createProviders({ config, logger, metrics }), metrics);
  // With Redis, replicas share answers below their own LRU; see shared-cache.ts.
  const geocoder = config.redis
    ? new SharedCacheGeocoder(providers, { ...config.redis, ttlMs: config.cache.ttlMs, notFoundTtlMs: config.cache.notFoundTtlMs }, logger.child({ component: 'shared-cache' }), metrics)
    : providers;
  const locator = new Locator(geocoder, { ...config.cache, batchWindowMs: config.batchWindowMs, metrics }, logger.child({ component: 'locator' }));

  let readyAt: number | null = null;
  const ready = geocoder.ready().then(() => {
    readyAt = performance.now();
    metrics.datasetCodes.set(geocoder.size ?? 0);
  });
  ready.catch(() => undefined); // the caller decides what a failed start means; see main.ts

  return {
    apollo: createApolloServer(createSchema, config, logger.child({ component: 'apollo' }), metrics),
    geocoder,
    locator,
    metrics,
    context(requestId) {
      const warnings = new ResponseWarnings();
      return { locator: locator.forRequest(warnings, config.limits.maxPostalCodes), limits: config.limits, requestId, logger: logger.child({ requestId }), warnings };
    },
    ready,
    readiness: () => (readyAt === null ? null : { geocoder: geocoder.name, postalCodes: geocoder.size ?? 0, uptimeMs: Math.round(performance.now()) }),
  };
}

/** Starts the service on its HTTP layer (node:http; see http.ts). */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const service = createService(options);
  const { apollo } = service;
  const httpServer = createHttpServer({
    apollo,
    config,
    logger,
    context: (requestId) => service.context(requestId),
    metrics: service.metrics,
    readiness: () => service.readiness(),
  });
  // Added before start, as Apollo's standalone server does: on stop it closes the listener and waits for in-flight requests.
  apollo.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownTimeoutMs }));
  await apollo.start();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host && config.host !== '0.0.0.0' && config.host !== '::' ? config.host : '127.0.0.1';

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    locator: service.locator,
    metrics: service.metrics,
    ready: service.ready,
    async stop() {
      await apollo.stop(); // the drain plugin closes the HTTP server first
      await service.geocoder.close?.();
    },
  };
}
