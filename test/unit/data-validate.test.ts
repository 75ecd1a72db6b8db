import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { compareLoadOrder, datasetOfFile, parseDataset } from '../../src/data/datasets.js';
import { DataError } from '../../src/data/errors.js';
import { RowCheck } from '../../src/data/validate.js';
import { rowProblem } from '../../src/geonames/row.js';

const row = (cc: string, code: string, lat = '52.5323', lon = '13.3846', accuracy = '4') =>
  [cc, code, 'Berlin', 'Berlin', 'BE', '', '00', 'Berlin, Stadt', '11000', lat, lon, accuracy].join('\t');

const problem = (line: string, country: string | null = 'DE') => {
  const buf = Buffer.from(line);
  return rowProblem(buf, 0, buf.length, country);
};

/** Streams `text` through a RowCheck in chunks of `chunk` bytes; resolves with what came out, or rejects. */
async function check(text: string, country: string | null, chunk = 7, maxRows?: number): Promise<{ out: string; check: RowCheck }> {
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
  const rowCheck = new RowCheck({ country, source: 'http://mirror/DE.zip', maxRows });
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), rowCheck, new Writable({ write: (c: Buffer, _e, done) => (out.push(c), done()) }));
  return { out: Buffer.concat(out).toString(), check: rowCheck };
}

describe('a GeoNames row', () => {
  it('is 12 tab-separated columns of the asked country with a code and coordinates in range; accuracy may be blank', () => {
    expect(problem(row('DE', '10115'))).toBeNull();
    expect(problem(row('DE', '10115', '-90', '180', ''))).toBeNull();
    expect(problem(row('GB', 'SW1A 1AA'), null)).toBeNull();
  });

  it('names what is wrong: the column count, the country, a missing code, each coordinate', () => {
    expect(problem('DE\t10115\tBerlin')).toBe('has 3 columns, expected 12');
    expect(problem(`${row('DE', '10115')}\textra`)).toBe('has 13 columns, expected 12');
    expect(problem(row('FR', '75001'))).toBe('is a row of FR, expected DE');
    expect(problem(row('de', '10115'))).toBe('has country "de", expected DE');
    expect(problem(row('DEU', '10115'), null)).toBe('has country "DEU", expected a two-letter country code');
    expect(problem(row('DE', ''))).toBe('has no postal code');
    expect(problem(row('DE', '10115', '90.5'))).toBe('has latitude "90.5", expected decimal degrees from -90 to 90');
    expect(problem(row('DE', '10115', ''))).toBe('has latitude "", expected decimal degrees from -90 to 90');
    expect(problem(row('DE', '10115', '52.5', 'east'))).toBe('has longitude "east", expected decimal degrees from -180 to 180');
  });
});

describe('RowCheck', () => {
  it('passes the bytes through unchanged and counts rows and countries, across chunk boundaries, CRLF and blank lines', async () => {
    const text = `${row('AD', 'AD100')}\r\n${row('DE', '10115')}\n\n${row('DE', '10117')}\n${row('FR', '75001')}`;
    const { out, check: result } = await check(text, null, 5);
    expect(out).toBe(text);
    expect(result.rows).toBe(4);
    expect([...result.countries]).toEqual(['AD', 'DE', 'FR']);
  });

  it('fails with NOT_GEONAMES at the first bad line, naming the source, the line and the fault', async () => {
    const text = `${row('DE', '10115')}\n${row('DE', '10117')}\n${row('FR', '75001')}\n`;
    const failure = await check(text, 'DE').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DataError);
    expect(failure).toMatchObject({ code: 'NOT_GEONAMES' });
    expect((failure as Error).message).toMatch(/^http:\/\/mirror\/DE\.zip is not a GeoNames postal-code file of DE: line 3 is a row of FR, expected DE; nothing was written/);
  });

  it('checks a last line without a line break, and fails a file with no rows', async () => {
    await expect(check(`${row('DE', '10115')}\n${row('DE', '10117', '95')}`, 'DE')).rejects.toThrow(/line 2 has latitude "95"/);
    await expect(check('\n\n', 'DE')).rejects.toThrow(/is not a GeoNames postal-code file of DE: holds no rows/);
    await expect(check('<html><body>Not Found</body></html>\n', 'DE')).rejects.toThrow(/line 1 has 1 column, expected 12/);
  });

  it('fails with TOO_LARGE at the first row past maxRows, naming the cap and its setting', async () => {
    const text = `${row('DE', '10115')}\n${row('DE', '10117')}\n${row('DE', '10119')}\n`;
    expect((await check(text, 'DE', 7, 3)).check.rows).toBe(3);
    await expect(check(text, 'DE', 7, 2)).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: "http://mirror/DE.zip holds more than 2 rows, the most a dataset may hold (GEONAMES_MAX_ROWS); nothing was written (GeoNames' largest files hold under 2 million: check GEONAMES_BASE_URL, or raise GEONAMES_MAX_ROWS)",
    });
  });

  it('fails at a line longer than any row as soon as it passes the limit, without waiting for its end', async () => {
    const rowCheck = new RowCheck({ country: 'DE', source: 'http://mirror/DE.zip' });
    let passed = 0;
    const endless = new Readable({
      read() {
        passed++;
        this.push(Buffer.alloc(1024, 0x41)); // never a line break, never an end
      },
    });
    const failure = await pipeline(endless, rowCheck, new Writable({ write: (_c, _e, done) => done() })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'NOT_GEONAMES', message: expect.stringContaining('line 1 is longer than 2,048 bytes, longer than any GeoNames row') });
    // A check that waited for the line's end would read this stream for ever; this one stops within the streams' buffers.
    expect(passed).toBeLessThan(1024);
  });
});

describe('dataset names', () => {
  it('refuse UK, naming GB and GB_full, and UK_full, naming GB_full', () => {
    expect(() => parseDataset('UK')).toThrow('"UK" is not a country code: the United Kingdom is GB; add GB (outward codes) or GB_full (full postcodes)');
    expect(() => parseDataset('uk_full')).toThrow('"uk_full" is not a country code: the United Kingdom is GB; add GB_full');
  });

  it('refuse a withdrawn code, saying what replaced it, and an unassigned one', () => {
    expect(() => parseDataset('DD')).toThrow('"DD" was withdrawn from ISO 3166-1: it was the German Democratic Republic: use DE (Germany)');
    expect(() => parseDataset('XX')).toThrow('"XX" is not a country code: give an ISO 3166-1 alpha-2 code such as DE, a full-code file (GB_full) or allCountries');
    expect(() => parseDataset('XK')).not.toThrow(); // Kosovo: user-assigned, and GeoNames uses it
  });

  it('read a country, a full-code file and allCountries case-insensitively, with the export’s file names', () => {
    expect(parseDataset('de')).toEqual({ name: 'DE', country: 'DE', zipName: 'DE.zip', fileName: 'DE.txt' });
    expect(parseDataset('gb_FULL')).toEqual({ name: 'GB_full', country: 'GB', zipName: 'GB_full.csv.zip', fileName: 'GB_full.txt' });
    expect(parseDataset('allcountries')).toEqual({ name: 'allCountries', country: null, zipName: 'allCountries.zip', fileName: 'allCountries.txt' });
    expect(() => parseDataset('DEU')).toThrow('"DEU" is not a GeoNames dataset: give a country code (DE), a full-code file (GB_full) or allCountries');
    expect(() => parseDataset('../etc')).toThrow(DataError);
  });

  it('know data files from other files in DATA_DIR, and order them broadest first', () => {
    const names = ['readme.txt', 'GB_full.txt', '.DE.txt.1-ab.tmp', 'DE.source.json', 'FR.txt', 'allCountries.txt', 'DE.txt', 'de.txt'];
    const datasets = names.map(datasetOfFile).filter((d) => d !== null);
    expect(datasets.sort(compareLoadOrder).map((d) => d.name)).toEqual(['allCountries', 'DE', 'FR', 'GB_full']);
  });
});
