/** The service process (loaded by main.ts): configuration, logging, start-up phases and graceful shutdown. */
import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { startApp } from './app.js';

const config = loadConfigOrExit();

const logger = createLogger(config);
logger.info({ phase: 'config', geocoders: config.geocoders, production: config.production }, 'configuration loaded');

// A stray rejection is a bug to log, not a reason to drop every in-flight request.
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

const app = await startApp({ config, logger });
const bound = config.http.host === undefined ? `port ${app.port} of every interface (${app.url}/graphql from this machine)` : `${app.url}/graphql`;
logger.info({ phase: 'listen', url: `${app.url}/graphql`, host: config.http.host ?? null, port: app.port }, `listening on ${bound}`);

app.ready.then(
  () => logger.info({ phase: 'ready', sinceProcessStartMs: Math.round(performance.now()) }, 'ready to serve'),
  (error: unknown) => {
    logger.fatal({ err: error, phase: 'ready' }, 'the geocoder could not start');
    process.exit(1);
  },
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ phase: 'shutdown', signal }, 'shutting down: not ready from now on');
    app.stop().then(
      () => {
        // No process.exit: letting the loop drain flushes the last log lines, and a handle left open shows up as a hang in tests.
        logger.info({ phase: 'shutdown' }, 'stopped');
      },
      (error: unknown) => {
        logger.error({ err: error, phase: 'shutdown' }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
