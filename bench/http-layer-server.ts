/**
 * One server of the HTTP-layer benchmark, run as its own process (see http-layer.ts):
 *
 *   node dist-bench/bench/http-layer-server.js standalone|express|raw
 *
 *  - `standalone`: the service's own Apollo Server (schema, plugins, error formatting, context:
 *    everything but the HTTP layer, imported from dist/) served by `startStandaloneServer`.
 *  - `express`: the same, served by Express 5 + `@as-integrations/express5`, as Apollo documents it
 *    (`express.json()` then `expressMiddleware`; no CORS middleware, as the service has none in production).
 *  - `raw`: `node:http` answering every request with the body in RAW_BODY (the ceiling: no GraphQL at all).
 *
 * Prints `{"benchServer":"<url>"}` on stdout once it can answer, and exits 0 on SIGTERM after closing.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';

// The built service, loaded at run time from dist/ (npm run build first); typed by its sources.
type ConfigModule = typeof import('../src/config.js');
type LoggerModule = typeof import('../src/logger.js');
type AppModule = typeof import('../src/app.js');
type Context = import('../src/graphql/context.js').Context;

const fromDist = async <T>(file: string): Promise<T> => (await import(new URL(`../../dist/${file}`, import.meta.url).href)) as T;

const HOST = '127.0.0.1';

/** What the benchmark's parent waits for. */
function announce(url: string): void {
  process.stdout.write(`${JSON.stringify({ benchServer: url })}\n`);
}

function onSigterm(stop: () => Promise<void>): void {
  process.once('SIGTERM', () => {
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}

/** The service's Apollo Server and per-request context, from src/app.ts's createService, minus the HTTP layer. */
async function serviceApollo(): Promise<{ apollo: ApolloServer<Context>; context: () => Promise<Context>; close: () => Promise<void> }> {
  const [{ loadConfig }, { createLogger }, { createService }] = await Promise.all([
    fromDist<ConfigModule>('config.js'),
    fromDist<LoggerModule>('logger.js'),
    fromDist<AppModule>('app.js'),
  ]);
  // The service's production configuration (the parent passes NODE_ENV=production, LOG_LEVEL=info).
  const config = loadConfig(process.env);
  const service = createService({ config, logger: createLogger(config) });
  await service.ready;
  // No x-request-id arrives here, so always a fresh id, as the service does.
  return { apollo: service.apollo, context: async () => service.context(randomUUID()), close: async () => service.geocoder.close?.() };
}

async function standalone(): Promise<void> {
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  const { apollo, context, close } = await serviceApollo();
  const { url } = await startStandaloneServer(apollo, { context, listen: { port: 0, host: HOST } });
  onSigterm(async () => {
    await apollo.stop(); // standalone's drain plugin closes its HTTP server
    await close();
  });
  announce(new URL('/graphql', url).href);
}

async function express(): Promise<void> {
  const [{ default: expressApp }, { expressMiddleware }, { ApolloServerPluginDrainHttpServer }] = await Promise.all([
    import('express'),
    import('@as-integrations/express5'),
    import('@apollo/server/plugin/drainHttpServer'),
  ]);
  const { apollo, context, close } = await serviceApollo();
  const app = expressApp();
  const httpServer = http.createServer(app);
  apollo.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer }));
  await apollo.start();
  app.use('/graphql', expressApp.json({ limit: 1_000_000 }), expressMiddleware(apollo, { context }));
  await listen(httpServer);
  onSigterm(async () => {
    await apollo.stop();
    await close();
  });
  announce(`http://${HOST}:${(httpServer.address() as AddressInfo).port}/graphql`);
}

async function raw(): Promise<void> {
  const body = process.env.RAW_BODY;
  if (!body) throw new Error('RAW_BODY (the response to send) is not set');
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) };
  const httpServer = http.createServer((req, res) => {
    // Read the request to its end, as any real server must, then answer.
    req.resume();
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  await listen(httpServer);
  onSigterm(
    () =>
      new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      }),
  );
  announce(`http://${HOST}:${(httpServer.address() as AddressInfo).port}/graphql`);
}

function listen(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const kinds: Record<string, () => Promise<void>> = { standalone, express, raw };
const kind = process.argv[2] ?? '';
const start = kinds[kind];
if (!start) {
  process.stderr.write(`usage: http-layer-server ${Object.keys(kinds).join('|')}\n`);
  process.exit(2);
}
await start();
