/**
 * The place-name search (src/place-names/) against a brute-force oracle: every code of the bundled
 * US file whose normalized place name equals the query, or begins with it, in the contract's order
 * (test/support/place-search.ts); and the order itself, on names made for it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gazetteer } from '../../src/gazetteer/gazetteer.js';
import { GeoNamesIndex } from '../../src/gazetteer/geonames-index.js';
import { defaultUsDataFile } from '../../src/gazetteer/loaded-data.js';
import { searchByName, type NameQuery } from '../../src/place-names/name-search.js';
import { normalizePlaceName } from '../../src/place-names/normalize.js';
import type { KeyPage } from '../../src/spatial/key-page.js';
import { WorkBudget } from '../../src/work-budget.js';
import { codesOf, nameOracle, type NamedCode } from '../support/place-search.js';
import { geoNamesRow, seeded } from '../support/spatial.js';

const EVERYTHING = 1_000_000;

async function gazetteerOf(...files: string[]): Promise<Gazetteer> {
  const rows = new GeoNamesIndex();
  for (const file of files) await rows.loadFile(file);
  return new Gazetteer(rows, []);
}

/** A GeoNames file of made-up rows in a fresh temporary directory. */
function fileOf(rows: readonly string[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'place-names-')), 'made-up.txt');
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

/** A row with a place name and admin code of its own. */
const named = (countryCode: string, postalCode: string, place: string, adminCode = 'RG'): string =>
  geoNamesRow(countryCode, postalCode, 10, 10, place).replace('\tRegion\tRG\t', `\tRegion\t${adminCode}\t`);

const keysOf = (gazetteer: Gazetteer, page: KeyPage): string[] =>
  page.ids.map((id) => `${gazetteer.index.countries[gazetteer.index.countryOf[id]!]} ${gazetteer.index.postalCodes[id]}`);
const keys = (codes: readonly NamedCode[]): string[] => codes.map((c) => `${c.countryCode} ${c.postalCode}`);

const search = (gazetteer: Gazetteer, query: NameQuery, first = EVERYTHING, after?: string, budget?: WorkBudget) =>
  searchByName(gazetteer.names, gazetteer.index, query, { first, after, budget });

/** Every page of a search, concatenated; asserts each page's count and that the last says so. */
function allPages(gazetteer: Gazetteer, query: NameQuery, first: number): { keys: string[]; pages: number; totals: Set<number> } {
  const found: string[] = [];
  const totals = new Set<number>();
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = search(gazetteer, query, first, after);
    pages++;
    totals.add(page.totalCount);
    found.push(...keysOf(gazetteer, page));
    if (!page.hasNextPage) break;
    after = page.cursor(page.ids.at(-1)!);
  }
  return { keys: found, pages, totals };
}

describe('locationsByPlace over the bundled US data, against a scan of every row', () => {
  let us: Gazetteer;
  const codes = codesOf('US');
  beforeAll(async () => {
    us = await gazetteerOf(defaultUsDataFile());
  });

  it('holds every code that has a place name, under its normalized name', () => {
    expect(us.names.size).toBe(codes.filter((c) => c.placeName !== '').length);
    expect(us.names.names.length).toBe(new Set(codes.map((c) => normalizePlaceName(c.placeName))).size);
  });

  it('finds, for EXACT, every code of every place name of the file, by country and code', () => {
    const byName = new Map<string, NamedCode[]>();
    for (const code of codes) {
      const name = normalizePlaceName(code.placeName);
      byName.set(name, [...(byName.get(name) ?? []), code]);
    }
    const wrong: string[] = [];
    for (const [name, expected] of byName) {
      const page = search(us, { name, match: 'EXACT' });
      const want = keys(expected.sort((a, b) => (a.postalCode < b.postalCode ? -1 : 1)));
      if (page.totalCount !== want.length || keysOf(us, page).join() !== want.join()) wrong.push(name);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['Springfield', 'EXACT'],
    ['Washington', 'EXACT'],
    ['SPRINGFIELD', 'EXACT'],
    ['saint louis', 'EXACT'],
    ['St. John', 'EXACT'],
    ['Coeur d’Alene', 'EXACT'],
    ['spring', 'PREFIX'],
    ['wash', 'PREFIX'],
    ['bever', 'PREFIX'],
    ['st', 'PREFIX'],
    ['sa', 'PREFIX'],
    ['new y', 'PREFIX'],
    ['St. P', 'PREFIX'],
  ] as const)('lists %j (%s) exactly as the oracle does', (name, match) => {
    const expected = nameOracle(codes, { name, match });
    const page = search(us, { name, match });
    expect(keysOf(us, page)).toEqual(keys(expected));
    expect(page.totalCount).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(1);
  });

  it('lists random prefixes of real names exactly as the oracle does', () => {
    const random = seeded(7);
    const wrong: string[] = [];
    for (let i = 0; i < 200; i++) {
      const name = codes[Math.floor(random() * codes.length)]!.placeName;
      const prefix = name.slice(0, 2 + Math.floor(random() * (name.length - 1)));
      const page = search(us, { name: prefix, match: 'PREFIX' });
      const expected = nameOracle(codes, { name: prefix, match: 'PREFIX' });
      if (page.totalCount !== expected.length || keysOf(us, page).join() !== keys(expected).join()) wrong.push(prefix);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['Springfield', 'EXACT', 'IL'],
    ['springfield', 'EXACT', 'mo'],
    ['Washington', 'EXACT', 'DC'],
    ['spring', 'PREFIX', 'TX'],
    ['Springfield', 'EXACT', 'ZZ'],
  ] as const)('narrows %j (%s) to adminCode %s, in any case', (name, match, adminCode) => {
    const expected = nameOracle(codes, { name, match, adminCode });
    const page = search(us, { name, match, adminCode });
    expect(keysOf(us, page)).toEqual(keys(expected));
    expect(page.totalCount).toBe(expected.length);
  });

  it('pages to the end with any page size: the pages concatenate to the whole list, totalCount on every page', () => {
    for (const [query, first] of [
      [{ name: 'Springfield', match: 'EXACT' }, 7],
      [{ name: 'Washington', match: 'EXACT', adminCode: 'PA' }, 3],
      [{ name: 'spring', match: 'PREFIX' }, 13],
      [{ name: 'st', match: 'PREFIX' }, 100],
    ] as const) {
      const expected = keys(nameOracle(codes, query));
      const { keys: found, pages, totals } = allPages(us, query, first);
      expect(found).toEqual(expected);
      expect(new Set(found).size).toBe(found.length);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / first)));
      expect(totals).toEqual(new Set([expected.length]));
    }
  });

  it("continues after any edge's cursor", () => {
    const query: NameQuery = { name: 'bever', match: 'PREFIX' };
    const whole = search(us, query);
    for (const [i, id] of whole.ids.entries()) {
      const next = search(us, query, 3, whole.cursor(id));
      expect(next.ids).toEqual(whole.ids.slice(i + 1, i + 4));
      expect(next.hasNextPage).toBe(i + 4 < whole.ids.length);
    }
  });

  it('refuses the cursor of another search, or an altered one, as BAD_USER_INPUT', () => {
    const page = search(us, { name: 'Springfield', match: 'EXACT' }, 2);
    const cursor = page.cursor(page.ids[1]!);
    for (const other of [
      { name: 'Springfield', match: 'PREFIX' },
      { name: 'Springfield', match: 'EXACT', adminCode: 'IL' },
      { name: 'Springfield', match: 'EXACT', countryCodes: ['US'] },
      { name: 'Springfeld', match: 'EXACT' },
    ] as const) {
      expect(() => search(us, other, 2, cursor)).toThrow(/^`after` is a cursor from another search: .*the same `name`, `match`, `countryCodes` and `adminCode`/);
    }
    expect(() => search(us, { name: 'SPRINGFIELD', match: 'EXACT' }, 2, cursor)).not.toThrow();
    const altered = cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11);
    expect(() => search(us, { name: 'Springfield', match: 'EXACT' }, 2, altered)).toThrow(/^`after` is not a cursor this search issued/);
  });

  it('charges the work budget for every name ranked and every edge built', () => {
    const budget = new WorkBudget(1_000);
    const page = search(us, { name: 'bever', match: 'PREFIX' }, 5, undefined, budget);
    // Three names begin with "bever" (beverly, beverly hills, beverly shores); five edges.
    expect(page.ids).toHaveLength(5);
    expect(budget.spent).toBe(3 + 5);
    // With a filter, every code of those names is tested too (15 of them).
    const filtered = new WorkBudget(1_000);
    search(us, { name: 'bever', match: 'PREFIX', adminCode: 'CA' }, 5, undefined, filtered);
    expect(filtered.spent).toBe(3 + 15 + 5);
    expect(() => search(us, { name: 'sa', match: 'PREFIX' }, 5, undefined, new WorkBudget(10))).toThrow(/did more than 10 units of work/);
  });
});

describe('the order of a PREFIX search', () => {
  let made: Gazetteer;
  beforeAll(async () => {
    made = await gazetteerOf(
      fileOf([
        named('DE', '10115', 'Springfield'),
        named('DE', '10117', 'Springs'),
        named('DE', '10119', 'Spring Hill'),
        named('DE', '10178', 'Spring'),
        named('DE', '10179', 'Spring Valley'),
        named('DE', '10243', 'Springe'),
        named('DE', '10245', 'Springdale'),
        named('FR', '75001', 'Spring'),
        named('FR', '75002', 'Springe'),
        named('DE', '10247', 'Sankt Spring'),
        named('DE', '10249', 'St. Paul'),
        named('DE', '10315', 'Stade'),
        named('DE', '10317', 'Saint Paul', 'XX'),
        named('DE', '10318', 'St Paulsberg'),
      ]),
    );
  });
  const order = (name: string, extra: Partial<NameQuery> = {}) => keysOf(made, search(made, { name, match: 'PREFIX', ...extra }));

  it('puts the whole name first, then names where the query ends a word, then the rest; fewer characters beyond it first; then names alphabetically, then country and code', () => {
    expect(order('spring')).toEqual([
      'DE 10178', // spring (the whole name) in DE
      'FR 75001', // and FR: one name, by country
      'DE 10119', // spring hill: the query ends a word, 5 more characters
      'DE 10179', // spring valley: ends a word, 7 more
      'DE 10243', // springe (DE, FR) and springs: inside a word, 1 more; springe first
      'FR 75002',
      'DE 10117',
      'DE 10245', // springdale: 4 more
      'DE 10115', // springfield: 5 more
    ]);
  });

  it('matches names only from their start', () => {
    expect(order('spring')).not.toContain('DE 10247');
  });

  it('also matches a last word st as the saint it abbreviates, ranked as that word', () => {
    // "saint paul" (both spellings) as `saint` ending a word, 5 more; "saint paulsberg" 10 more; then "stade" inside a word.
    expect(order('st')).toEqual(['DE 10249', 'DE 10317', 'DE 10318', 'DE 10315']);
    expect(order('Saint P')).toEqual(['DE 10249', 'DE 10317', 'DE 10318']);
  });

  it('narrows to countryCodes and adminCode', () => {
    expect(order('spring', { countryCodes: ['FR'] })).toEqual(['FR 75001', 'FR 75002']);
    expect(order('st', { adminCode: 'xx' })).toEqual(['DE 10317']);
    expect(order('st', { adminCode: 'RG', countryCodes: ['FR'] })).toEqual([]);
  });
});
