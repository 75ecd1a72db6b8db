/**
 * Assembles the service: geocoder chain → locator → schema → Apollo → HTTP. Used by `main.ts`
 * and by the tests, which start the real thing on an ephemeral port.
 */
import type { AddressInfo } from 'node:net';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Config } from '../config.js';
import { GeocoderChain } from '../geocoding/chain.js';
import type { Geocoder } from '../geocoding/geocoder.js';
import { Locator } from '../geocoding/locator.js';
import { createProviders } from '../geocoding/providers/index.js';
import { createSchema } from '../graphql/schema.js';
import { ResponseWarnings } from '../graphql/warnings.js';
import type { Logger } from '../logger.js';
import { createApolloServer } from './apollo.js';
import { createHttpServer } from './http.js';

export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Replaces the configured chain (tests pass a counting geocoder). */
  readonly geocoder?: Geocoder;
}

export interface App {
  /** Base URL, e.g. `http://127.0.0.1:4001`; GraphQL is at `${url}/graphql`. */
  readonly url: string;
  readonly port: number;
  readonly locator: Locator;
  /** Resolves when every geocoder can answer; rejects if one cannot start (e.g. a dataset fails to load). */
  readonly ready: Promise<void>;
  /** Stops accepting, lets in-flight requests finish (up to `shutdownTimeoutMs`), then releases everything. */
  stop(): Promise<void>;
}

export async function startApp({ config, logger, geocoder: injected }: AppOptions): Promise<App> {
  const geocoder = injected ?? new GeocoderChain(createProviders({ config, logger }));
  const locator = new Locator(geocoder, { ...config.cache, batchWindowMs: config.batchWindowMs }, logger.child({ component: 'locator' }));

  let readyAt: number | null = null;
  const ready = geocoder.ready().then(() => {
    readyAt = performance.now();
  });
  ready.catch(() => undefined); // the caller decides what a failed start means; see main.ts

  const apollo = createApolloServer(createSchema(), config, logger.child({ component: 'apollo' }));
  const httpServer = createHttpServer({
    apollo,
    config,
    logger,
    context: (requestId) => {
      const warnings = new ResponseWarnings();
      return { locator: locator.forRequest(warnings), limits: config.limits, requestId, logger: logger.child({ requestId }), warnings };
    },
    readiness: () => (readyAt === null ? null : { geocoder: geocoder.name, uptimeMs: Math.round(performance.now()) }),
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
    locator,
    ready,
    async stop() {
      await apollo.stop(); // the drain plugin closes the HTTP server first
      await geocoder.close?.();
    },
  };
}
