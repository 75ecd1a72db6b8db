/**
 * The area search (src/spatial/area.ts, area-search.ts) against a brute-force oracle of its own: an
 * even-odd test with exact arithmetic and explicit boundary checks (test/support/place-search.ts),
 * over every code of the bundled US file; and the refusals of malformed areas.
 */
import inside from 'point-in-polygon-hao';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { GeoNamesIndex } from '../../src/gazetteer/geonames-index.js';
import { defaultUsDataFile } from '../../src/gazetteer/loaded-data.js';
import { parseArea, type AreaArgs, type BoundingBoxArgs, type PolygonArgs } from '../../src/spatial/area.js';
import { searchArea, type AreaQuery } from '../../src/spatial/area-search.js';
import type { KeyPage } from '../../src/spatial/key-page.js';
import { SpatialIndex } from '../../src/spatial/spatial-index.js';
import { WorkBudget } from '../../src/work-budget.js';
import { areaOracle, codesOf, inBox, inPolygon, ringSide, type NamedCode, type Position } from '../support/place-search.js';
import { geoNamesRow, loadRows, seeded } from '../support/spatial.js';

const LIMITS = { maxAreaVertices: 10_000, maxAreaRings: 100 };
const EVERYTHING = 1_000_000;

const keysOf = (index: SpatialIndex, page: KeyPage): string[] => page.ids.map((id) => `${index.countries[index.countryOf[id]!]} ${index.postalCodes[id]}`);
const keys = (codes: readonly NamedCode[]): string[] => codes.map((c) => `${c.countryCode} ${c.postalCode}`);
const search = (index: SpatialIndex, query: AreaQuery, first = EVERYTHING, after?: string, budget?: WorkBudget) => searchArea(index, query, { first, after, budget });
const box = (boundingBox: BoundingBoxArgs): AreaQuery => ({ area: parseArea({ boundingBox }, LIMITS) });
const polygon = (rings: PolygonArgs): AreaQuery => ({ area: parseArea({ polygon: rings }, LIMITS) });

/** The message of the BAD_USER_INPUT `parseArea` refuses `args` with. */
function refusal(args: AreaArgs, limits = LIMITS): string {
  try {
    parseArea(args, limits);
  } catch (error) {
    if (isAppError(error) && error.code === 'BAD_USER_INPUT') return error.message;
    throw error;
  }
  throw new Error('not refused');
}

/** Rings as the library's types take them. */
const mutable = (rings: readonly (readonly Position[])[]): number[][][] => rings.map((r) => r.map((p) => [...p]));

/** A closed ring through `corners`. */
const ring = (...corners: Position[]): Position[] => [...corners, corners[0]!];

describe('the oracle', () => {
  // A square with a square hole; and a diamond, whose edges are diagonal.
  const square = [ring([0, 0], [4, 0], [4, 4], [0, 4]), ring([1, 1], [1, 3], [3, 3], [3, 1])];
  const diamond = [ring([0, -2], [2, 0], [0, 2], [-2, 0])];

  it.each<[string, Position, boolean]>([
    ['a corner', [0, 0], true],
    ['a point on an edge', [2, 0], true],
    ['a point on a vertical edge', [4, 2.5], true],
    ['a point inside', [0.5, 2], true],
    ['a point in the hole', [2, 2], false],
    ['a point on the hole\u2019s edge', [1, 2], true],
    ['a corner of the hole', [3, 3], true],
    ['a point on the line of the bottom edge, outside', [5, 0], false],
    ['a point level with a corner, outside', [-1, 4], false],
    ['a point just outside', [4 + 2 ** -50, 2], false],
  ])('places %s of a square with a hole as the contract says, as the library does', (_, point, expected) => {
    expect(inPolygon(square, point)).toBe(expected);
    expect(inside([...point], mutable(square)) !== false).toBe(expected);
  });

  it.each<[string, Position, 'boundary' | 'inside' | 'outside']>([
    ['a vertex', [2, 0], 'boundary'],
    ['the middle of a diagonal edge', [1, 1], 'boundary'],
    ['a point a hair inside a diagonal edge', [1 - 2 ** -40, 1 - 2 ** -40], 'inside'],
    ['a point a hair outside it', [1 + 2 ** -40, 1], 'outside'],
    ['the centre', [0, 0], 'inside'],
    ['a point level with two vertices, outside', [3, 0], 'outside'],
  ])('decides %s of a diamond exactly', (_, point, expected) => {
    expect(ringSide(diamond[0]!, point)).toBe(expected);
    expect(inside([...point], mutable(diamond))).toBe(expected === 'boundary' ? 0 : expected === 'inside');
  });
});

describe('parseArea refuses a malformed area as BAD_USER_INPUT, naming what is wrong', () => {
  const good = ring([0, 0], [1, 0], [1, 1]);
  it.each<[string, AreaArgs, RegExp]>([
    ['neither area', {}, /^Give exactly one area, `boundingBox` or `polygon`; got neither\.$/],
    ['both areas', { boundingBox: { west: 0, south: 0, east: 1, north: 1 }, polygon: [good] }, /got both\.$/],
    ['a polygon with no ring', { polygon: [] }, /^`polygon` has no ring/],
    ['a ring that is not closed', { polygon: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }, /^`polygon` ring 0 \(the outer boundary\) is not closed: its last position \(3\) must repeat its first, \[0,0\], got \[0,1\]\.$/],
    ['a hole that is not closed', { polygon: [good, [[0.2, 0.2], [0.5, 0.2], [0.5, 0.5], [0.2, 0.3]]] }, /^`polygon` ring 1 \(a hole\) is not closed/],
    ['a ring of 3 positions', { polygon: [[[0, 0], [1, 0], [0, 0]]] }, /^`polygon` ring 0 \(the outer boundary\) has 3 positions; a ring needs at least 4/],
    ['an empty hole', { polygon: [good, []] }, /^`polygon` ring 1 \(a hole\) has 0 positions/],
    ['a latitude past 90', { polygon: [[[0, 0], [1, 0], [1, 91], [0, 0]]] }, /^`polygon` ring 0 \(the outer boundary\), position 2: the latitude \(second\) must be in degrees from -90 to 90, got 91\. GeoJSON positions are \[longitude, latitude\]\.$/],
    ['a latitude past -90 in a hole', { polygon: [good, [[0, 0], [0, -90.5], [1, 0], [0, 0]]] }, /^`polygon` ring 1 \(a hole\), position 1: the latitude \(second\)/],
    ['a longitude past 180', { polygon: [[[0, 0], [181, 0], [1, 1], [0, 0]]] }, /^`polygon` ring 0 \(the outer boundary\), position 1: the longitude \(first\) must be in degrees from -180 to 180, got 181/],
    ['a position of one number', { polygon: [[[0, 0], [1], [1, 1], [0, 0]]] }, /^`polygon` ring 0 \(the outer boundary\), position 1: a position is \[longitude, latitude\] \(an altitude may follow\), got \[1\]\.$/],
    ['a position of four numbers', { polygon: [[[0, 0], [1, 0, 0, 0], [1, 1], [0, 0]]] }, /position 1: a position is \[longitude, latitude\]/],
    ['too many rings', { polygon: Array.from({ length: 101 }, () => good) }, /^`polygon` has 101 rings, at most 100 \(MAX_AREA_RINGS\)/],
    ['too many positions', { polygon: [Array.from({ length: 10_001 }, (_, i) => (i === 10_000 ? [0, 0] : [i / 1e4, (i % 2) / 1e4]))] }, /^`polygon` has 10001 positions, at most 10000 \(MAX_AREA_VERTICES\)/],
    ['a box with south north of north', { boundingBox: { west: 0, south: 10, east: 1, north: 5 } }, /^`boundingBox.south` \(10\) is north of `boundingBox.north` \(5\)\.$/],
    ['a box past a pole', { boundingBox: { west: 0, south: 0, east: 1, north: 95 } }, /^`boundingBox.north` must be a latitude in degrees from -90 to 90, got 95\.$/],
    ['a box past the antimeridian', { boundingBox: { west: -190, south: 0, east: 1, north: 5 } }, /^`boundingBox.west` must be a longitude in degrees from -180 to 180, got -190\.$/],
  ])('%s', (_, args, message) => {
    expect(refusal(args)).toMatch(message);
  });

  it('takes a polygon of any winding, with altitudes, and reads the altitudes out', () => {
    const area = parseArea({ polygon: [[[0, 0, 10], [0, 1, 10], [1, 1, 10], [0, 0, 10]]] }, LIMITS);
    expect(area).toEqual({ kind: 'polygon', rings: [[[0, 0], [0, 1], [1, 1], [0, 0]]], box: [0, 0, 1, 1], edges: 3 });
  });

  it('splits a box across the antimeridian in two', () => {
    expect(parseArea({ boundingBox: { west: 170, south: -10, east: -170, north: 10 } }, LIMITS)).toEqual({
      kind: 'box',
      boxes: [
        [170, -10, 180, 10],
        [-180, -10, -170, 10],
      ],
    });
  });
});

describe('locationsInArea over the bundled US data, against the oracle', () => {
  let index: SpatialIndex;
  const codes = codesOf('US');
  beforeAll(async () => {
    const rows = new GeoNamesIndex();
    await rows.loadFile(defaultUsDataFile());
    index = SpatialIndex.from(rows);
  });

  /** A code of the file, by postal code. */
  const code = (postalCode: string): NamedCode => codes.find((c) => c.postalCode === postalCode)!;
  const at = (postalCode: string): Position => [code(postalCode).longitude, code(postalCode).latitude];

  const polygons: Record<string, Position[][]> = {
    'a triangle over Kansas and Missouri': [ring([-100, 36], [-90, 36], [-95, 42])],
    'a square around Chicago with a hole downtown': [ring([-88.5, 41.5], [-87.3, 41.5], [-87.3, 42.3], [-88.5, 42.3]), ring([-87.7, 41.85], [-87.6, 41.85], [-87.6, 41.92], [-87.7, 41.92])],
    'a concave U around Manhattan, open to the north': [ring([-74.1, 40.6], [-73.8, 40.6], [-73.8, 40.9], [-73.9, 40.9], [-73.9, 40.7], [-74.0, 40.7], [-74.0, 40.9], [-74.1, 40.9])],
    'a star over the Rockies, clockwise': [ring([-105, 45], [-103, 41], [-99, 40], [-103, 38], [-105, 34], [-107, 38], [-111, 40], [-107, 41])].map((r) => [...r].reverse()),
    // Corners at codes, edges along their latitude and longitude: codes on the boundary are inside.
    'a rectangle whose edges run through 90210 and 90066': [ring([at('90210')[0], at('90210')[1]], [at('90066')[0], at('90210')[1]], [at('90066')[0], at('90066')[1]], [at('90210')[0], at('90066')[1]])],
    'a triangle with a code at each corner': [ring(at('10001'), at('07030'), at('11201'))],
    'a square with a hole whose edge runs through 10001': [ring([-74.2, 40.6], [-73.7, 40.6], [-73.7, 41], [-74.2, 41]), ring([at('10001')[0], 40.7], [-73.9, 40.7], [-73.9, 40.8], [at('10001')[0], 40.8])],
  };

  it.each(Object.entries(polygons))('lists the codes in %s exactly, by code', (_, rings) => {
    const expected = areaOracle(codes, (p) => inPolygon(rings, p));
    const page = search(index, polygon(rings));
    expect(keysOf(index, page)).toEqual(keys(expected));
    expect(page.totalCount).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(2);
  });

  it('counts the codes on a boundary in, and the codes in a hole out', () => {
    const rectangle = polygons['a rectangle whose edges run through 90210 and 90066']!;
    expect(keysOf(index, search(index, polygon(rectangle)))).toEqual(expect.arrayContaining(['US 90210', 'US 90066']));
    const triangle = polygons['a triangle with a code at each corner']!;
    expect(keysOf(index, search(index, polygon(triangle)))).toEqual(expect.arrayContaining(['US 10001', 'US 07030', 'US 11201']));
    const holed = polygons['a square with a hole whose edge runs through 10001']!;
    const found = keysOf(index, search(index, polygon(holed)));
    expect(found).toContain('US 10001');
    const inHole = codes.filter((c) => ringSide(holed[1]!, [c.longitude, c.latitude]) === 'inside');
    expect(inHole.length).toBeGreaterThan(0);
    for (const c of inHole) expect(found).not.toContain(`US ${c.postalCode}`);
  });

  it('lists random quadrilaterals exactly as the oracle does', () => {
    const random = seeded(11);
    const wrong: string[] = [];
    for (let i = 0; i < 40; i++) {
      const [x, y] = [-125 + random() * 55, 25 + random() * 22];
      const corners = Array.from({ length: 4 }, (_, k): Position => {
        const angle = (k / 4) * 2 * Math.PI + random();
        const r = 0.2 + random() * 3;
        return [x + r * Math.cos(angle), y + r * Math.sin(angle)];
      });
      const rings = [ring(...corners)];
      const page = search(index, polygon(rings));
      if (keysOf(index, page).join() !== keys(areaOracle(codes, (p) => inPolygon(rings, p))).join()) wrong.push(JSON.stringify(rings));
    }
    expect(wrong).toEqual([]);
  });

  it.each<[string, BoundingBoxArgs]>([
    ['around Chicago', { west: -88, south: 41.6, east: -87.5, north: 42.1 }],
    ['across the antimeridian: the Aleutians, Wake Island and Guam', { west: 140, south: 10, east: -170, north: 60 }],
    ['the whole world', { west: -180, south: -90, east: 180, north: 90 }],
    ['a meridian through 90210 (no width)', { west: -118.4065, south: 30, east: -118.4065, north: 40 }],
    ['edges on codes: 10001 to 10118', { west: -73.9967, south: 40.7484, east: -73.9862, north: 40.7484 }],
  ])('lists the codes of a box %s exactly, edges included', (_, boundingBox) => {
    const expected = areaOracle(codes, (p) => inBox(boundingBox, p));
    const page = search(index, box(boundingBox));
    expect(keysOf(index, page)).toEqual(keys(expected));
    expect(page.totalCount).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('finds codes on both sides of the antimeridian in a box across it', () => {
    const found = search(index, box({ west: 140, south: 10, east: -170, north: 60 })).ids.map((id) => index.longitudes[id]!);
    expect(found.some((longitude) => longitude > 140)).toBe(true);
    expect(found.some((longitude) => longitude < -170)).toBe(true);
  });

  it('pages to the end with any page size, each page after the last cursor, totalCount on every page', () => {
    const rings = polygons['a concave U around Manhattan, open to the north']!;
    const expected = keys(areaOracle(codes, (p) => inPolygon(rings, p)));
    for (const first of [1, 9, 100, expected.length]) {
      const found: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = search(index, polygon(rings), first, after);
        expect(page.totalCount).toBe(expected.length);
        found.push(...keysOf(index, page));
        pages++;
        if (!page.hasNextPage) break;
        after = page.cursor(page.ids.at(-1)!);
      }
      expect(found).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / first));
    }
  });

  it('refuses the cursor of another area, or an altered one, as BAD_USER_INPUT', () => {
    const page = search(index, box({ west: -88, south: 41.6, east: -87.5, north: 42.1 }), 5);
    const cursor = page.cursor(page.ids[4]!);
    expect(() => search(index, box({ west: -88, south: 41.6, east: -87.5, north: 42.2 }), 5, cursor)).toThrow(/^`after` is a cursor from another search: .*the same `boundingBox` or `polygon`, and `countryCodes`/);
    expect(() => search(index, { ...box({ west: -88, south: 41.6, east: -87.5, north: 42.1 }), countryCodes: ['US'] }, 5, cursor)).toThrow(/^`after` is a cursor from another search/);
    const altered = cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11);
    expect(() => search(index, box({ west: -88, south: 41.6, east: -87.5, north: 42.1 }), 5, altered)).toThrow(/^`after` is not a cursor this search issued/);
  });

  it('charges the work budget a unit per code tested for each 400 edges (at least one), and one per edge built', () => {
    const boundingBox = { west: -88, south: 41.6, east: -87.5, north: 42.1 };
    const candidates = areaOracle(codes, (p) => inBox(boundingBox, p)).length;
    const budget = new WorkBudget(1_000_000);
    search(index, box(boundingBox), 10, undefined, budget);
    expect(budget.spent).toBe(candidates + 10);

    // A 1,001-edge polygon in that box: each candidate costs 3 units.
    const circle = Array.from({ length: 1_001 }, (_, i): Position => [-87.75 + 0.25 * Math.cos((2 * Math.PI * i) / 1_001), 41.85 + 0.25 * Math.sin((2 * Math.PI * i) / 1_001)]);
    const rings = [ring(...circle)];
    const circleBox = { west: Math.min(...circle.map((c) => c[0])), south: Math.min(...circle.map((c) => c[1])), east: Math.max(...circle.map((c) => c[0])), north: Math.max(...circle.map((c) => c[1])) };
    const inCircleBox = areaOracle(codes, (p) => inBox(circleBox, p)).length;
    const spent = new WorkBudget(1_000_000);
    const page = search(index, polygon(rings), 10, undefined, spent);
    expect(spent.spent).toBe(inCircleBox * 3 + page.ids.length);
    expect(() => search(index, polygon(rings), 10, undefined, new WorkBudget(100))).toThrow(/did more than 100 units of work/);
  });
});

describe('locationsInArea over several countries', () => {
  it('lists codes by country, then code, and narrows to countryCodes', async () => {
    const { index } = await loadRows([
      geoNamesRow('FR', '75001', 48.86, 2.34),
      geoNamesRow('DE', '10115', 52.53, 13.38),
      geoNamesRow('DE', '01067', 51.05, 13.74),
      geoNamesRow('AT', '1010', 48.21, 16.37),
      geoNamesRow('GB', 'SW1A', 51.5, -0.14),
    ]);
    const europe = box({ west: -10, south: 40, east: 20, north: 60 });
    expect(keysOf(index, search(index, europe))).toEqual(['AT 1010', 'DE 01067', 'DE 10115', 'FR 75001', 'GB SW1A']);
    expect(keysOf(index, search(index, { ...europe, countryCodes: ['DE', 'FR'] }))).toEqual(['DE 01067', 'DE 10115', 'FR 75001']);
    const page = search(index, europe, 2);
    expect(keysOf(index, search(index, europe, 2, page.cursor(page.ids[1]!)))).toEqual(['DE 10115', 'FR 75001']);
  });
});
