/**
 * The service with downloaded datasets: GEONAMES_COUNTRIES fetched from a local GeoNames mirror at
 * start-up, the load order (bundled US data, DATA_DIR, GEONAMES_FILES) with later rows replacing
 * earlier ones, readiness while downloading, failed downloads, and an offline start.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { dataCommandLine } from '../../src/data/invocation.js';
import { startApp, type App } from '../../src/app.js';
import { fixture, startMirror, type Mirror } from '../support/geonames-mirror.js';
import { captureLogs, LEVEL, type LogLine } from '../support/log-capture.js';
import { sample, scrape } from '../support/metrics.js';
import { usRow } from '../support/geonames.js';

let mirror: Mirror;
beforeAll(async () => void (mirror = await startMirror()));
afterAll(() => mirror.close());

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'data-service-'));

const FR_500 = 'the mirror answered 500 Internal Server Error, an outage or overload on its side; try again later, or set GEONAMES_BASE_URL to another mirror';

/** Starts the service without waiting for readiness, its logs captured. */
async function start(env: Record<string, string>): Promise<{ app: App; lines: LogLine[] }> {
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', JIT_COMPILE_AFTER: '0', GEONAMES_BASE_URL: mirror.baseUrl, ...env });
  const { logger, lines } = captureLogs('info');
  return { app: await startApp({ config, logger }), lines };
}

async function place(app: App, postalCode: string, countryCode: string): Promise<{ placeName: string; latitude: number } | null> {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query($p: String!, $c: String!) { location(postalCode: $p, countryCode: $c) { placeName latitude } }', variables: { p: postalCode, c: countryCode } }),
  });
  const body = (await res.json()) as { data: { location: { placeName: string; latitude: number } | null } };
  return body.data.location;
}

const readyz = async (app: App) => {
  const res = await fetch(`${app.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('GEONAMES_COUNTRIES and the load order', () => {
  const dir = tempDir();
  let app: App;
  let lines: LogLine[];
  let requestsAtStart: number;

  beforeAll(async () => {
    // A file of the operator's own, loaded last: it overrides München.
    const extra = path.join(tempDir(), 'munich.txt');
    writeFileSync(extra, 'DE\t80331\tMünchen (GEONAMES_FILES)\tBayern\tBY\tOberbayern\t091\t\t\t48.14\t11.58\t4\n');
    requestsAtStart = mirror.count();
    ({ app, lines } = await start({ DATA_DIR: dir, GEONAMES_COUNTRIES: 'DE,allCountries', GEONAMES_FILES: extra }));
    await app.ready;
  });
  afterAll(() => app.stop());

  it('downloads each missing dataset once into DATA_DIR, after loading what is there, then loads again with them', () => {
    expect(mirror.requests.slice(requestsAtStart).map((r) => [r.file, r.status])).toEqual([
      ['DE.zip', 200],
      ['allCountries.zip', 200],
    ]);
    expect(readdirSync(dir).sort()).toEqual(['DE.source.json', 'DE.txt', 'allCountries.source.json', 'allCountries.txt']);
    const phases = lines.filter((l) => l.phase === 'download' || l.phase === 'dataset').map((l) => l.msg);
    const usLoads = phases.flatMap((msg, i) => (msg === 'loaded 41490 GeoNames rows from US.txt' ? [i] : []));
    expect(usLoads).toHaveLength(2);
    expect(phases.indexOf(`downloading DE from ${mirror.baseUrl}/DE.zip into ${dir}`)).toBeGreaterThan(usLoads[0]!);
    expect(usLoads[1]).toBeGreaterThan(phases.indexOf('downloaded allCountries: 13 rows'));
  });

  it('loads the bundled US data, then DATA_DIR broadest first, then GEONAMES_FILES; a later row replaces an earlier one', async () => {
    // allCountries (DATA_DIR) replaces the bundled 90210; DE.txt replaces allCountries' Berlin; GEONAMES_FILES replaces München.
    expect(await place(app, '90210', 'US')).toEqual({ placeName: 'Beverly Hills (allCountries)', latitude: 34.1 });
    expect(await place(app, '10115', 'DE')).toEqual({ placeName: 'Berlin', latitude: 52.5323 });
    expect(await place(app, '80331', 'DE')).toEqual({ placeName: 'München (GEONAMES_FILES)', latitude: 48.14 });
    expect(await place(app, 'SW1A', 'GB')).toEqual({ placeName: 'London', latitude: 51.501 });
    expect(await place(app, '10001', 'US')).toMatchObject({ latitude: usRow('10001').latitude });
  });

  it('says once per file how many codes it replaced', () => {
    expect(lines.filter((l) => l.phase === 'dataset' && l.replaced !== undefined && !('file' in l)).map((l) => l.msg)).toEqual([
      'allCountries.txt replaced 1 postal codes that earlier files had',
      'DE.txt replaced 4 postal codes that earlier files had',
      'munich.txt replaced 1 postal codes that earlier files had',
    ]);
  });

  it('lists on /readyz what it loaded, from where, and no failure', async () => {
    expect(await readyz(app)).toMatchObject({
      status: 200,
      body: {
        status: 'ready',
        datasets: {
          loaded: [
            { file: 'US.txt', source: 'bundled', rows: 41_490, replaced: 0 },
            { file: 'allCountries.txt', source: 'DATA_DIR', rows: 13, replaced: 1 },
            { file: 'DE.txt', source: 'DATA_DIR', rows: 4, replaced: 4 },
            { file: 'munich.txt', source: 'GEONAMES_FILES', rows: 1, replaced: 1 },
          ],
          failed: [],
        },
      },
    });
  });

  it('offline with the files present, a restart fetches nothing, not even a conditional request', async () => {
    const before = mirror.count();
    const offline = await start({ DATA_DIR: dir, GEONAMES_COUNTRIES: 'DE,allCountries' });
    try {
      await offline.app.ready;
      expect(mirror.count()).toBe(before);
      expect(await place(offline.app, '10115', 'DE')).toEqual({ placeName: 'Berlin', latitude: 52.5323 });
    } finally {
      await offline.app.stop();
    }
  });
});

describe('readiness while downloading, and failed downloads', () => {
  it('/readyz answers 503 until the download and the load are done, while GraphQL answers from the data already there', async () => {
    const release = mirror.hold('FR.zip');
    const before = mirror.count('FR.zip');
    const { app } = await start({ DATA_DIR: tempDir(), GEONAMES_COUNTRIES: 'FR' });
    try {
      while (mirror.count('FR.zip') === before) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await readyz(app)).toEqual({ status: 503, body: { status: 'downloading' } });
      expect(await place(app, '90210', 'US')).toMatchObject({ placeName: 'Beverly Hills' });
      release();
      await app.ready;
      expect((await readyz(app)).status).toBe(200);
      expect(await place(app, '75001', 'FR')).toEqual({ placeName: 'Paris 01', latitude: 48.8592 });
    } finally {
      release();
      await app.stop();
    }
  });

  it('a failed download leaves the service ready on what it has, logged at error level, on /readyz and in a metric', async () => {
    mirror.override('FR.zip', (_req, res) => res.writeHead(500).end());
    const dir = tempDir();
    const { app, lines } = await start({ DATA_DIR: dir, GEONAMES_COUNTRIES: 'ZW,FR,GB' });
    try {
      await app.ready;
      const { status, body } = await readyz(app);
      expect(status).toBe(200);
      expect(body.datasets).toEqual({
        loaded: [
          { file: 'US.txt', source: 'bundled', rows: 41_490, replaced: 0 },
          { file: 'GB.txt', source: 'DATA_DIR', rows: 3, replaced: 0 },
        ],
        failed: [
          { dataset: 'ZW', code: 'NOT_ON_MIRROR', message: expect.stringMatching(/^the mirror has no ZW\.zip \(404 from /) },
          { dataset: 'FR', code: 'MIRROR_UNAVAILABLE', message: `cannot download ${mirror.baseUrl}/FR.zip: ${FR_500}` },
        ],
      });
      const errors = lines.filter((l) => l.level === LEVEL.error);
      expect(errors.map((l) => [l.dataset, l.code])).toEqual([
        ['ZW', 'NOT_ON_MIRROR'],
        ['FR', 'MIRROR_UNAVAILABLE'],
      ]);
      expect(errors[1]?.msg).toBe(
        `could not download FR: cannot download ${mirror.baseUrl}/FR.zip: ${FR_500}. Starting without it; fix the cause and restart, or run: ${dataCommandLine('add FR', process.env)}`,
      );
      const metrics = await scrape(app.url);
      expect(sample(metrics, 'geocoder_dataset_download_failures_total', { dataset: 'ZW', reason: 'NOT_ON_MIRROR' })).toBe(1);
      expect(sample(metrics, 'geocoder_dataset_download_failures_total', { dataset: 'FR', reason: 'MIRROR_UNAVAILABLE' })).toBe(1);
      expect(await place(app, 'SW1A', 'GB')).toEqual({ placeName: 'London', latitude: 51.501 });
      expect(readdirSync(dir).sort()).toEqual(['GB.source.json', 'GB.txt']);
    } finally {
      mirror.override('FR.zip', null);
      await app.stop();
    }
  });
});

describe('GEONAMES_MAX_LOADED_ROWS', () => {
  it('a DATA_DIR file that would pass it is not loaded: logged naming the file, listed on /readyz, and the service starts on the rest', async () => {
    const dir = tempDir();
    // 5,000 codes on top of the bundled 41,490 would pass 45,000; FR's 3 would not.
    const rows = Array.from({ length: 5_000 }, (_, i) => `DE\t${10_000 + i}\tOrt ${i}\tBayern\tBY\t\t\t\t\t48.1\t11.6\t4\n`).join('');
    writeFileSync(path.join(dir, 'DE.txt'), rows);
    writeFileSync(path.join(dir, 'FR.txt'), fixture('FR.txt'));
    const { app, lines } = await start({ DATA_DIR: dir, GEONAMES_MAX_LOADED_ROWS: '45000' });
    try {
      await app.ready;
      const message = `DE.txt (DATA_DIR) would take the postal codes held in memory past 45,000 (GEONAMES_MAX_LOADED_ROWS), so it was not loaded; remove it (${dataCommandLine('remove DE', process.env)}) or raise GEONAMES_MAX_LOADED_ROWS if this machine has the memory for it`;
      expect(lines.filter((l) => l.level === LEVEL.error).map((l) => [l.file, l.code, l.msg])).toEqual([['DE.txt', 'TOO_LARGE', `${message}. Starting without it`]]);
      const { status, body } = await readyz(app);
      expect(status).toBe(200);
      expect(body.datasets).toEqual({
        loaded: [
          { file: 'US.txt', source: 'bundled', rows: 41_490, replaced: 0 },
          { file: 'FR.txt', source: 'DATA_DIR', rows: 3, replaced: 0 },
        ],
        failed: [{ dataset: 'DE', code: 'TOO_LARGE', message }],
      });
      expect(await place(app, '10000', 'DE')).toBeNull();
      expect(await place(app, '75001', 'FR')).toEqual({ placeName: 'Paris 01', latitude: 48.8592 });
    } finally {
      await app.stop();
    }
  });
});
