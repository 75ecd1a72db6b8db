/**
 * A hostile or broken mirror (test/support/hostile-mirror.ts): zip bombs, an endless body, a
 * Content-Length of gigabytes, too many rows, one enormous line, a trickle, numbers that are not
 * decimal degrees, NUL bytes. Each one, through the data command, fails with one line naming the
 * dataset, exit 1, within the bound it hits, leaving DATA_DIR as it was and no temporary file; and
 * through start-up downloads (GEONAMES_COUNTRIES), the service starts on what it has and lists
 * each failure with its code.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runDataCommand } from '../../src/data/command.js';
import { startApp } from '../../src/app.js';
import { fixture, startMirror, type Mirror } from '../support/geonames-mirror.js';
import { endlessBody, hugeContentLength, manyRows, paddedRow, repeatedZip, trickle, zipAnswer, type Responder } from '../support/hostile-mirror.js';
import { captureLogs } from '../support/log-capture.js';

let mirror: Mirror;
beforeAll(async () => void (mirror = await startMirror()));
afterAll(() => mirror.close());

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'data-hostile-'));
const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** Runs the data command in-process with DATA_DIR=`dir`, the mirror, and `env`. */
async function data(dir: string, args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runDataCommand(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text) },
    env: { DATA_DIR: dir, GEONAMES_BASE_URL: mirror.baseUrl, npm_lifecycle_event: 'data', ...env },
  });
  return { code, stdout, stderr };
}

const DATA_JS = fileURLToPath(new URL('../../dist/data.js', import.meta.url));
const GIB = 2 ** 30;
const MIB = 2 ** 20;
/** A row that only looks like one: `lat` where the latitude goes, or `place` as the place name. */
const rowWith = (country: string, { lat = '48.2', place = 'Ort' }: { lat?: string; place?: string }) => `${country}\t1010\t${place}\tAdmin\tA1\t\t\t\t\t${lat}\t16.37\t4\n`;
const badRowZip = (country: string, bad: { lat?: string; place?: string }) => zipAnswer([{ name: `${country}.txt`, contents: `${rowWith(country, {})}${rowWith(country, bad)}` }]);

interface Case {
  readonly what: string;
  readonly dataset: string;
  readonly answer: () => Responder | Promise<Responder>;
  /** Settings that lower a cap for this case (only where the real default would cost the test real gigabytes or minutes). */
  readonly env?: Record<string, string>;
  readonly code: string;
  /** The message after `error: {dataset}: `, with `{url}` for the file's address. */
  readonly message: RegExp;
}

const url = (dataset: string) => `http://127\\.0\\.0\\.1:\\d+/export/zip/${dataset}\\.zip`;

const CASES: readonly Case[] = [
  {
    what: 'a zip bomb (4 MB expanding to 3.7 GiB)',
    dataset: 'AT',
    answer: () => repeatedZip('AT.txt', paddedRow('AT', '1010', 2000), 3.7 * GIB).responder,
    code: 'TOO_LARGE',
    message: new RegExp(`^${url('AT')}: AT\\.txt is 3\\.7 GiB once extracted \\(as the zip declares it\\), more than the 1 GiB a dataset may take \\(GEONAMES_MAX_FILE_BYTES\\); nothing was written`),
  },
  {
    what: 'a zip bomb declaring 1 MiB and expanding to 64 MiB',
    dataset: 'BE',
    answer: () => repeatedZip('BE.txt', paddedRow('BE', '1000', 2000), 64 * MIB, MIB).responder,
    code: 'NOT_GEONAMES',
    message: new RegExp(`^${url('BE')} is a damaged or forged zip file: BE\\.txt inflates to more than the 1048576 bytes it declares; nothing was written\\n$`),
  },
  {
    what: 'an endless body',
    dataset: 'CH',
    answer: () => endlessBody,
    env: { GEONAMES_MAX_DOWNLOAD_BYTES: String(8 * MIB) },
    code: 'TOO_LARGE',
    message: new RegExp(`^${url('CH')} is more than the 8 MiB a download may be \\(GEONAMES_MAX_DOWNLOAD_BYTES\\); nothing was written`),
  },
  {
    what: 'a Content-Length of 10 GiB',
    dataset: 'CZ',
    answer: () => hugeContentLength(10 * GIB),
    code: 'TOO_LARGE',
    message: new RegExp(`^${url('CZ')} is 10 GiB \\(its Content-Length\\), more than the 256 MiB a download may be \\(GEONAMES_MAX_DOWNLOAD_BYTES\\)`),
  },
  {
    what: 'more distinct rows than GEONAMES_MAX_ROWS',
    dataset: 'ES',
    answer: () => manyRows('ES.txt', 'ES', 10_001),
    env: { GEONAMES_MAX_ROWS: '10000' },
    code: 'TOO_LARGE',
    message: new RegExp(`^${url('ES')} holds more than 10,000 rows, the most a dataset may hold \\(GEONAMES_MAX_ROWS\\); nothing was written`),
  },
  {
    what: 'one line of 950 MiB',
    dataset: 'FI',
    answer: () => repeatedZip('FI.txt', 'A', 950 * MIB).responder,
    code: 'NOT_GEONAMES',
    message: new RegExp(`^${url('FI')} is not a GeoNames postal-code file of FI: line 1 is longer than 2,048 bytes, longer than any GeoNames row; nothing was written`),
  },
  {
    what: 'a trickle, a byte every 50 ms',
    dataset: 'HU',
    answer: () => trickle(50),
    env: { GEONAMES_DOWNLOAD_DEADLINE_MS: '1500' },
    code: 'MIRROR_TIMEOUT',
    message: new RegExp(`^cannot download ${url('HU')}: not finished within 1500 ms \\(GEONAMES_DOWNLOAD_DEADLINE_MS\\), \\d+ bytes received; the mirror or the link is too slow`),
  },
  {
    what: 'a latitude of 0x30 (Number() reads 48)',
    dataset: 'IT',
    answer: () => badRowZip('IT', { lat: '0x30' }),
    code: 'NOT_GEONAMES',
    message: new RegExp(`^${url('IT')} is not a GeoNames postal-code file of IT: line 2 has latitude "0x30", expected decimal degrees from -90 to 90; nothing was written`),
  },
  {
    what: 'a latitude of 1e1',
    dataset: 'LU',
    answer: () => badRowZip('LU', { lat: '1e1' }),
    code: 'NOT_GEONAMES',
    message: /: line 2 has latitude "1e1", expected decimal degrees from -90 to 90; nothing was written/,
  },
  {
    what: 'a latitude with a leading space',
    dataset: 'NL',
    answer: () => badRowZip('NL', { lat: ' 48.1' }),
    code: 'NOT_GEONAMES',
    message: /: line 2 has latitude " 48\.1", expected decimal degrees from -90 to 90; nothing was written/,
  },
  {
    what: 'a NUL byte in a place name',
    dataset: 'NO',
    answer: () => badRowZip('NO', { place: 'O\0slo' }),
    code: 'NOT_GEONAMES',
    message: /: line 2 has a control character \(byte 0x00\) in column 3; nothing was written/,
  },
];

describe('data add from a hostile mirror', () => {
  afterEach(() => {
    for (const { dataset } of CASES) mirror.override(`${dataset}.zip`, null);
  });

  it.each(CASES)('$what: exit 1, one line naming $dataset, DATA_DIR unchanged, no temporary file', async ({ dataset, answer, env, message }) => {
    const dir = tempDir();
    // What DATA_DIR held before: another dataset, and an older copy of this one.
    writeFileSync(path.join(dir, 'DE.txt'), fixture('DE.txt'));
    const older = rowWith(dataset, {});
    writeFileSync(path.join(dir, `${dataset}.txt`), older);
    mirror.override(`${dataset}.zip`, await answer());

    const run = await data(dir, ['add', dataset], env);
    expect(run.code).toBe(1);
    expect(run.stderr.startsWith(`error: ${dataset}: `)).toBe(true);
    expect(run.stderr.slice(`error: ${dataset}: `.length)).toMatch(message);
    expect(run.stderr.split('\n')).toHaveLength(2); // one line
    expect(filesIn(dir)).toEqual([`${dataset}.txt`, 'DE.txt'].sort());
    expect(readFileSync(path.join(dir, `${dataset}.txt`), 'utf8')).toBe(older);
  }, 60_000);

  it('refuses 5,000,001 distinct rows at the default GEONAMES_MAX_ROWS, streaming in a 32 MB heap: exit 1, nothing kept', async () => {
    const dir = tempDir();
    mirror.override('DK.zip', manyRows('DK.txt', 'DK', 5_000_001));
    try {
      // The rows are some 110 MB of text: a command that held the file, or its rows, would run out of heap here.
      const child = spawn(process.execPath, ['--max-old-space-size=32', DATA_JS, 'add', 'DK'], {
        env: { PATH: process.env.PATH, DATA_DIR: dir, GEONAMES_BASE_URL: mirror.baseUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(stderr).toMatch(new RegExp(`^error: DK: ${url('DK')} holds more than 5,000,000 rows, the most a dataset may hold \\(GEONAMES_MAX_ROWS\\); nothing was written \\(GeoNames' largest files hold under 2 million: check GEONAMES_BASE_URL, or raise GEONAMES_MAX_ROWS\\)\n$`));
      expect(code).toBe(1);
      expect(filesIn(dir)).toEqual([]);
    } finally {
      mirror.override('DK.zip', null);
    }
  }, 120_000);
});

describe('start-up downloads from a hostile mirror', () => {
  it('the service starts on what it has, lists each hostile dataset with its code, and leaves nothing in DATA_DIR', async () => {
    const dir = tempDir();
    for (const { dataset, answer } of CASES) mirror.override(`${dataset}.zip`, await answer());
    const env = Object.assign({}, ...CASES.map((c) => c.env ?? {})) as Record<string, string>;
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      GEONAMES_BASE_URL: mirror.baseUrl,
      GEONAMES_COUNTRIES: CASES.map((c) => c.dataset).join(','),
      ...env,
    });
    const app = await startApp({ config, logger: captureLogs('info').logger });
    try {
      await app.ready;
      const readyz = await fetch(`${app.url}/readyz`);
      expect(readyz.status).toBe(200);
      const { datasets } = (await readyz.json()) as { datasets: { failed: { dataset: string; code: string }[] } };
      expect(datasets.failed.map(({ dataset, code }) => [dataset, code])).toEqual(CASES.map(({ dataset, code }) => [dataset, code]));
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ location(postalCode: "90210") { placeName } }' }),
      });
      expect(await res.json()).toEqual({ data: { location: { placeName: 'Beverly Hills' } } });
      expect(filesIn(dir)).toEqual([]);
    } finally {
      for (const { dataset } of CASES) mirror.override(`${dataset}.zip`, null);
      await app.stop();
    }
  }, 60_000);
});
