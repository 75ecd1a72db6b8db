/**
 * The package as a user installs it: `npm pack` (its prepack builds dist/ when stale), the tarball
 * installed into an empty directory with production dependencies only and no lockfile, as
 * `npm install postal-distance-subgraph` resolves them, and its command run from node_modules/.bin:
 * `serve` answers a query and stops cleanly, `data` adds a country from a local GeoNames mirror,
 * and the licence and the attributions are in the installed package. package.test.ts installs the
 * same tarball as the container image does (from the lockfile).
 *
 * The install comes from npm's cache where it can (--prefer-offline); the registry is asked only
 * for what the cache lacks. Without a lockfile npm needs each dependency's metadata, which `npm ci`
 * never caches: on a machine whose cache has none, the first run spends minutes fetching it.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToEnd, type Ran } from '../support/child-process.js';
import { startMirror, type Mirror } from '../support/geonames-mirror.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let consumer: string;
let installed: string;
let bin: string;
let install: { stdout: string; stderr: string };
let mirror: Mirror;


/** The environment of a command run here: this Node first on PATH (the bin's `#!/usr/bin/env node`), nothing of ours inherited. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, NODE_DISABLE_COMPILE_CACHE: '1', ...extra };
}

/** Runs the installed command with `args` to its end, from the consumer's directory. */
function command(args: readonly string[], extra: Record<string, string> = {}): Promise<Ran> {
  return runToEnd(bin, args, { cwd: consumer, env: env(extra) });
}

/** Starts `postal-distance-subgraph` (serve) on a free loopback port; resolves once it is ready. */
async function serve(extra: Record<string, string>) {
  const child = spawn(bin, [], {
    cwd: consumer,
    env: env({ NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', SHUTDOWN_DELAY_MS: '0', ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let port: string | undefined;
  while (port === undefined || !stdout.includes('"phase":"ready"')) {
    port ??= /"phase":"listen".*?"port":(\d+)/.exec(stdout)?.[1];
    if (child.exitCode !== null) throw new Error(`postal-distance-subgraph exited ${child.exitCode}: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const query = async (text: string): Promise<unknown> => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
    return res.json();
  };
  const stop = async (): Promise<{ code: number | null; stdout: string }> => {
    child.kill('SIGTERM');
    return { code: await exited, stdout };
  };
  return { query, stop };
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'bin.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does)');
  mirror = await startMirror();
  work = mkdtempSync(path.join(os.tmpdir(), 'package-install-test-'));
  consumer = path.join(work, 'consumer');
  mkdirSync(consumer);

  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: env() });
  const [pack] = JSON.parse(stdout) as [{ filename: string }];
  install = await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, pack.filename)], { cwd: consumer, env: env() });
  installed = path.join(consumer, 'node_modules', 'postal-distance-subgraph');
  bin = path.join(consumer, 'node_modules', '.bin', 'postal-distance-subgraph');
}, 600_000);

afterAll(async () => {
  await mirror?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the package, installed from its tarball with production dependencies only', () => {
  it('installs without an engine warning on this Node', () => {
    expect(install.stderr).not.toContain('EBADENGINE');
  });

  it('installs no dev dependency', () => {
    for (const dev of ['typescript', 'vitest', 'esbuild', 'tsx', 'pino-pretty', 'graphiql', 'react', 'playwright-core']) expect(existsSync(path.join(consumer, 'node_modules', dev)), dev).toBe(false);
  });

  it('links its command into node_modules/.bin, which prints the package version', async () => {
    expect(await command(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('answers an unknown command with exit 2 and the usage', async () => {
    const ran = await command(['frobnicate']);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/^postal-distance-subgraph: unknown command "frobnicate"\n\nUsage: postal-distance-subgraph \[serve\]/);
  });

  it('serves: answers a distance on the embedded US data, then exits 0 on SIGTERM', async () => {
    const service = await serve({ DATA_DIR: path.join(work, 'empty-data') });
    try {
      expect(await service.query('{ distance(from: "90210", to: "10001") { kilometers } }')).toEqual({ data: { distance: { kilometers: 3956.954301650339 } } });
    } finally {
      const stopped = await service.stop();
      expect(stopped.code).toBe(0);
    }
  });

  it('data add DE downloads the country from the mirror into DATA_DIR', async () => {
    const dataDir = path.join(work, 'data-add');
    const ran = await command(['data', 'add', 'DE'], { DATA_DIR: dataDir, GEONAMES_BASE_URL: mirror.baseUrl });
    expect(ran).toMatchObject({ code: 0, stderr: '' });
    expect(ran.stdout).toContain(`DE: 4 rows, published 2026-11-02, saved as ${dataDir}/DE.txt`);
    expect(mirror.count('DE.zip')).toBeGreaterThan(0);
  });

  it('serves the country data add stored', async () => {
    const dataDir = path.join(work, 'data-serve');
    expect(await command(['data', 'add', 'DE'], { DATA_DIR: dataDir, GEONAMES_BASE_URL: mirror.baseUrl })).toMatchObject({ code: 0 });
    const service = await serve({ DATA_DIR: dataDir });
    try {
      expect(await service.query('{ location(postalCode: "10115", countryCode: "DE") { placeName } }')).toEqual({ data: { location: { placeName: 'Berlin' } } });
    } finally {
      await service.stop();
    }
  });

  it('data list defaults DATA_DIR to data/geonames inside the installed package (README, More countries)', async () => {
    const ran = await command(['data', 'list']);
    expect(ran.code).toBe(0);
    expect(ran.stdout.split('\n')[0]).toBe(`DATA_DIR: ${path.join(installed, 'data', 'geonames')}`);
  });

  it('data prints its command lines as this command, also when run through npm (npx, a script)', async () => {
    const ran = await command(['data', 'list'], { DATA_DIR: path.join(work, 'data-empty'), npm_lifecycle_event: 'npx' });
    expect(ran.stdout).toContain('no datasets yet: add one with `postal-distance-subgraph data add DE`');
  });

  it('ships the MIT licence, naming the authors', () => {
    const licence = readFileSync(path.join(installed, 'LICENSE'), 'utf8');
    expect(licence).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the postal-distance-subgraph authors\n/);
  });

  it('ships NOTICE, crediting each source of data and ported code', () => {
    const notice = readFileSync(path.join(installed, 'NOTICE'), 'utf8');
    for (const credit of [
      'GeoNames (https://www.geonames.org/)',
      'Creative Commons',
      'CC BY 4.0',
      'Contains Royal Mail data © Royal Mail copyright and database right',
      'timezone-boundary-builder',
      '© OpenStreetMap contributors',
      'Open Database License (ODbL',
      "Google's libaddressinput",
      'Copyright (c) Charles Karney (2011-2022)',
      'Nominatim',
      'Elastic License 2.0',
    ]) {
      expect(notice, credit).toContain(credit);
    }
  });

  it('ships the changelog of this version', () => {
    expect(readFileSync(path.join(installed, 'CHANGELOG.md'), 'utf8')).toContain(`## [${VERSION}] - `);
  });
});
