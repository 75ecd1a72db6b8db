/** Starts the real service on an ephemeral port and talks HTTP to it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { Geocoder } from '../../src/geocoding/geocoder.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startApp, type App } from '../../src/app.js';
import { defaultUsDataFile, LoadedData } from '../../src/gazetteer/loaded-data.js';

/** Test-side view of a response. `any` on purpose: assertions walk arbitrary response shapes and fail loudly if wrong. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Data | null;
    errors?: { message: string; locations?: { line: number; column: number }[]; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[];
    extensions?: Record<string, unknown>;
  };
}

export interface TestServer {
  readonly app: App;
  readonly url: string;
  /** POSTs a GraphQL operation to /graphql. */
  graphql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  stop(): Promise<void>;
}

/** An empty DATA_DIR, so no dataset a developer added to the project's data/geonames changes what tests see. */
export const EMPTY_DATA_DIR = mkdtempSync(path.join(tmpdir(), 'no-datasets-'));

/** The variables that decide what data a service loads. */
const DATA_SETTING = /^(DATA_|GEONAMES_)/;
let shared: LoadedData | undefined;

/**
 * The data of a server whose data settings are the defaults (the bundled US file and nothing else), loaded once per
 * process and shared by every such server: loading it is most of a server's start. What loading logs goes nowhere;
 * a test that reads it sets a data variable, and gets data of its own.
 */
function sharedData(): LoadedData {
  if (shared === undefined) {
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: EMPTY_DATA_DIR });
    shared = new LoadedData({ files: [defaultUsDataFile()], data: config.gazetteer.data, extraFiles: config.gazetteer.files, logger: createLogger(config) });
  }
  return shared;
}

/**
 * Starts the service as configured by `env` (over test defaults). Operations are compiled the first
 * time they run (`JIT_COMPILE_AFTER=0`), so every test exercises the compiled executor that serves
 * repeated operations in production; test/integration/executor.test.ts covers the default admission.
 */
export async function startTestServer(env: Record<string, string> = {}, geocoder?: Geocoder, logger?: Logger): Promise<TestServer> {
  // No shutdown delay nor quiet period, also in production mode: test/integration/shutdown.test.ts keeps the real ones.
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', JIT_COMPILE_AFTER: '0', DATA_DIR: EMPTY_DATA_DIR, SHUTDOWN_DELAY_MS: '0', SHUTDOWN_QUIET_MS: '0', ...env });
  const data = Object.keys(env).some((name) => DATA_SETTING.test(name)) ? undefined : sharedData();
  const app = await startApp({ config, logger: logger ?? createLogger(config), ...(geocoder && { geocoder }), ...(data && { data }) });
  await app.ready;
  return {
    app,
    url: app.url,
    async graphql(query, variables, headers = {}) {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse['body'] };
    },
    stop: () => app.stop(),
  };
}
