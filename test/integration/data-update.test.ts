/**
 * `npm run data -- update [NAME…]` against a local GeoNames mirror: conditional requests (an
 * unchanged file costs one 304 and rewrites nothing), a changed file replaced as `add` replaces it,
 * and what changed printed; and `data list` with DATA_OVERRIDES.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDataCommand } from '../../src/data/command.js';
import { fixture, PUBLISHED, README, startMirror, type Mirror } from '../support/geonames-mirror.js';

let mirror: Mirror;
beforeEach(async () => void (mirror = await startMirror()));
afterEach(() => mirror.close());

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'data-update-'));

async function data(dir: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runDataCommand(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { DATA_DIR: dir, GEONAMES_BASE_URL: mirror.baseUrl, npm_lifecycle_event: 'data', ...env },
  });
  return { code, stdout, stderr };
}

/** Rows as the export writes them. */
const row = (cc: string, code: string, place: string, lat: string, lon: string) => [cc, code, place, 'Region', 'RG', '', '', '', '', lat, lon, '4'].join('\t');

/** DE.txt with 10115 moved 1.1 km north, 80331 gone and 10117 new; Hamburg and Köln as they were. */
const DE_NEXT = [
  'DE\t10115\tBerlin\tBerlin\tBE\t\t00\tBerlin, Stadt\t11000\t52.5423\t13.3846\t4',
  ...fixture('DE.txt').split('\n').filter((line) => line.startsWith('DE\t20095') || line.startsWith('DE\t50667')),
  'DE\t10117\tBerlin\tBerlin\tBE\t\t00\tBerlin, Stadt\t11000\t52.5170\t13.3872\t4',
].join('\n');
const NEXT_DAY = new Date(PUBLISHED.getTime() + 86_400_000);

describe('data update', () => {
  it('fetches every dataset in DATA_DIR conditionally: an unchanged one costs one 304, a changed one is replaced and its changes printed', async () => {
    const dir = tempDir();
    expect((await data(dir, ['add', 'DE', 'FR'])).code).toBe(0);
    const frBefore = statSync(path.join(dir, 'FR.txt'));
    await mirror.publish('DE.zip', [{ name: 'DE.txt', contents: `${DE_NEXT}\n` }, { name: 'readme.txt', contents: README }], NEXT_DAY);
    const requests = mirror.requests.length;
    const run = await data(dir, ['update']);
    expect(run).toEqual({
      code: 0,
      stdout: [
        `DE: downloading ${mirror.baseUrl}/DE.zip`,
        'DE: checking every row (0.0 MB)',
        `DE: 4 rows, published 2026-11-03, saved as ${dir}/DE.txt`,
        'DE: 1 code added, 1 removed, 1 moved more than 100 m (4 codes before, 4 now)',
        '  added: 10117',
        '  removed: 80331',
        '  moved: 10115 (1.1 km)',
        `FR: downloading ${mirror.baseUrl}/FR.zip`,
        `FR: unchanged on the mirror (published 2026-11-02), kept ${dir}/FR.txt`,
        'The service loads the new data at its next start, or at once on SIGHUP (kill -HUP <its pid>).',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect(mirror.requests.slice(requests).map((r) => [r.file, r.status])).toEqual([
      ['DE.zip', 200],
      ['FR.zip', 304],
    ]);
    expect(readFileSync(path.join(dir, 'DE.txt'), 'utf8')).toBe(`${DE_NEXT}\n`);
    const frAfter = statSync(path.join(dir, 'FR.txt'));
    expect([frAfter.ino, frAfter.mtimeMs]).toEqual([frBefore.ino, frBefore.mtimeMs]); // not rewritten
  });

  it('updates only the datasets named', async () => {
    const dir = tempDir();
    await data(dir, ['add', 'DE', 'FR']);
    const requests = mirror.requests.length;
    const run = await data(dir, ['update', 'fr']);
    expect(run.stdout).toBe(`FR: downloading ${mirror.baseUrl}/FR.zip\nFR: unchanged on the mirror (published 2026-11-02), kept ${dir}/FR.txt\n`);
    expect(mirror.requests.slice(requests).map((r) => r.file)).toEqual(['FR.zip']);
  });

  it('names each code with its country for allCountries, and says when a changed file changed no code', async () => {
    const dir = tempDir();
    await data(dir, ['add', 'allCountries', 'GB']);
    const all = `${fixture('allCountries.txt')}${row('NL', '1012 AB', 'Amsterdam', '52.3731', '4.8924')}\n`;
    await mirror.publish('allCountries.zip', [{ name: 'allCountries.txt', contents: all }]);
    // A new GB file whose rows differ only in a name.
    await mirror.publish('GB.zip', [{ name: 'GB.txt', contents: fixture('GB.txt').replace('Manchester\tEngland', 'Manchester City\tEngland') }, { name: 'readme.txt', contents: README }]);
    const run = await data(dir, ['update']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('allCountries: 1 code added, 0 removed, 0 moved more than 100 m (13 codes before, 14 now)\n  added: NL 1012 AB\n');
    expect(run.stdout).toContain('GB: no code added, removed or moved more than 100 m (3 codes before, 3 now)\n');
  });

  it('refuses a dataset that is not in DATA_DIR, saying how to add it, and updates the others', async () => {
    const dir = tempDir();
    await data(dir, ['add', 'FR']);
    const run = await data(dir, ['update', 'DE', 'FR']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: DE: not in DATA_DIR (${dir}), so nothing to update; add it with \`npm run data -- add DE\`\n`);
    expect(run.stdout).toContain('FR: unchanged on the mirror');
  });

  it('with nothing in DATA_DIR, says so and asks the mirror nothing', async () => {
    const dir = tempDir();
    const run = await data(dir, ['update']);
    expect(run).toEqual({ code: 0, stdout: `no datasets in DATA_DIR (${dir}) to update: add one with \`npm run data -- add DE\`\n`, stderr: '' });
    expect(mirror.count()).toBe(0);
  });

  it('leaves the file in place when the new one fails its check', async () => {
    const dir = tempDir();
    await data(dir, ['add', 'DE']);
    await mirror.publish('DE.zip', [{ name: 'DE.txt', contents: `${fixture('DE.txt')}FR\t75001\tParis\t\t\t\t\t\t\t48.86\t2.34\t5\n` }]);
    const run = await data(dir, ['update', 'DE']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: DE: .* is not a GeoNames postal-code file of DE: line 5 is a row of FR, expected DE; nothing was written/);
    expect(readFileSync(path.join(dir, 'DE.txt'), 'utf8')).toBe(fixture('DE.txt'));
  });
});

describe('data list with DATA_OVERRIDES', () => {
  it('lists the overrides file after the datasets, checked as the service checks it', async () => {
    const dir = tempDir();
    await data(dir, ['add', 'DE']);
    const file = path.join(tempDir(), 'fixes.txt');
    writeFileSync(file, `# fixes\n${row('DE', '10115', 'Berlin Mitte', '52.53', '13.38')}\n${row('US', '99999', 'New Town', '40', '-100')}\n`);
    const day = statSync(file).mtime.toISOString().slice(0, 10);
    const run = await data(dir, ['list'], { DATA_OVERRIDES: file });
    expect(run).toEqual({
      code: 0,
      stdout: [`DATA_DIR: ${dir}`, `DATA_OVERRIDES: ${file}`, 'dataset    countries  rows  file date', 'DE         DE            4  2026-11-02', `overrides  DE,US         2  ${day}`, ''].join('\n'),
      stderr: '',
    });
  });

  it('says what is wrong with a bad overrides file, as the service would, and exits 1', async () => {
    const file = path.join(tempDir(), 'fixes.txt');
    writeFileSync(file, `${row('DE', '123456', 'Nowhere', '52.53', '13.38')}\n`);
    const run = await data(tempDir(), ['list'], { DATA_OVERRIDES: file });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: the DATA_OVERRIDES file ${file}: line 1 has postal code "123456", expected a code such as 26133 or 53225\n`);
  });
});
