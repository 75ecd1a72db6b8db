import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { checkOverrides, MAX_OVERRIDES_BYTES, readOverrides } from '../../src/data/overrides.js';

const row = (cc: string, code: string, { place = 'Somewhere', lat = '40.75', lon = '-73.99', accuracy = '6' } = {}) =>
  [cc, code, place, 'New York', 'NY', 'New York', '061', '', '', lat, lon, accuracy].join('\t');

/** What is wrong with a file of `lines`, as the error says it; null when it is valid. */
function problem(lines: readonly string[]): string | null {
  try {
    checkOverrides('fixes.txt', Buffer.from(lines.join('\n')));
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe('BAD_OVERRIDES');
    return (error as Error).message;
  }
}

const temp = () => mkdtempSync(path.join(tmpdir(), 'overrides-'));

describe('the overrides file', () => {
  it('is rows in the GeoNames layout, with blank lines and # comments between them', () => {
    const text = ['# 10001 was placed in the river', row('US', '10001'), '', '# a ZIP the data lacks', row('US', '99999', { accuracy: '' }), row('DE', '10115')].join('\n');
    const checked = checkOverrides('fixes.txt', Buffer.from(text));
    expect(checked).toMatchObject({ rows: 3, countries: ['DE', 'US'] });
    expect(checked.lines.toString()).toBe(`${row('US', '10001')}\n${row('US', '99999', { accuracy: '' })}\n${row('DE', '10115')}\n`); // what is loaded: the rows alone
  });

  it('names the file, the line and what is wrong with a row the data command would refuse', () => {
    expect(problem([row('US', '10001'), row('US', '10002', { lat: '95' })])).toBe('the DATA_OVERRIDES file fixes.txt: line 2 has latitude "95", expected decimal degrees from -90 to 90');
    expect(problem(['# fixes', 'US\t10001\tSomewhere'])).toBe('the DATA_OVERRIDES file fixes.txt: line 2 has 3 columns, expected 12');
  });

  it('refuses a country that does not exist', () => {
    expect(problem([row('XX', '10001')])).toBe('the DATA_OVERRIDES file fixes.txt: line 1 has country "XX", which is not an ISO 3166-1 alpha-2 code');
  });

  it("refuses a code its country's format cannot have, saying the format", () => {
    expect(problem([row('US', '1234')])).toBe(
      'the DATA_OVERRIDES file fixes.txt: line 1 has postal code "1234", expected a code such as 95014 or 22162-1010. Did you mean "01234"? (A spreadsheet may have dropped its leading zero.)',
    );
  });

  it('refuses an accuracy off GeoNames\' scale, and one that is no number', () => {
    expect(problem([row('US', '10001', { accuracy: '7' })])).toBe('the DATA_OVERRIDES file fixes.txt: line 1 has accuracy "7", expected a blank or a whole number from 1 to 6 (GeoNames\' scale)');
    expect(problem([row('US', '10001', { accuracy: 'high' })])).toBe('the DATA_OVERRIDES file fixes.txt: line 1 has accuracy "high", expected a blank or a whole number from 1 to 6 (GeoNames\' scale)');
  });

  it('refuses a name longer than any real one', () => {
    expect(problem([row('US', '10001', { place: 'x'.repeat(201) })])).toBe('the DATA_OVERRIDES file fixes.txt: line 1 has a place name of 201 characters, more than the 200 a name may have');
  });

  it('refuses a second row for a code, however it is written', () => {
    expect(problem([row('GB', 'SW1A 1AA'), '', row('GB', 'sw1a1aa')])).toBe('the DATA_OVERRIDES file fixes.txt: line 3 gives GB SW1A 1AA again (line 1 gave it): one row per code');
  });

  it('refuses a line longer than any row', () => {
    expect(problem([row('US', '10001'), 'x'.repeat(3_000)])).toBe('the DATA_OVERRIDES file fixes.txt: line 2 is longer than 2,048 bytes, longer than any GeoNames row');
  });

  it('reads a file: its rows as checked, their countries, its date', async () => {
    const file = path.join(temp(), 'fixes.txt');
    writeFileSync(file, `# a fix\r\n${row('US', '10001')}\r\n`);
    const overrides = await readOverrides(file);
    expect(overrides).toMatchObject({ file, rows: 1, countries: ['US'] });
    expect(overrides.bytes.toString()).toBe(`${row('US', '10001')}\n`);
    expect(overrides.modified).toBeInstanceOf(Date);
  });

  it('says when the file cannot be read, or is larger than a list of fixes may be', async () => {
    const missing = path.join(temp(), 'missing.txt');
    await expect(readOverrides(missing)).rejects.toThrow(`cannot read the DATA_OVERRIDES file ${missing} (ENOENT)`);
    const huge = path.join(temp(), 'huge.txt');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_OVERRIDES_BYTES + 1); // sparse: the size is what is checked, before any byte is read
    await expect(readOverrides(huge)).rejects.toThrow(`the DATA_OVERRIDES file ${huge} is 16.0 MiB, more than the 16 MiB an overrides file may be`);
  });
});
