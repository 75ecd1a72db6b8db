// @ts-check
/**
 * Fills Node's module compile cache for the installed service by starting it once, waiting until
 * `/readyz` answers 200, and stopping it with SIGTERM. The Dockerfile runs it while building the
 * image (plain JavaScript: that stage has no TypeScript tooling), so every container starts with
 * the cache warm; test/integration/package.test.ts runs it on the packed and installed project.
 *
 * Why at build time: Node writes the cache when a process exits, so a new container whose image
 * holds none would start without it every time, and write it only for itself when it stops
 * (docs/operations.md has the figures). The cache is kept per user id and Node version, so this
 * must run as the user and with the Node that the container runs.
 *
 * Usage: `node build/warm-compile-cache.mjs [APP_DIR]` (default: the working directory), with
 * NODE_COMPILE_CACHE naming the directory (else Node's default in the temp directory).
 * Exits 0 once the service was ready and exited 0; 1 otherwise, which fails the image build: a
 * service that cannot start is not shipped. On a Node without a compile cache (20), it only
 * starts and stops the service.
 */
import { spawn } from 'node:child_process';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

const TIMEOUT_MS = 60_000;
const appDir = path.resolve(process.argv[2] ?? '.');

/** @param {string} message */
function fail(message) {
  process.stderr.write(`warm-compile-cache: ${message}\n`);
  process.exit(1);
}

setTimeout(() => fail(`the service was not ready and stopped within ${TIMEOUT_MS} ms`), TIMEOUT_MS).unref();

// The environment passes through (NODE_COMPILE_CACHE above all), with production mode unless it says
// otherwise, as the image runs; an ephemeral port on loopback, no shutdown delay, and never a download
// while an image is built.
const env = { NODE_ENV: 'production', ...process.env, PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DELAY_MS: '0', LOG_LEVEL: 'info' };
delete env.GEONAMES_COUNTRIES;

const child = spawn(process.execPath, ['dist/main.js'], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'inherit'] });
/** @type {Promise<number | string | null>} */
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
let stopping = false;
void exited.then((code) => stopping || fail(`the service exited (${code}) before it was ready`));

/** The `listen` log line's URL, without `/graphql`. */
const baseUrl = await new Promise((resolve) => {
  let text = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (/** @type {string} */ chunk) => {
    text += chunk;
    const match = /"phase":"listen".*?"url":"(http:[^"]+)\/graphql"/.exec(text);
    if (match) resolve(match[1]);
  });
});

for (;;) {
  const status = await fetch(`${baseUrl}/readyz`).then((res) => res.status, () => 0);
  if (status === 200) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}

stopping = true;
child.kill('SIGTERM');
const code = await exited;
if (code !== 0) fail(`the service exited ${code} after SIGTERM`);

const where = process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), 'node-compile-cache');
process.stdout.write(
  `warm-compile-cache: ${appDir}/dist/main.js was ready and stopped; ` +
    ('enableCompileCache' in module ? `Node ${process.version} wrote its compile cache under ${where}\n` : `Node ${process.version} has no compile cache\n`),
);
