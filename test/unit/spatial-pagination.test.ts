import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { GeoNamesIndex } from '../../src/gazetteer/geonames-index.js';
import { defaultUsDataFile } from '../../src/gazetteer/loaded-data.js';
import { decodeCursor, encodeCursor, searchTag } from '../../src/spatial/cursor.js';
import { edgeCursor, searchNearby, type SpatialEdge, type SpatialQuery } from '../../src/spatial/search.js';
import { SpatialIndex } from '../../src/spatial/spatial-index.js';
import { expectSameList, found, geodesicScan, geoNamesRow, loadRows, usCodes, within, type Code } from '../support/spatial.js';

interface Walk {
  readonly edges: SpatialEdge[];
  /** Page sizes, in order. */
  readonly pages: number[];
  /** totalCount of every page. */
  readonly totals: Set<number>;
}

/** Follows `endCursor` from the first page until `hasNextPage` is false or `limit` edges are read (at most 5,000 pages). */
function walk(index: SpatialIndex, query: SpatialQuery, first: number, limit = Infinity): Walk {
  const edges: SpatialEdge[] = [];
  const pages: number[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  // Bounded, so a cursor that fails to advance fails the test instead of hanging it.
  for (let pageCount = 0; pageCount < 5000; pageCount++) {
    const page = searchNearby(index, query, { first, after });
    edges.push(...page.edges);
    pages.push(page.edges.length);
    totals.add(page.totalCount);
    if (!page.hasNextPage || edges.length >= limit) return { edges, pages, totals };
    expect(page.edges).toHaveLength(first);
    after = page.endCursor;
  }
  throw new Error('more than 5,000 pages: the cursor does not advance');
}

const badInput = (message: RegExp) => expect.objectContaining({ name: 'AppError', code: 'BAD_USER_INPUT', message: expect.stringMatching(message) });
const NOT_A_CURSOR = /^`after` is not a cursor this search issued, or it was altered/;
const OTHER_SEARCH = /^`after` is a cursor from another search/;

describe('pagination over the US data', () => {
  let index: SpatialIndex;
  const codes = usCodes();
  const origin = codes.find((c) => c.postalCode === '10001')!;

  beforeAll(async () => {
    const geonames = new GeoNamesIndex();
    await geonames.loadFile(defaultUsDataFile());
    index = SpatialIndex.from(geonames);
  });

  it('concatenates the pages of a radius search into the unpaged list, at every page size', () => {
    const query = { origin, originCode: origin, radiusMeters: 15_000 };
    const expected = within(geodesicScan(codes, origin, origin), 15_000);
    expect(expected.length).toBe(searchNearby(index, query, { first: 1 }).totalCount);
    for (const first of [1, 7, 50, 1000]) {
      const { edges, pages, totals } = walk(index, query, first);
      expectSameList(found(edges), expected, `pages of ${first}`);
      expect(pages).toHaveLength(Math.max(1, Math.ceil(expected.length / first)));
      expect([...totals]).toEqual([expected.length]);
    }
  });

  it('concatenates the pages of the nearest codes into the unpaged list, at every page size', () => {
    const point = { latitude: 39.5, longitude: -98.35 };
    const expected = geodesicScan(codes, point).slice(0, 2000);
    for (const first of [7, 50, 1000]) {
      const { edges, totals } = walk(index, { origin: point }, first, 2000);
      expectSameList(found(edges).slice(0, 2000), expected, `pages of ${first}`);
      expect([...totals]).toEqual([codes.length]);
    }
  });

  it('continues after any edge\'s cursor, with a page size of its own', () => {
    const query = { origin, originCode: origin, radiusMeters: 40_233.6 };
    const unpaged = found(searchNearby(index, query, { first: 1000 }));
    const first = searchNearby(index, query, { first: 10 });
    const fromFourth = searchNearby(index, query, { first: 25, after: edgeCursor(query, first.edges[3]!) });
    expectSameList(found(fromFourth), unpaged.slice(4, 29), 'after the fourth edge');
    expect(first.endCursor).toBe(edgeCursor(query, first.edges[9]!));
  });

  it('ends with an empty page after the last edge', () => {
    const query = { origin, originCode: origin, radiusMeters: 100 };
    const page = searchNearby(index, query, { first: 5 });
    expect(page.hasNextPage).toBe(false);
    expect(searchNearby(index, query, { first: 5, after: page.endCursor })).toEqual({
      edges: [],
      totalCount: page.totalCount,
      hasNextPage: false,
      endCursor: null,
    });
  });
});

describe('pagination through ties and across the antimeridian (made-up data)', () => {
  // Six codes at one point on the antimeridian (written as 180 and -180), more on both sides.
  const codes: Code[] = [
    ...['B', 'A', 'C'].map((postalCode) => ({ countryCode: 'FJ', postalCode, latitude: -17, longitude: 180 })),
    ...['B', 'A'].map((postalCode) => ({ countryCode: 'TO', postalCode, latitude: -17, longitude: -180 })),
    { countryCode: 'FJ', postalCode: 'D', latitude: -17, longitude: 180 },
    ...Array.from({ length: 40 }, (_, i) => ({
      countryCode: i % 2 ? 'FJ' : 'TO',
      postalCode: `P${i}`,
      latitude: -17 + ((i % 5) + 1) * 0.01,
      longitude: i % 3 === 0 ? 179.99 - i * 0.001 : i % 3 === 1 ? -179.99 + i * 0.001 : 180,
    })),
  ];
  let index: SpatialIndex;

  beforeAll(async () => {
    ({ index } = await loadRows(codes.map((c) => geoNamesRow(c.countryCode, c.postalCode, c.latitude, c.longitude))));
  });

  it('splits ties between pages without repeating or losing a code', () => {
    const origin = codes[0]!; // FJ B
    const query = { origin, originCode: origin, radiusMeters: 50_000 };
    const expected = within(geodesicScan(codes, origin, origin), 50_000);
    expect(expected.slice(0, 6).map((f) => `${f.countryCode} ${f.postalCode} ${f.meters}`)).toEqual([
      'FJ B 0',
      'FJ A 0',
      'FJ C 0',
      'FJ D 0',
      'TO A 0',
      'TO B 0',
    ]);
    for (const first of [1, 2, 4, 7, 50]) expectSameList(found(walk(index, query, first).edges), expected, `pages of ${first}`);
    const nearest = geodesicScan(codes, origin);
    for (const first of [1, 3, 5]) expectSameList(found(walk(index, { origin }, first).edges), nearest, `nearest, pages of ${first}`);
  });
});

describe('cursors', () => {
  let index: SpatialIndex;
  const point = { latitude: 40.75, longitude: -73.99 };
  const query: SpatialQuery = { origin: point, radiusMeters: 20_000 };

  beforeAll(async () => {
    const geonames = new GeoNamesIndex();
    await geonames.loadFile(defaultUsDataFile());
    index = SpatialIndex.from(geonames);
  });

  it('round-trips a position exactly, whatever its distance and code', () => {
    const tag = searchTag('a search');
    for (const position of [
      { meters: 0, countryCode: 'US', postalCode: '10001' },
      { meters: 0.1 + 0.2, countryCode: 'GB', postalCode: 'SW1A' },
      { meters: 20_003_931.458625447, countryCode: 'JP', postalCode: '100-0001' },
      { meters: 5e-324, countryCode: 'CZ', postalCode: '100 00' },
    ]) {
      expect(decodeCursor(tag, encodeCursor(tag, position))).toEqual(position);
    }
  });

  it('rejects a cursor from another search, naming the arguments that bind it', () => {
    const cursor = searchNearby(index, query, { first: 3 }).endCursor!;
    const others: SpatialQuery[] = [
      { ...query, origin: { latitude: 40.75, longitude: -73.98 } },
      { ...query, radiusMeters: 20_001 },
      { ...query, radiusMeters: undefined },
      { ...query, countryCodes: ['US'] },
      { ...query, originCode: { countryCode: 'US', postalCode: '10001' } },
    ];
    for (const other of others) {
      expect(() => searchNearby(index, other, { first: 3, after: cursor })).toThrow(AppError);
      expect(() => searchNearby(index, other, { first: 3, after: cursor })).toThrow(badInput(OTHER_SEARCH));
    }
    expect(() => searchNearby(index, others[0]!, { first: 3, after: cursor })).toThrow(/same origin, `radius` or `within`, and `countryCodes`/);
  });

  it('accepts a cursor for the same search however its countries are listed', () => {
    const a = { ...query, countryCodes: ['US', 'CA'] };
    const b = { ...query, countryCodes: ['CA', 'US', 'US'] };
    const page = searchNearby(index, a, { first: 3 });
    expect(searchNearby(index, b, { first: 3, after: page.endCursor }).edges).toEqual(searchNearby(index, a, { first: 6 }).edges.slice(3));
  });

  it('rejects a cursor with any character changed, added or removed', () => {
    const cursor = searchNearby(index, query, { first: 3 }).endCursor!;
    const altered = new Set<string>();
    for (let i = 0; i < cursor.length; i++) {
      const swap = cursor[i] === 'A' ? 'B' : 'A';
      altered.add(cursor.slice(0, i) + swap + cursor.slice(i + 1));
      altered.add(cursor.slice(0, i) + cursor.slice(i + 1));
    }
    altered.add(`${cursor}A`);
    altered.add(`${cursor}=`);
    altered.delete(cursor);
    for (const after of altered) expect(() => searchNearby(index, query, { first: 3, after })).toThrow(badInput(NOT_A_CURSOR));
  });

  it('rejects a position edited inside a cursor', () => {
    const cursor = searchNearby(index, query, { first: 3 }).endCursor!;
    const fields = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    for (const [at, value] of [[1, 0], [2, 'CA'], [3, '10002'], [0, 2]] as const) {
      const edited = [...fields];
      edited[at] = value;
      const after = Buffer.from(JSON.stringify(edited)).toString('base64url');
      expect(() => searchNearby(index, query, { first: 3, after })).toThrow(badInput(NOT_A_CURSOR));
    }
  });

  it('rejects strings that are not cursors at all', () => {
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const after of ['', 'abc', '!!!', 'x'.repeat(10_000), json({ meters: 1 }), json([1, -1, 'US', '1', 'tag', 'check']), json([1, 'NaN', 'US', '1', 't', 'c'])]) {
      expect(() => searchNearby(index, query, { first: 3, after })).toThrow(badInput(NOT_A_CURSOR));
    }
  });
});
