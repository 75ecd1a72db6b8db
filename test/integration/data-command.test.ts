/**
 * The data command (`npm run data -- add DE FR GB_full`) against a local GeoNames mirror that
 * serves real zips with the export's names and layout and counts every request. Most tests run the
 * command in-process (`runDataCommand`, what dist/data.js runs); the last ones run the built
 * dist/data.js itself (`npm test` builds it first).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runToEnd, type Ran } from '../support/child-process.js';
import { runDataCommand } from '../../src/data/command.js';
import { fixture, PUBLISHED, README, startMirror, type Mirror } from '../support/geonames-mirror.js';

const DATA_JS = fileURLToPath(new URL('../../dist/data.js', import.meta.url));

let mirror: Mirror;
beforeAll(async () => void (mirror = await startMirror()));
afterAll(() => mirror.close());

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'data-command-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command in-process with DATA_DIR=`dir` and the mirror, collecting its output; as through
 * `npm run data` (as a user in a checkout runs it) unless `viaNpm` is false.
 */
async function data(dir: string, args: string[], options: { tty?: boolean; signal?: AbortSignal; baseUrl?: string; viaNpm?: boolean } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runDataCommand(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false, columns: 100 },
    stderr: { write: (text: string) => (stderr += text) },
    env: { DATA_DIR: dir, GEONAMES_BASE_URL: options.baseUrl ?? mirror.baseUrl, GEONAMES_IDLE_TIMEOUT_MS: '2000', ...(options.viaNpm !== false && { npm_lifecycle_event: 'data' }) },
    signal: options.signal,
  });
  return { code, stdout, stderr };
}

/** Files in `dir`, hidden temporary ones included. */
const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('data add', () => {
  it('downloads each dataset, checks it, and writes it into DATA_DIR under its GeoNames name', async () => {
    const dir = tempDir();
    const before = mirror.count();
    const run = await data(dir, ['add', 'DE', 'fr', 'GB_full', 'allCountries']);
    expect(run).toEqual({
      code: 0,
      stdout: [
        `DE: downloading ${mirror.baseUrl}/DE.zip`,
        'DE: checking every row (0.0 MB)',
        `DE: 4 rows, published 2026-11-02, saved as ${dir}/DE.txt`,
        `FR: downloading ${mirror.baseUrl}/FR.zip`,
        'FR: checking every row (0.0 MB)',
        `FR: 3 rows, published 2026-11-02, saved as ${dir}/FR.txt`,
        `GB_full: downloading ${mirror.baseUrl}/GB_full.csv.zip`,
        'GB_full: checking every row (0.0 MB)',
        `GB_full: 4 rows, published 2026-11-02, saved as ${dir}/GB_full.txt`,
        `allCountries: downloading ${mirror.baseUrl}/allCountries.zip`,
        'allCountries: checking every row (0.0 MB)',
        `allCountries: 13 rows in AD,DE,FR,GB,US, published 2026-11-02, saved as ${dir}/allCountries.txt`,
        '',
      ].join('\n'),
      stderr: '',
    });
    expect(mirror.count() - before).toBe(4);
    expect(filesIn(dir)).toEqual(['DE.source.json', 'DE.txt', 'FR.source.json', 'FR.txt', 'GB_full.source.json', 'GB_full.txt', 'allCountries.source.json', 'allCountries.txt']);
    for (const name of ['DE.txt', 'FR.txt', 'GB_full.txt', 'allCountries.txt']) expect(readFileSync(path.join(dir, name), 'utf8')).toBe(fixture(name));
  });

  it('skips a file the mirror has not changed (a conditional request answered 304), and downloads it again once it has', async () => {
    const dir = tempDir();
    expect((await data(dir, ['add', 'DE', 'GB_full'])).code).toBe(0);
    const mtime = statSync(path.join(dir, 'DE.txt')).mtimeMs;
    const before = mirror.requests.length;

    const again = await data(dir, ['add', 'DE', 'GB_full']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`DE: unchanged on the mirror (published 2026-11-02), kept ${dir}/DE.txt\n`);
    expect(again.stdout).toContain(`GB_full: unchanged on the mirror (published 2026-11-02), kept ${dir}/GB_full.txt\n`);
    const conditional = mirror.requests.slice(before);
    expect(conditional.map((r) => [r.file, r.status, r.ifNoneMatch !== undefined, r.ifModifiedSince])).toEqual([
      ['DE.zip', 304, true, PUBLISHED.toUTCString()],
      ['GB_full.csv.zip', 304, true, PUBLISHED.toUTCString()],
    ]);
    expect(statSync(path.join(dir, 'DE.txt')).mtimeMs).toBe(mtime);

    const republished = `${fixture('DE.txt')}DE\t01067\tDresden\tSachsen\tSN\tDresden\t146\tKreisfreie Stadt Dresden\t14612\t51.0493\t13.7381\t4\n`;
    await mirror.publish('DE.zip', [{ name: 'DE.txt', contents: republished }, { name: 'readme.txt', contents: README }]);
    try {
      const changed = await data(dir, ['add', 'DE']);
      expect(changed.stdout).toContain(`DE: 5 rows, published 2026-11-02, saved as ${dir}/DE.txt\n`);
      expect(mirror.requests.at(-1)).toMatchObject({ file: 'DE.zip', status: 200 });
      expect(readFileSync(path.join(dir, 'DE.txt'), 'utf8')).toBe(republished);
    } finally {
      await mirror.publish('DE.zip', [{ name: 'DE.txt', contents: fixture('DE.txt') }, { name: 'readme.txt', contents: README }], PUBLISHED);
    }
  });

  it('asks unconditionally when the data file is gone, even with its sidecar still there', async () => {
    const dir = tempDir();
    await data(dir, ['add', 'FR']);
    rmSync(path.join(dir, 'FR.txt'));
    const run = await data(dir, ['add', 'FR']);
    expect(run.stdout).toContain('FR: 3 rows');
    expect(mirror.requests.at(-1)).toMatchObject({ file: 'FR.zip', status: 200, ifNoneMatch: undefined, ifModifiedSince: undefined });
  });

  it('draws a progress bar on a terminal and clears it before the result line', async () => {
    const run = await data(tempDir(), ['add', 'DE'], { tty: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\r\x1b\[KDE downloading \[#{24}\] 100% {2}0\.0 \/ 0\.0 MB\r\x1b\[KDE checking {4}\[#{24}\] 100% {2}0\.0 \/ 0\.0 MB, 4 rows\r\x1b\[KDE: 4 rows/);
  });
});

describe('data add: failures', () => {
  afterEach(() => {
    for (const file of ['DE.zip', 'FR.zip']) mirror.override(file, null);
  });

  it('a country the mirror does not have: one line naming the file and what to check, exit 1, nothing left behind', async () => {
    const dir = tempDir();
    const run = await data(dir, ['add', 'ZW']);
    expect(run).toEqual({
      code: 1,
      stdout: `ZW: downloading ${mirror.baseUrl}/ZW.zip\n`,
      stderr: `error: ZW: the mirror has no ZW.zip (404 from ${mirror.baseUrl}/ZW.zip): check the name (a country's ISO 3166-1 alpha-2 code, a full-code file such as GB_full, or allCountries; the mirror's folder lists them)\n`,
    });
    expect(filesIn(dir)).toEqual([]);
  });

  it('a failed dataset does not stop the others; each failure is one line, and the exit code is 1', async () => {
    const dir = tempDir();
    const run = await data(dir, ['add', 'DE', 'ZW', 'ZM', 'FR']);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toEqual([expect.stringMatching(/^error: ZW: the mirror has no ZW\.zip/), expect.stringMatching(/^error: ZM: the mirror has no ZM\.zip/), '']);
    expect(filesIn(dir)).toEqual(['DE.source.json', 'DE.txt', 'FR.source.json', 'FR.txt']);
  });

  it('a mirror whose address refuses connections: says so, with what to check, exit 1', async () => {
    const dir = tempDir();
    const down = await data(dir, ['add', 'DE'], { baseUrl: 'http://127.0.0.1:9/export/zip' });
    expect(down).toEqual({
      code: 1,
      stdout: 'DE: downloading http://127.0.0.1:9/export/zip/DE.zip\n',
      stderr:
        'error: DE: cannot download http://127.0.0.1:9/export/zip/DE.zip: connection refused, nothing accepts connections at 127.0.0.1:9 (ECONNREFUSED); check the host and port in GEONAMES_BASE_URL, and any proxy or firewall in between\n',
    });
    expect(filesIn(dir)).toEqual([]);
  });

  it('a mirror whose host name does not resolve: says it is a DNS failure, with what to check, and asks nothing', async () => {
    const dir = tempDir();
    const before = mirror.count();
    const run = await data(dir, ['add', 'DE'], { baseUrl: 'http://no-such-host.invalid/export/zip' });
    expect(run.code).toBe(1);
    // ENOTFOUND where a resolver answers "no such name"; EAI_AGAIN where none answers at all.
    expect(run.stderr).toMatch(/^error: DE: cannot download http:\/\/no-such-host\.invalid\/export\/zip\/DE\.zip: DNS failure, (the host name no-such-host\.invalid does not resolve \(ENOTFOUND\)|no DNS server answered for no-such-host\.invalid \(EAI_AGAIN\)); check /);
    expect(mirror.count()).toBe(before);
    expect(filesIn(dir)).toEqual([]);
  });

  it('a mirror in an outage (5xx): says it is on the mirror\'s side, to retry or use another mirror', async () => {
    const dir = tempDir();
    mirror.override('DE.zip', (_req, res) => res.writeHead(503, { 'retry-after': '60' }).end('maintenance'));
    const failing = await data(dir, ['add', 'DE']);
    expect(failing.stderr).toBe(
      `error: DE: cannot download ${mirror.baseUrl}/DE.zip: the mirror answered 503 Service Unavailable, an outage or overload on its side; try again later, or set GEONAMES_BASE_URL to another mirror\n`,
    );
    expect(filesIn(dir)).toEqual([]);
  });

  it('a mirror that answers nothing in time: says it timed out, naming the setting', async () => {
    const dir = tempDir();
    const release = mirror.hold('DE.zip');
    try {
      const run = await data(dir, ['add', 'DE']);
      expect(run.stderr).toBe(
        `error: DE: cannot download ${mirror.baseUrl}/DE.zip: timed out, nothing received for 2000 ms (GEONAMES_IDLE_TIMEOUT_MS); the mirror or the network is stalled: try again later, or set GEONAMES_BASE_URL to another mirror\n`,
      );
      expect(filesIn(dir)).toEqual([]);
    } finally {
      release();
    }
  });

  it('a file that is not a GeoNames file of the country: NOT_GEONAMES, the old copy kept, no temporary file', async () => {
    const dir = tempDir();
    await data(dir, ['add', 'DE']);
    mirror.override('DE.zip', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>We moved!</html>'));
    const html = await data(dir, ['add', 'DE']);
    expect(html.code).toBe(1);
    expect(html.stderr).toMatch(new RegExp(`^error: DE: ${mirror.baseUrl}/DE\\.zip is not a zip file \\(.*\\); nothing was written \\(check that GEONAMES_BASE_URL is a mirror of GeoNames' postal-code export\\)\\n$`));

    const frZip = await fetch(`${mirror.baseUrl}/FR.zip`).then(async (res) => Buffer.from(await res.arrayBuffer()));
    mirror.override('DE.zip', (_req, res) => res.writeHead(200, { 'content-type': 'application/zip' }).end(frZip));
    const wrongCountry = await data(dir, ['add', 'DE']);
    expect(wrongCountry.stderr).toBe(`error: DE: ${mirror.baseUrl}/DE.zip holds no DE.txt (it holds FR.txt, readme.txt); nothing was written (check the dataset name and GEONAMES_BASE_URL)\n`);
    expect(readFileSync(path.join(dir, 'DE.txt'), 'utf8')).toBe(fixture('DE.txt'));
    expect(filesIn(dir)).toEqual(['DE.source.json', 'DE.txt']);
  });

  it('UK: exit 2, naming GB, without asking the mirror', async () => {
    const before = mirror.count();
    const run = await data(tempDir(), ['add', 'UK']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'error: "UK" is not a country code: the United Kingdom is GB; add GB (outward codes) or GB_full (full postcodes)\n' });
    expect(mirror.count() - before).toBe(0);
  });

  it('a name that is not a dataset: exit 2 before anything is downloaded', async () => {
    const before = mirror.count();
    const run = await data(tempDir(), ['add', 'DE', 'Germany']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'error: "Germany" is not a GeoNames dataset: give a country code (DE), a full-code file (GB_full) or allCountries\n' });
    expect(mirror.count()).toBe(before);
  });

  it('interrupted (Ctrl-C) mid-download: exit 130 and no file left', async () => {
    const dir = tempDir();
    const release = mirror.hold('DE.zip');
    const controller = new AbortController();
    const before = mirror.count('DE.zip');
    const running = data(dir, ['add', 'DE'], { signal: controller.signal });
    while (mirror.count('DE.zip') === before) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const run = await running;
    release();
    expect(run.code).toBe(130);
    expect(run.stderr).toBe('error: DE: interrupted; nothing was written\n');
    expect(filesIn(dir)).toEqual([]);
  });

  it('a full disk, while downloading or extracting: the message names DATA_DIR and what to do, exit 1, and no file or temporary file is left', async (ctx) => {
    const dir = tempDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    } catch (error) {
      const why = ((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim();
      ctx.skip(`cannot mount a 64 KiB tmpfs to fill (${why}): needs root where mount is permitted`);
    }
    try {
      // About 400 KB of rows: the zip fits in 64 KiB, the extracted file does not.
      const rows = Array.from({ length: 5_000 }, (_, i) => `NL\t${1000 + i}\tPlaats ${i}\tNoord-Holland\tNH\tAmsterdam\t0363\t\t\t52.${i}\t4.9\t6\n`).join('');
      await mirror.publish('NL.zip', [{ name: 'NL.txt', contents: rows }, { name: 'readme.txt', contents: README }]);
      const run = await data(dir, ['add', 'NL']);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`error: NL: no space left in DATA_DIR (${dir}): free some space, or set DATA_DIR to a directory on a larger disk\n`);
      expect(filesIn(dir)).toEqual([]);
      // 100 KB that does not compress: the download itself does not fit.
      await mirror.publish('BE.zip', [{ name: 'BE.txt', contents: randomBytes(100_000) }]);
      const download = await data(dir, ['add', 'BE']);
      expect(download.stderr).toBe(`error: BE: no space left in DATA_DIR (${dir}): free some space, or set DATA_DIR to a directory on a larger disk\n`);
      expect(filesIn(dir)).toEqual([]);
    } finally {
      execFileSync('umount', [dir]);
    }
  });
});

describe('data list and remove', () => {
  it('list shows each dataset with its countries, rows and file date, broadest first', async () => {
    const dir = tempDir();
    expect(await data(dir, ['list'])).toEqual({ code: 0, stdout: `DATA_DIR: ${dir}\nno datasets yet: add one with \`npm run data -- add DE\`\n`, stderr: '' });
    await data(dir, ['add', 'GB_full', 'DE', 'allCountries']);
    expect(await data(dir, ['list'])).toEqual({
      code: 0,
      stdout: [
        `DATA_DIR: ${dir}`,
        'dataset       countries       rows  file date',
        'allCountries  AD,DE,FR,GB,US    13  2026-11-02',
        'DE            DE                 4  2026-11-02',
        'GB_full       GB                 4  2026-11-02',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('remove deletes a dataset and its sidecar; removing one that is not there fails with one line', async () => {
    const dir = tempDir();
    await data(dir, ['add', 'DE', 'FR']);
    expect(await data(dir, ['remove', 'de'])).toEqual({ code: 0, stdout: `DE: removed from ${dir}\n`, stderr: '' });
    expect(filesIn(dir)).toEqual(['FR.source.json', 'FR.txt']);
    expect(await data(dir, ['remove', 'DE'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: DE: DE is not in DATA_DIR (${dir}): nothing to remove (see what is there: npm run data -- list)\n`,
    });
  });

  it('usage errors exit 2 with one line; --help prints the usage', async () => {
    const dir = tempDir();
    expect(await data(dir, [])).toEqual({ code: 2, stdout: '', stderr: 'error: no command given (usage: npm run data -- --help)\n' });
    expect(await data(dir, ['fetch', 'DE'])).toEqual({ code: 2, stdout: '', stderr: 'error: unknown command "fetch" (usage: npm run data -- --help)\n' });
    expect(await data(dir, ['add'])).toMatchObject({ code: 2, stderr: 'error: give at least one dataset name, e.g. DE, GB_full or allCountries (usage: npm run data -- --help)\n' });
    expect((await data(dir, ['--help'])).stdout).toMatch(/^Usage: npm run data -- <command>\n/);
  });

  it('writes command lines as the user runs it: node dist/data.js … when not through npm', async () => {
    const dir = tempDir();
    expect(await data(dir, ['list'], { viaNpm: false })).toEqual({ code: 0, stdout: `DATA_DIR: ${dir}\nno datasets yet: add one with \`node dist/data.js add DE\`\n`, stderr: '' });
    expect(await data(dir, ['remove', 'FR'], { viaNpm: false })).toMatchObject({ code: 1, stderr: expect.stringMatching(/\(see what is there: node dist\/data\.js list\)\n$/) });
    expect(await data(dir, ['fetch'], { viaNpm: false })).toMatchObject({ code: 2, stderr: 'error: unknown command "fetch" (usage: node dist/data.js --help)\n' });
    expect((await data(dir, ['--help'], { viaNpm: false })).stdout).toMatch(/^Usage: node dist\/data\.js <command>\n/);
  });
});

describe('the built command, node dist/data.js', () => {
  function spawnData(args: string[], env: Record<string, string>): Promise<Ran> {
    // From another directory: nothing may depend on the working directory.
    return runToEnd(process.execPath, [DATA_JS, ...args], { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '', ...env } });
  }

  it('adds a dataset and exits 0; a failure is one line on stderr and exit 1', async () => {
    const dir = tempDir();
    const env = { DATA_DIR: dir, GEONAMES_BASE_URL: mirror.baseUrl };
    expect(await spawnData(['add', 'GB_full'], env)).toEqual({
      code: 0,
      stdout: `GB_full: downloading ${mirror.baseUrl}/GB_full.csv.zip\nGB_full: checking every row (0.0 MB)\nGB_full: 4 rows, published 2026-11-02, saved as ${dir}/GB_full.txt\n`,
      stderr: '',
    });
    const failed = await spawnData(['add', 'ZW'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: ZW: the mirror has no ZW\.zip \(404 from [^\n]*\n$/);
  });

  it('refuses a bad setting with exit 2, naming the variable', async () => {
    expect(await spawnData(['list'], { GEONAMES_BASE_URL: 'ftp://example.org' })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Invalid configuration:\n  GEONAMES_BASE_URL="ftp://example.org": an absolute http:// or https:// URL\n',
    });
  });

  it('resolves the default DATA_DIR against the project root, not the working directory', async () => {
    const run = await spawnData(['list'], {});
    expect(run.stdout.split('\n')[0]).toBe(`DATA_DIR: ${fileURLToPath(new URL('../../data/geonames', import.meta.url))}`);
  });
});
