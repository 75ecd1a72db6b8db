/**
 * The GeoNames postal-code format (src/geonames/): strict decimal degrees, the chunked line reader,
 * and what a row is; then one table of lines run through both the data command's check and the
 * loader, which must agree on every one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDegrees } from '../../src/geonames/degrees.js';
import { MAX_LINE_BYTES } from '../../src/geonames/format.js';
import { LineReader } from '../../src/geonames/lines.js';
import { rowProblem } from '../../src/geonames/row.js';
import { GeoNamesIndex } from '../../src/gazetteer/geonames-index.js';

const degrees = (text: string): number => {
  const buf = Buffer.from(`\t${text}\t`);
  return parseDegrees(buf, 1, buf.length - 1);
};

describe('parseDegrees', () => {
  it.each(['52.5323', '-118.4065', '48', '-0', '0', '+1.5', '007.25', '-90', '180', '0.000000000000001', '123456789012345', '1234567890123456', '-90.00000000000001', '179.99999999999999'])(
    'reads the decimal %j exactly as Number() does',
    (text) => {
      expect(Object.is(degrees(text), Number(text))).toBe(true);
    },
  );

  it.each(['0x30', '0X30', '0b1', '0o7', '1e1', '1E-2', ' 48.1', '48.1 ', '\t48', 'Infinity', '-Infinity', 'NaN', '', ' ', '-', '+', '.', '1.', '.5', '--1', '1.2.3', '1,5', '1_000', '١٢', '４８'])(
    'refuses %j: not decimal degrees',
    (text) => {
      expect(degrees(text)).toBeNaN();
    },
  );

  it('reads 20,000 random decimals of 0 to 11 places exactly as Number() does', () => {
    const mismatches: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const text = ((Math.sin(i) * 1e4) % 180).toFixed(i % 12);
      if (!Object.is(degrees(text), Number(text))) mismatches.push(text);
    }
    expect(mismatches).toEqual([]);
  });
});

/** Lines `text` holds as the reader hands them over, in chunks of `chunk` bytes; `!` for a line reported too long. */
function readLines(text: string | Buffer, chunk: number, maxLineBytes?: number): string[] {
  const out: string[] = [];
  const reader = new LineReader({ line: (buf, start, end) => out.push(`${reader.lineNumber}:${buf.toString('utf8', start, end)}`), tooLong: () => out.push(`${reader.lineNumber}:!`) }, maxLineBytes);
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) reader.push(bytes.subarray(i, i + chunk));
  reader.end();
  return out;
}

describe('LineReader', () => {
  it('hands over every non-blank line with its number, whatever the chunks, without LF or CRLF, and a last line without a break', () => {
    const text = 'DE\t1\r\n\nFR\t2\nAT\t3\r\n\r\nGB\t4';
    const expected = ['1:DE\t1', '3:FR\t2', '4:AT\t3', '6:GB\t4'];
    for (const chunk of [1, 2, 3, 5, 7, 64]) expect(readLines(text, chunk), `chunks of ${chunk}`).toEqual(expected);
  });

  it('keeps multi-byte characters split across chunks whole', () => {
    expect(readLines('DE\tMünchen – Ørt\n', 1)).toEqual(['1:DE\tMünchen – Ørt']);
  });

  it('reports a line over the limit once, whether it arrives in one chunk or many, and reads on after it', () => {
    const text = `a\n${'x'.repeat(11)}\nb\n${'y'.repeat(30)}\r\nc`;
    for (const chunk of [1, 4, 10, 100]) expect(readLines(text, chunk, 10), `chunks of ${chunk}`).toEqual(['1:a', '2:!', '3:b', '4:!', '5:c']);
  });

  it('takes a line of exactly the limit, with or without its CR', () => {
    for (const chunk of [1, 3, 100]) expect(readLines(`${'x'.repeat(10)}\r\n${'y'.repeat(10)}\n`, chunk, 10)).toEqual([`1:${'x'.repeat(10)}`, `2:${'y'.repeat(10)}`]);
  });

  it('reports a 64 MiB line as soon as it passes the limit, holding no more than the limit of it', () => {
    const reported: number[] = [];
    let pushed = 0;
    const reader = new LineReader({ line: () => undefined, tooLong: () => reported.push(pushed) });
    const chunk = Buffer.alloc(1 << 20, 0x41);
    for (let i = 0; i < 64; i++) {
      pushed += chunk.length;
      reader.push(chunk);
    }
    reader.end();
    // Reported during the first chunk: the reader never waited for the line to end.
    expect(reported).toEqual([1 << 20]);
  });
});

const row = (fields: Partial<Record<'cc' | 'code' | 'place' | 'lat' | 'lon' | 'accuracy' | 'admin3', string>> = {}): string =>
  [fields.cc ?? 'DE', fields.code ?? '10115', fields.place ?? 'Berlin', 'Berlin', 'BE', '', '00', fields.admin3 ?? 'Berlin, Stadt', '11000', fields.lat ?? '52.5323', fields.lon ?? '13.3846', fields.accuracy ?? '4'].join('\t');

/**
 * Lines and whether they are rows: the check names the fault (a fragment of its words), the loader
 * counts the line as malformed. Codes and names are ones the loader also accepts, so the only
 * question each line asks is the one it is about.
 */
const CASES: readonly { readonly what: string; readonly line: string; readonly fault: string | null }[] = [
  { what: 'a full row', line: row(), fault: null },
  { what: 'coordinates at the limits', line: row({ lat: '-90', lon: '180' }), fault: null },
  { what: 'whole degrees, and -0', line: row({ lat: '48', lon: '-0' }), fault: null },
  { what: 'a plus sign', line: row({ lat: '+48.1' }), fault: null },
  { what: 'a blank accuracy', line: row({ accuracy: '' }), fault: null },
  { what: 'no accuracy column', line: row().split('\t').slice(0, 11).join('\t'), fault: null }, // no accuracy column at all
  { what: 'a long row under the limit', line: row({ admin3: 'x'.repeat(MAX_LINE_BYTES - 100) }), fault: null }, // long, under the limit
  { what: 'latitude 0x30 (Number reads 48)', line: row({ lat: '0x30' }), fault: 'has latitude "0x30", expected decimal degrees from -90 to 90' },
  { what: 'latitude 1e1', line: row({ lat: '1e1' }), fault: 'has latitude "1e1"' },
  { what: 'latitude with a leading space', line: row({ lat: ' 48.1' }), fault: 'has latitude " 48.1"' },
  { what: 'latitude with a trailing space', line: row({ lat: '48.1 ' }), fault: 'has latitude "48.1 "' },
  { what: 'longitude Infinity', line: row({ lon: 'Infinity' }), fault: 'has longitude "Infinity", expected decimal degrees from -180 to 180' },
  { what: 'longitude -Infinity', line: row({ lon: '-Infinity' }), fault: 'has longitude "-Infinity"' },
  { what: 'latitude NaN', line: row({ lat: 'NaN' }), fault: 'has latitude "NaN"' },
  { what: 'a blank latitude', line: row({ lat: '' }), fault: 'has latitude ""' },
  { what: 'latitude .5', line: row({ lat: '.5' }), fault: 'has latitude ".5"' },
  { what: 'latitude 1.', line: row({ lat: '1.' }), fault: 'has latitude "1."' },
  { what: 'latitude 90.5', line: row({ lat: '90.5' }), fault: 'has latitude "90.5"' },
  { what: 'longitude 180.01', line: row({ lon: '180.01' }), fault: 'has longitude "180.01"' },
  { what: 'a decimal comma', line: row({ lon: '13,38' }), fault: 'has longitude "13,38"' },
  { what: 'a NUL byte', line: row({ place: 'Ber\0lin' }), fault: 'has a control character (byte 0x00) in column 3' },
  { what: 'byte 0x01', line: row({ code: '10\x01115' }), fault: 'has a control character (byte 0x01) in column 2' },
  { what: 'DEL', line: row({ place: 'Berlin\x7f' }), fault: 'has a control character (byte 0x7f) in column 3' },
  { what: 'a CR inside a line', line: row({ place: 'Ber\rlin' }), fault: 'has a control character (byte 0x0d) in column 3' },
  { what: 'a vertical tab', line: row({ lat: '52\x0b5' }), fault: 'has a control character (byte 0x0b) in column 10' },
  { what: '13 columns', line: `${row()}\textra`, fault: 'has 13 columns, expected 12' },
  { what: '3 columns', line: 'DE\t10115\tBerlin', fault: 'has 3 columns, expected 12' },
  { what: 'an HTML page', line: '<html><body>Not Found</body></html>', fault: 'has 1 column, expected 12' },
  { what: 'a lower-case country', line: row({ cc: 'de' }), fault: 'has country "de", expected a two-letter country code' },
  { what: 'a three-letter country', line: row({ cc: 'DEU' }), fault: 'has country "DEU"' },
  { what: 'no postal code', line: row({ code: '' }), fault: 'has no postal code' },
  { what: 'a line over the limit', line: row({ admin3: 'x'.repeat(MAX_LINE_BYTES) }), fault: `is longer than ${MAX_LINE_BYTES.toLocaleString('en-US')} bytes, longer than any GeoNames row` },
];

describe('a GeoNames row', () => {
  it.each(CASES)('the check on $what: $fault', ({ line, fault }) => {
    const buf = Buffer.from(line);
    const problem = rowProblem(buf, 0, buf.length, null);
    if (fault === null) expect(problem).toBeNull();
    else expect(problem).toContain(fault);
  });

  it('names a row of another country than the one expected', () => {
    const buf = Buffer.from(row({ cc: 'FR', code: '75001' }));
    expect(rowProblem(buf, 0, buf.length, 'DE')).toBe('is a row of FR, expected DE');
  });

  it('the loader indexes exactly the lines the check accepts, and counts the others as malformed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'geonames-agree-'));
    const disagreements: string[] = [];
    for (const [i, { what, line, fault }] of CASES.entries()) {
      const file = path.join(dir, `${i}.txt`);
      writeFileSync(file, `${line}\n`);
      const stats = await new GeoNamesIndex().loadFile(file, { chunkBytes: 7 });
      const loaded = stats.malformed === 0;
      if (loaded !== (fault === null)) disagreements.push(`${what}: the check ${fault === null ? 'accepts' : 'refuses'}, loader ${loaded ? 'indexes' : 'refuses'}`);
    }
    expect(disagreements).toEqual([]);
  });
});
