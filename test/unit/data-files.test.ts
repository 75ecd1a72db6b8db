/** Extraction from real zips and the data directory's atomic writes, on a temporary directory. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDataset } from '../../src/data/add.js';
import { listDataFiles, removeDataset, Staging, summarize } from '../../src/data/data-dir.js';
import { parseDataset } from '../../src/data/datasets.js';
import { extractEntry } from '../../src/data/extract.js';
import { RowCheck } from '../../src/data/validate.js';
import { buildZip, fixture, PUBLISHED, README, startMirror, type Mirror } from '../support/geonames-mirror.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'data-files-'));
const DE = parseDataset('DE');

function writeZip(dir: string, zip: Buffer): string {
  const file = path.join(dir, 'DE.zip');
  writeFileSync(file, zip);
  return file;
}

const extract = (zip: string, destination: string, through = new PassThrough()) => extractEntry(zip, destination, { entryName: 'DE.txt', source: 'DE.zip', through });

describe('extractEntry', () => {
  it('streams the named entry of a zip into a new file, through the given stream', async () => {
    const dir = tempDir();
    const zip = writeZip(dir, await buildZip([{ name: 'readme.txt', contents: README }, { name: 'DE.txt', contents: fixture('DE.txt') }]));
    const check = new RowCheck({ country: 'DE', source: 'DE.zip' });
    await extract(zip, path.join(dir, 'out.txt'), check);
    expect(readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe(fixture('DE.txt'));
    expect(check.rows).toBe(4);
  });

  it('fails with NOT_GEONAMES when the zip lacks the entry, naming what it holds, and writes nothing', async () => {
    const dir = tempDir();
    const zip = writeZip(dir, await buildZip([{ name: 'readme.txt', contents: README }, { name: 'FR.txt', contents: fixture('FR.txt') }]));
    await expect(extract(zip, path.join(dir, 'out.txt'))).rejects.toMatchObject({
      code: 'NOT_GEONAMES',
      message: 'DE.zip holds no DE.txt (it holds readme.txt, FR.txt); nothing was written (check the dataset name and GEONAMES_BASE_URL)',
    });
    expect(existsSync(path.join(dir, 'out.txt'))).toBe(false);
  });

  it('fails with NOT_GEONAMES on a file that is not a zip, and on a zip whose data is damaged', async () => {
    const dir = tempDir();
    const html = writeZip(dir, Buffer.from('<html><body>Not Found</body></html>'));
    await expect(extract(html, path.join(dir, 'a.txt'))).rejects.toMatchObject({ code: 'NOT_GEONAMES', message: expect.stringMatching(/^DE\.zip is not a zip file \(/) });

    const good = await buildZip([{ name: 'DE.txt', contents: fixture('DE.txt').repeat(50) }]);
    const damaged = Buffer.from(good);
    for (let i = 60; i < 120; i++) damaged[i] = 0xff; // inside the deflated data of the only entry
    await expect(extract(writeZip(dir, damaged), path.join(dir, 'b.txt'))).rejects.toMatchObject({
      code: 'NOT_GEONAMES',
      message: expect.stringMatching(/^DE\.zip is a damaged zip file: DE\.txt cannot be inflated/),
    });
  });
});

describe('Staging', () => {
  it('renames a temporary file over the old one only on commit, and removes what was not committed', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'DE.txt'), 'old');
    const staging = new Staging(dir);
    const temp = await staging.write('DE.txt', 'new');
    const abandoned = await staging.write('FR.txt', 'half');
    expect(path.basename(temp)).toMatch(/^\.DE\.txt\.\d+-[0-9a-f]{8}\.tmp$/);
    expect(readFileSync(path.join(dir, 'DE.txt'), 'utf8')).toBe('old');
    await staging.commit(temp, 'DE.txt');
    expect(readFileSync(path.join(dir, 'DE.txt'), 'utf8')).toBe('new');
    expect(existsSync(abandoned)).toBe(true);
    await staging.discard();
    expect(readdirSync(dir)).toEqual(['DE.txt']);
  });
});

describe('addDataset against a local mirror', () => {
  let mirror: Mirror;
  beforeAll(async () => void (mirror = await startMirror()));
  afterAll(() => mirror.close());

  it('writes the data file dated as the mirror published it, and a sidecar with the validators', async () => {
    const dir = path.join(tempDir(), 'nested', 'geonames'); // created on demand
    const outcome = await addDataset(DE, { dir, baseUrl: mirror.baseUrl });
    expect(outcome).toMatchObject({ kind: 'added', file: path.join(dir, 'DE.txt'), rows: 4, countries: ['DE'] });
    expect(readFileSync(path.join(dir, 'DE.txt'), 'utf8')).toBe(fixture('DE.txt'));
    expect(statSync(path.join(dir, 'DE.txt')).mtime.toISOString()).toBe(PUBLISHED.toISOString());
    const sidecar = JSON.parse(readFileSync(path.join(dir, 'DE.source.json'), 'utf8')) as Record<string, string>;
    expect(sidecar).toMatchObject({ url: `${mirror.baseUrl}/DE.zip`, lastModified: PUBLISHED.toUTCString(), etag: expect.stringMatching(/^"[0-9a-f]{16}"$/) });
    expect(readdirSync(dir).sort()).toEqual(['DE.source.json', 'DE.txt']);
    expect(await summarize(path.join(dir, 'DE.txt'))).toEqual({ rows: 4, countries: ['DE'], modified: PUBLISHED });
  });

  it('leaves the file there before untouched, and no temporary file, when the new version is not a GeoNames file', async () => {
    const dir = tempDir();
    await addDataset(DE, { dir, baseUrl: mirror.baseUrl });
    await mirror.publish('DE.zip', [{ name: 'DE.txt', contents: `${fixture('DE.txt')}${fixture('FR.txt')}` }]);
    try {
      await expect(addDataset(DE, { dir, baseUrl: mirror.baseUrl })).rejects.toMatchObject({ code: 'NOT_GEONAMES', message: expect.stringMatching(/line 5 is a row of FR, expected DE/) });
      expect(readFileSync(path.join(dir, 'DE.txt'), 'utf8')).toBe(fixture('DE.txt'));
      expect(readdirSync(dir).sort()).toEqual(['DE.source.json', 'DE.txt']);
    } finally {
      await mirror.publish('DE.zip', [{ name: 'DE.txt', contents: fixture('DE.txt') }, { name: 'readme.txt', contents: README }], PUBLISHED);
    }
  });

  it('lists data files broadest first and removes one with its sidecar', async () => {
    const dir = tempDir();
    for (const name of ['GB_full', 'DE', 'allCountries']) await addDataset(parseDataset(name), { dir, baseUrl: mirror.baseUrl });
    writeFileSync(path.join(dir, 'readme.txt'), README);
    expect((await listDataFiles(dir)).map((f) => path.basename(f.file))).toEqual(['allCountries.txt', 'DE.txt', 'GB_full.txt']);
    await removeDataset(dir, DE);
    expect(readdirSync(dir).sort()).toEqual(['GB_full.source.json', 'GB_full.txt', 'allCountries.source.json', 'allCountries.txt', 'readme.txt']);
    await expect(removeDataset(dir, DE)).rejects.toMatchObject({ code: 'NOT_PRESENT', message: `DE is not in DATA_DIR (${dir}): nothing to remove` });
    expect(await listDataFiles(path.join(dir, 'missing'))).toEqual([]);
  });
});
