/**
 * The brute-force oracle for the spatial searches, and fixtures: every answer of src/spatial/ is
 * compared with a WGS-84 geodesic scan of every code, sorted as the contract says.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { geodesicMeasure, type Point } from '../../src/geodesy/distance.js';
import { GeoNamesIndex } from '../../src/gazetteer/geonames-index.js';
import type { PostalKey } from '../../src/postal/postal-code.js';
import type { SpatialEdge, SpatialPage } from '../../src/spatial/search.js';
import { SpatialIndex } from '../../src/spatial/spatial-index.js';
import { usRows } from './geonames.js';
import { seeded } from './random.js';

export { seeded };

export interface Code extends PostalKey {
  readonly latitude: number;
  readonly longitude: number;
}

/** What the contract fixes about an edge; the oracle produces these. */
export interface Found extends PostalKey {
  readonly meters: number;
  readonly initialBearing: number | null;
}

/**
 * Every code of `countryCodes` (all when omitted), measured from `origin` along the geodesic and
 * sorted by distance, the origin's code first among equals, then by country and postal code.
 */
export function geodesicScan(codes: readonly Code[], origin: Point, originCode?: PostalKey, countryCodes?: readonly string[]): Found[] {
  const rank = (c: PostalKey): number => (originCode && c.countryCode === originCode.countryCode && c.postalCode === originCode.postalCode ? 0 : 1);
  return codes
    .filter((c) => countryCodes === undefined || countryCodes.includes(c.countryCode))
    .map((c) => {
      const { meters, initialBearing } = geodesicMeasure(origin, c);
      return { countryCode: c.countryCode, postalCode: c.postalCode, meters, initialBearing: meters === 0 ? null : initialBearing, rank: rank(c) };
    })
    .sort(
      (a, b) =>
        a.meters - b.meters ||
        a.rank - b.rank ||
        (a.countryCode < b.countryCode ? -1 : a.countryCode > b.countryCode ? 1 : 0) ||
        (a.postalCode < b.postalCode ? -1 : a.postalCode > b.postalCode ? 1 : 0),
    )
    .map(({ countryCode, postalCode, meters, initialBearing }) => ({ countryCode, postalCode, meters, initialBearing }));
}

/** The codes of a sorted scan within `meters`. */
export const within = (scan: readonly Found[], meters: number): Found[] => scan.filter((f) => f.meters <= meters);

/** The contract's fields of a page's edges. */
export const found = (page: SpatialPage | readonly SpatialEdge[]): Found[] =>
  ('edges' in page ? page.edges : page).map(({ countryCode, postalCode, meters, initialBearing }) => ({ countryCode, postalCode, meters, initialBearing }));

/**
 * Asserts that `actual` is `expected`, entry by entry, with exact distances and bearings. Long lists
 * are compared here rather than by one `toEqual` (which takes a second on 40,000 entries); a failure
 * shows the first entries that differ and where.
 */
export function expectSameList(actual: readonly Found[], expected: readonly Found[], label: string): void {
  const same = (a: Found | undefined, b: Found | undefined): boolean =>
    a !== undefined &&
    b !== undefined &&
    a.countryCode === b.countryCode &&
    a.postalCode === b.postalCode &&
    a.meters === b.meters &&
    a.initialBearing === b.initialBearing;
  let at = 0;
  while (at < actual.length && same(actual[at], expected[at])) at++;
  if (at === actual.length && at === expected.length) return;
  expect({ label, at, length: actual.length, entries: actual.slice(at, at + 3) }).toEqual({
    label,
    at,
    length: expected.length,
    entries: expected.slice(at, at + 3),
  });
}


/** A point uniformly distributed on the sphere. */
export function randomPoint(random: () => number): Point {
  return { latitude: (Math.asin(2 * random() - 1) * 180) / Math.PI, longitude: random() * 360 - 180 };
}

/** The bundled US codes as an independent reader sees them: one per code, the first row winning. */
export function usCodes(): Code[] {
  const seen = new Set<string>();
  const codes: Code[] = [];
  for (const row of usRows()) {
    if (seen.has(row.postalCode)) continue;
    seen.add(row.postalCode);
    codes.push({ countryCode: 'US', postalCode: row.postalCode, latitude: row.latitude, longitude: row.longitude });
  }
  return codes;
}

/** One GeoNames row (12 tab-separated columns), as the real files have them. */
export const geoNamesRow = (countryCode: string, postalCode: string, latitude: number, longitude: number, place = 'Somewhere'): string =>
  [countryCode, postalCode, place, 'Region', 'RG', 'District', '001', '', '', String(latitude), String(longitude), '1'].join('\t');

/** Writes GeoNames rows to a file in a fresh temporary directory, and loads it. */
export async function loadRows(rows: readonly string[]): Promise<{ geonames: GeoNamesIndex; index: SpatialIndex; file: string }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'spatial-')), 'made-up.txt');
  writeFileSync(file, `${rows.join('\n')}\n`);
  const geonames = new GeoNamesIndex();
  await geonames.loadFile(file);
  return { geonames, index: SpatialIndex.from(geonames), file };
}
