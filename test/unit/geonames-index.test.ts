import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GeoNamesIndex } from '../../src/geocoding/geonames-index.js';

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
    expect(stats).toMatchObject({ rows: 1, duplicates: 0, malformed: 0 });
    expect(index.get('US', '90210')).toEqual({
      countryCode: 'US',
      postalCode: '90210',
      latitude: 34.0901,
      longitude: -118.4065,
      placeName: 'Beverly Hills',
      adminName: 'California',
      adminCode: 'CA',
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
    expect(stats).toMatchObject({ rows: 3, duplicates: 1, malformed: 2 });
    expect(index.get('CA', 'K1A')?.placeName).toBe('Ottawa');
    expect(index.get('CA', 'H0H')).toMatchObject({ placeName: 'Réservé', adminName: 'Québec', latitude: 45.5, longitude: -73.6 });
    expect(index.size).toBe(2);
  });

  it('reads rows and multi-byte characters split across read chunks, and grows past its initial capacity', async () => {
    const lines = Array.from({ length: 70_000 }, (_, i) =>
      row('DE', String(10_000 + i), `Ørt ${i} – München`, 'Bayern', 'BY', (47 + i / 1e5).toFixed(5), (11 + i / 1e5).toFixed(5)),
    );
    const index = new GeoNamesIndex();
    const stats = await index.loadFile(writeFile(lines), 97); // a prime chunk size splits rows and characters everywhere
    expect(stats).toMatchObject({ rows: 70_000, duplicates: 0, malformed: 0 });
    expect(index.get('DE', '79999')).toMatchObject({ placeName: 'Ørt 69999 – München', latitude: 47.69999, longitude: 11.69999 });
  });

  it('normalizes data codes as it does user input, so a full Canadian code is found by its prefix', async () => {
    const index = new GeoNamesIndex();
    await index.loadFile(writeFile([row('CA', 'k1a 0b1', 'Ottawa', 'Ontario', 'ON', '45.4', '-75.7')]));
    expect(index.get('CA', 'K1A')?.placeName).toBe('Ottawa');
  });
});
