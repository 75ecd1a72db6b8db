import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GeoNamesIndex, TooManyCodesError } from '../../src/gazetteer/geonames-index.js';

function writeFile(lines: string[], eol = '\n'): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'geonames-')), 'test.txt');
  writeFileSync(file, lines.join(eol));
  return file;
}

const row = (cc: string, code: string, place: string, admin: string, adminCode: string, lat: string, lon: string, accuracy = '4') =>
  [cc, code, place, admin, adminCode, 'County', '001', '', '', lat, lon, accuracy].join('\t');

describe('GeoNamesIndex', () => {
  it('indexes rows by country and canonical code, with coordinates and admin names', async () => {
    const index = new GeoNamesIndex();
    const stats = await index.loadFile(writeFile([row('US', '90210', 'Beverly Hills', 'California', 'CA', '34.0901', '-118.4065')]));
    expect(stats).toMatchObject({ rows: 1, duplicates: 0, replaced: 0, malformed: 0 });
    expect(index.get('US', '90210')).toEqual({
      countryCode: 'US',
      postalCode: '90210',
      matchedPostalCode: '90210',
      precision: 'POSTAL_CODE',
      latitude: 34.0901,
      longitude: -118.4065,
      placeName: 'Beverly Hills',
      adminName: 'California',
      adminCode: 'CA',
      accuracy: 4,
      source: 'test.txt',
    });
    expect(index.get('US', '10001')).toBeUndefined();
    expect(index.hasCountry('US')).toBe(true);
    expect(index.hasCountry('FR')).toBe(false);
  });

  it('keeps the first of duplicate rows, skips malformed ones, and reads CRLF and a missing accuracy column', async () => {
    const index = new GeoNamesIndex();
    const file = writeFile(
      [
        row('CA', 'K1A', 'Ottawa', 'Ontario', 'ON', '45.4215', '-75.6972'),
        row('CA', 'K1A', 'Duplicate', 'Ontario', 'ON', '0', '0'),
        row('CA', 'T0A', 'Eastern Alberta', 'Alberta', 'AB', 'north', '-111'),
        'CA\tshort row',
        row('CA', 'H0H', 'Réservé', 'Québec', 'QC', '45.5', '-73.6').split('\t').slice(0, 11).join('\t'),
      ],
      '\r\n',
    );
    const stats = await index.loadFile(file);
    expect(stats).toMatchObject({ rows: 5, duplicates: 1, malformed: 2 });
    expect(index.get('CA', 'K1A')?.placeName).toBe('Ottawa');
    expect(index.get('CA', 'H0H')).toMatchObject({ placeName: 'Réservé', adminName: 'Québec', latitude: 45.5, longitude: -73.6 });
    expect(index.size).toBe(2);
  });

  it('lets a later file replace an earlier file\'s row in place, while within a file the first row still wins', async () => {
    const index = new GeoNamesIndex();
    await index.loadFile(writeFile([row('DE', '10115', 'Berlin', 'Berlin', 'BE', '52.5', '13.4'), row('DE', '80331', 'München', 'Bayern', 'BY', '48.1', '11.6')]));
    const later = await index.loadFile(
      writeFile([
        row('DE', '10115', 'Berlin Mitte', 'Berlin', 'BE', '52.53', '13.38'),
        row('DE', '10115', 'Berlin again', 'Berlin', 'BE', '0', '0'), // a second row of this file: the first one stands
        row('DE', '20095', 'Hamburg', 'Hamburg', 'HH', '53.55', '10'),
        row('DE', '20095', 'Hamburg again', 'Hamburg', 'HH', '0', '0'),
      ]),
    );
    expect(later).toMatchObject({ rows: 4, duplicates: 2, replaced: 1, malformed: 0 });
    expect(index.get('DE', '10115')).toMatchObject({ placeName: 'Berlin Mitte', latitude: 52.53, longitude: 13.38 });
    expect(index.get('DE', '20095')?.placeName).toBe('Hamburg');
    expect(index.get('DE', '80331')?.placeName).toBe('München');
    expect(index.size).toBe(3); // replaced in place: no row left behind
  });

  it('reads rows and multi-byte characters split across read chunks, and grows past its initial capacity', async () => {
    const lines = Array.from({ length: 70_000 }, (_, i) =>
      row('DE', String(10_000 + i), `Ørt ${i} – München`, 'Bayern', 'BY', (47 + i / 1e5).toFixed(5), (11 + i / 1e5).toFixed(5)),
    );
    const index = new GeoNamesIndex();
    const stats = await index.loadFile(writeFile(lines), { chunkBytes: 97 }); // a prime chunk size splits rows and characters everywhere
    expect(stats).toMatchObject({ rows: 70_000, duplicates: 0, malformed: 0 });
    expect(index.get('DE', '79999')).toMatchObject({ placeName: 'Ørt 69999 – München', latitude: 47.69999, longitude: 11.69999 });
  });

  it('rejects blank, whitespace, non-numeric and out-of-range coordinates instead of indexing them at 0', async () => {
    const index = new GeoNamesIndex();
    const stats = await index.loadFile(
      writeFile([
        row('FR', '75001', 'Blank latitude', 'IDF', '11', '', '2.34'),
        row('FR', '75002', 'Blank longitude', 'IDF', '11', '48.86', ''),
        row('FR', '75003', 'Spaces', 'IDF', '11', '  ', '2.34'),
        row('FR', '75004', 'Lone sign', 'IDF', '11', '-', '2.34'),
        row('FR', '75005', 'North of the pole', 'IDF', '11', '91', '2.34'),
        row('FR', '75006', 'Past the antimeridian', 'IDF', '11', '48.8', '180.5'),
        row('FR', '75007', 'Valid', 'IDF', '11', '-0', '180'),
      ]),
    );
    expect(stats).toMatchObject({ rows: 7, duplicates: 0, malformed: 6 });
    expect(index.size).toBe(1);
    expect(index.get('FR', '75001')).toBeUndefined();
    expect(index.get('FR', '75007')).toMatchObject({ latitude: -0, longitude: 180 });
  });

  it('keys full codes by their canonical form: two full codes are two places', async () => {
    const index = new GeoNamesIndex();
    const stats = await index.loadFile(
      writeFile([
        row('GB', 'SW1A 1AA', 'Buckingham Palace', 'England', 'ENG', '51.501009', '-0.141588'),
        row('GB', 'sw1a2aa', 'Downing Street', 'England', 'ENG', '51.50354', '-0.127695'),
      ]),
    );
    expect(stats).toMatchObject({ rows: 2, duplicates: 0, malformed: 0 });
    expect(index.get('GB', 'SW1A 1AA')).toMatchObject({ postalCode: 'SW1A 1AA', matchedPostalCode: 'SW1A 1AA', precision: 'POSTAL_CODE', placeName: 'Buckingham Palace' });
    expect(index.get('GB', 'SW1A 2AA')).toMatchObject({ postalCode: 'SW1A 2AA', matchedPostalCode: 'SW1A 2AA', precision: 'POSTAL_CODE', placeName: 'Downing Street' });
    // Full-code data holds no outward codes, so a full code it lacks is not answered by one.
    expect(index.get('GB', 'SW1A 0AA')).toBeUndefined();
    expect(index.get('GB', 'SW1A')).toBeUndefined();
  });

  it('answers a full code from the row of its first part when that is what the data holds, with precision PREFIX', async () => {
    const index = new GeoNamesIndex();
    await index.loadFile(
      writeFile([
        row('CA', 'K1A', 'Ottawa', 'Ontario', 'ON', '45.4', '-75.7'),
        row('GB', 'sw1a', 'London', 'England', 'ENG', '51.5', '-0.14'),
        row('US', '90210', 'Beverly Hills', 'California', 'CA', '34.0901', '-118.4065'),
      ]),
    );
    expect(index.get('CA', 'K1A 0B1')).toMatchObject({ postalCode: 'K1A 0B1', matchedPostalCode: 'K1A', precision: 'PREFIX', placeName: 'Ottawa' });
    expect(index.get('CA', 'K1A')).toMatchObject({ postalCode: 'K1A', matchedPostalCode: 'K1A', precision: 'POSTAL_CODE' });
    expect(index.get('GB', 'SW1A 2AA')).toMatchObject({ postalCode: 'SW1A 2AA', matchedPostalCode: 'SW1A', precision: 'PREFIX' });
    expect(index.get('US', '90210-1234')).toMatchObject({ postalCode: '90210-1234', matchedPostalCode: '90210', precision: 'PREFIX', latitude: 34.0901 });
    expect(index.get('CA', 'K2A 0B1')).toBeUndefined();
  });

  it('prefers a full code\'s own row to its first part\'s when both are loaded', async () => {
    const index = new GeoNamesIndex();
    await index.loadFile(writeFile([row('GB', 'SW1A', 'London', 'England', 'ENG', '51.5', '-0.14'), row('GB', 'SW1A 1AA', 'Buckingham Palace', 'England', 'ENG', '51.501', '-0.1416')]));
    expect(index.get('GB', 'SW1A 1AA')).toMatchObject({ matchedPostalCode: 'SW1A 1AA', precision: 'POSTAL_CODE', placeName: 'Buckingham Palace' });
    expect(index.get('GB', 'SW1A 2AA')).toMatchObject({ matchedPostalCode: 'SW1A', precision: 'PREFIX', placeName: 'London' });
  });

  it('counts a code that cannot exist in its country as malformed', async () => {
    const index = new GeoNamesIndex();
    const stats = await index.loadFile(writeFile([row('DE', '1234', 'Nowhere', 'Bayern', 'BY', '48', '11'), row('US', 'ABCDE', 'Nowhere', 'Texas', 'TX', '30', '-97')]));
    expect(stats).toMatchObject({ rows: 2, duplicates: 0, malformed: 2 });
    expect(index.size).toBe(0);
  });

  it('tells apart consecutive rows that differ in one byte of the country, admin pair or place name', async () => {
    // The loader reuses the previous row's values when the bytes repeat; any difference must be seen.
    const index = new GeoNamesIndex();
    const stats = await index.loadFile(
      writeFile([
        row('DE', '10115', 'Berlin', 'Berlin', 'BE', '52.5', '13.4'),
        row('DE', '10117', 'Berlin', 'Berlin', 'BE', '52.5', '13.4'),
        row('DE', '10119', 'Berlim', 'Berlin', 'BB', '52.5', '13.4'),
        row('DE', '10178', 'Berlim', 'Berlim', 'BB', '52.5', '13.4'),
        row('DE', '10179', 'Berlim', 'Berli', 'mBB', '52.5', '13.4'), // the same characters as the row before, split elsewhere
        row('DE', '10243', '', '', '', '52.5', '13.4'),
        row('DZ', '10243', 'Alger', 'Alger', '01', '36.7', '3.1'), // one byte from DE, and the same code
      ]),
      { chunkBytes: 7 }, // tiny chunks: the remembered bytes must survive the buffer they came from
    );
    expect(stats).toMatchObject({ rows: 7, duplicates: 0, malformed: 0 });
    const place = (cc: string, code: string) => {
      const p = index.get(cc, code);
      return [p?.placeName, p?.adminName, p?.adminCode];
    };
    expect(place('DE', '10115')).toEqual(['Berlin', 'Berlin', 'BE']);
    expect(place('DE', '10117')).toEqual(['Berlin', 'Berlin', 'BE']);
    expect(place('DE', '10119')).toEqual(['Berlim', 'Berlin', 'BB']);
    expect(place('DE', '10178')).toEqual(['Berlim', 'Berlim', 'BB']);
    expect(place('DE', '10179')).toEqual(['Berlim', 'Berli', 'mBB']);
    expect(place('DE', '10243')).toEqual([null, null, null]);
    expect(place('DZ', '10243')).toEqual(['Alger', 'Alger', '01']);
  });

  it('lists every indexed code once, with the coordinates it answers with', async () => {
    const index = new GeoNamesIndex();
    await index.loadFile(
      writeFile([
        row('US', '90210', 'Beverly Hills', 'California', 'CA', '34.0901', '-118.4065'),
        row('CA', 'K1A 0B1', 'Ottawa', 'Ontario', 'ON', '45.4215', '-75.6972'),
        row('US', '90210', 'Duplicate', 'California', 'CA', '1', '2'),
        row('US', '10001', 'New York', 'New York', 'NY', '40.7484', '-73.9967'),
      ]),
    );
    const listed: [string, string, number, number][] = [];
    index.forEachCode((countryCode, postalCode, latitude, longitude) => listed.push([countryCode, postalCode, latitude, longitude]));
    expect(listed.sort()).toEqual([
      ['CA', 'K1A 0B1', 45.4215, -75.6972], // full codes are kept at full precision
      ['US', '10001', 40.7484, -73.9967],
      ['US', '90210', 34.0901, -118.4065],
    ]);
  });


  it('refuses a file that would take it past maxCodes, and is left as it was before that file', async () => {
    const index = new GeoNamesIndex({ maxCodes: 4 });
    await index.loadFile(writeFile([row('DE', '10115', 'Berlin', 'Berlin', 'BE', '52.5', '13.4'), row('DE', '80331', 'München', 'Bayern', 'BY', '48.1', '11.6')]));
    const refused = writeFile([
      row('DE', '10115', 'Berlin Mitte', 'Berlin', 'BE', '52.53', '13.38'), // replaces a row: undone
      row('FR', '75001', 'Paris 01', 'Île-de-France', '11', '48.86', '2.34'),
      row('FR', '75002', 'Paris 02', 'Île-de-France', '11', '48.87', '2.34'),
      row('FR', '75003', 'Paris 03', 'Île-de-France', '11', '48.86', '2.36'), // the fifth code
    ]);
    const failure = await index.loadFile(refused).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TooManyCodesError);
    expect(failure).toMatchObject({ file: refused, maxCodes: 4 });
    expect(index.size).toBe(2);
    expect(index.hasCountry('FR')).toBe(false);
    expect(index.get('FR', '75001')).toBeUndefined();
    expect(index.get('DE', '10115')).toMatchObject({ placeName: 'Berlin', latitude: 52.5, longitude: 13.4 });
  });

  it('loads on after a refused file, up to maxCodes', async () => {
    const index = new GeoNamesIndex({ maxCodes: 2 });
    await expect(index.loadFile(writeFile([row('DE', '10115', 'Berlin', 'Berlin', 'BE', '52.5', '13.4'), row('DE', '80331', 'München', 'Bayern', 'BY', '48.1', '11.6'), row('DE', '20095', 'Hamburg', 'Hamburg', 'HH', '53.55', '10')]))).rejects.toBeInstanceOf(
      TooManyCodesError,
    );
    const stats = await index.loadFile(writeFile([row('FR', '75001', 'Paris 01', 'Île-de-France', '11', '48.86', '2.34'), row('FR', '75002', 'Paris 02', 'Île-de-France', '11', '48.87', '2.34')]));
    expect(stats).toMatchObject({ rows: 2, malformed: 0 });
    const listed: string[] = [];
    index.forEachCode((countryCode, postalCode) => listed.push(`${countryCode} ${postalCode}`));
    expect(listed.sort()).toEqual(['FR 75001', 'FR 75002']);
  });
});

describe('GeoNamesIndex provenance', () => {
  it("keeps each row's accuracy; a blank, absent or non-numeric one is none", async () => {
    const index = new GeoNamesIndex();
    await index.loadFile(
      writeFile([
        row('DE', '10115', 'Berlin', 'Berlin', 'BE', '52.5', '13.4', '6'),
        row('DE', '10117', 'Berlin', 'Berlin', 'BE', '52.5', '13.4', ''),
        row('DE', '10119', 'Berlin', 'Berlin', 'BE', '52.5', '13.4').split('\t').slice(0, 11).join('\t'),
        row('DE', '10178', 'Berlin', 'Berlin', 'BE', '52.5', '13.4', 'x'),
        row('DE', '10179', 'Berlin', 'Berlin', 'BE', '52.5', '13.4', '1'),
      ]),
    );
    expect(['10115', '10117', '10119', '10178', '10179'].map((code) => index.get('DE', code)?.accuracy)).toEqual([6, null, null, null, 1]);
  });

  it('names each place by the file that wrote its row last, a prefix match by its first part\'s row', async () => {
    const index = new GeoNamesIndex();
    await index.loadFile(writeFile([row('GB', 'SW1A', 'London', 'England', 'ENG', '51.5', '-0.14', '4'), row('DE', '10115', 'Berlin', 'Berlin', 'BE', '52.5', '13.4')]), { source: 'first' });
    await index.loadBuffer('fixes.txt', Buffer.from(`${row('DE', '10115', 'Berlin Mitte', 'Berlin', 'BE', '52.53', '13.38', '1')}\n`), 'overrides');
    expect(index.get('GB', 'SW1A 1AA')).toMatchObject({ precision: 'PREFIX', source: 'first', accuracy: 4 });
    expect(index.get('DE', '10115')).toMatchObject({ placeName: 'Berlin Mitte', source: 'overrides', accuracy: 1 });
    expect([index.sourceName(0), index.sourceName(1)]).toEqual(['first', 'overrides']);
  });

  it('counts per file the rows it indexed, those of first parts and its countries; per source the codes it still answers', async () => {
    const index = new GeoNamesIndex();
    const broad = await index.loadFile(
      writeFile([
        row('GB', 'SW1A', 'London', 'England', 'ENG', '51.5', '-0.14'),
        row('GB', 'SW1A 1AA', 'Buckingham Palace', 'England', 'ENG', '51.501', '-0.1416'),
        row('DE', '10115', 'Berlin', 'Berlin', 'BE', '52.5', '13.4'),
        row('DE', '10115', 'Berlin again', 'Berlin', 'BE', '52.5', '13.4'),
        row('DE', '80331', 'München', 'Bayern', 'BY', '48.1', '11.6'),
      ]),
    );
    expect(broad).toMatchObject({ sourceId: 0, rows: 5, duplicates: 1, indexed: 4, prefixes: 1, countries: ['DE', 'GB'] });
    const narrow = await index.loadFile(writeFile([row('DE', '10115', 'Berlin Mitte', 'Berlin', 'BE', '52.53', '13.38'), row('DE', '10117', 'Berlin', 'Berlin', 'BE', '52.5', '13.4')]));
    expect(narrow).toMatchObject({ sourceId: 1, indexed: 2, replaced: 1, prefixes: 0, countries: ['DE'] });
    expect([...index.codesBySource()]).toEqual([3, 2]);
  });

  it("restores the source and accuracy of the rows a refused file replaced, and gives its number to the next file", async () => {
    const index = new GeoNamesIndex({ maxCodes: 2 });
    await index.loadFile(writeFile([row('DE', '10115', 'Berlin', 'Berlin', 'BE', '52.5', '13.4', '4')]), { source: 'DE' });
    const refused = writeFile([row('DE', '10115', 'Berlin Mitte', 'Berlin', 'BE', '52.53', '13.38', '6'), row('DE', '10117', 'Berlin', 'Berlin', 'BE', '52.5', '13.4'), row('DE', '10119', 'Berlin', 'Berlin', 'BE', '52.5', '13.4')]);
    await expect(index.loadFile(refused, { source: 'big' })).rejects.toBeInstanceOf(TooManyCodesError);
    expect(index.get('DE', '10115')).toMatchObject({ placeName: 'Berlin', source: 'DE', accuracy: 4 });
    const next = await index.loadFile(writeFile([row('FR', '75001', 'Paris 01', 'Île-de-France', '11', '48.86', '2.34')]), { source: 'FR' });
    expect(next.sourceId).toBe(1);
    expect(index.get('FR', '75001')?.source).toBe('FR');
    expect([...index.codesBySource()]).toEqual([1, 1]);
  });
});
