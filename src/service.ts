/**
 * The service process: configuration, logging, start-up, graceful shutdown, data reload on SIGHUP. A start failing for
 * a reason the operator can fix (a variable, a port in use, DATA_DIR, DATA_OVERRIDES) ends in one line: code, exit 1.
 */
import { loadConfigOrExit } from './config.js';
import { isDataError } from './data/errors.js';
import { createLogger } from './logger.js';
import { startApp, type App } from './app.js';
import { isListenError } from './server/http/listen.js';

const config = loadConfigOrExit();

const logger = createLogger(config);
logger.info({ phase: 'config', geocoders: config.geocoders, production: config.production }, 'configuration loaded');

// A stray rejection is a bug to log, not a reason to drop every in-flight request.
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

function failStart(phase: string, error: unknown): never {
  if (isListenError(error) || isDataError(error)) {
    // One line either way: a JSON line in production; in development, pino-pretty puts fields on lines of their own.
    if (config.production) logger.fatal({ phase, code: error.code }, error.message);
    else logger.fatal(`${error.message} (${error.code})`);
  } else {
    logger.fatal({ err: error, phase }, phase === 'ready' ? 'the geocoder could not start' : 'the service could not start');
  }
  process.exit(1);
}

// SIGHUP reloads the data files; the loaded data answers until the new data is whole, so no request waits.
// Listened for from the start: unhandled, SIGHUP would end the process.
let started: App | undefined;
process.on('SIGHUP', () => {
  if (started === undefined) return logger.warn({ phase: 'reload' }, 'SIGHUP while starting: the data is not reloaded; send it again once ready');
  logger.info({ phase: 'reload' }, 'SIGHUP: loading the data files again');
  const reloadStarted = performance.now();
  started.reload().then(
    (gazetteer) => {
      if (gazetteer === undefined) return logger.info({ phase: 'reload' }, 'no data to reload: GEOCODER does not name embedded');
      const datasets = gazetteer.datasets.map(({ name, postalCodes }) => ({ name, postalCodes }));
      logger.info({ phase: 'reload', codes: gazetteer.size, datasets, ms: Math.round(performance.now() - reloadStarted) }, `reloaded the data: ${gazetteer.size} postal codes`);
    },
    (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      logger.error({ phase: 'reload', ...(isDataError(error) && { code: error.code }) }, `the data was not reloaded, and answers as before: ${reason}`);
    },
  );
});

const app = await startApp({ config, logger }).catch((error: unknown) => failStart(isListenError(error) ? 'listen' : 'start', error));
started = app;
const bound = config.http.host === undefined ? `port ${app.port} of every interface (${app.url}/graphql from this machine)` : `${app.url}/graphql`;
logger.info({ phase: 'listen', url: `${app.url}/graphql`, host: config.http.host ?? null, port: app.port }, `listening on ${bound}`);

app.ready.then(
  () => logger.info({ phase: 'ready', sinceProcessStartMs: Math.round(performance.now()) }, 'ready to serve'),
  (error: unknown) => failStart('ready', error),
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

