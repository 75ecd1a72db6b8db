/**
 * Brute-force oracles for the area and place-name searches: every code of a file tested one by one,
 * sorted as the contracts say (docs/search.md). Written apart from src/ on purpose: the area oracle
 * is an even-odd test of its own with exact arithmetic (no library), the name oracle a filter and a
 * sort over every row, sharing with src/ only the normalization (tested on its own).
 */
import { usRows, readGeoNames } from './geonames.js';
import { normalizePlaceName, prefixForms } from '../../src/place-names/normalize.js';

/** A code as an independent reader of a GeoNames file sees it (the first row of a code wins). */
export interface NamedCode {
  readonly countryCode: string;
  readonly postalCode: string;
  readonly placeName: string;
  readonly adminCode: string;
  readonly latitude: number;
  readonly longitude: number;
}

/** The codes of a GeoNames file of one country, the first row of each code winning. */
export function codesOf(countryCode: string, rows = countryCode === 'US' ? usRows() : []): NamedCode[] {
  const seen = new Set<string>();
  const codes: NamedCode[] = [];
  for (const { postalCode, placeName, adminCode, latitude, longitude } of rows) {
    if (seen.has(postalCode)) continue;
    seen.add(postalCode);
    codes.push({ countryCode, postalCode, placeName, adminCode, latitude, longitude });
  }
  return codes;
}

/** The codes of a GeoNames file, read with the test's own reader. */
export const fileCodes = (countryCode: string, file: string): NamedCode[] => codesOf(countryCode, readGeoNames(file));

const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/** normalizePlaceName, remembered per name: the oracle asks for every code's name on every query. */
const normalized = new Map<string, string>();
const normal = (name: string): string => {
  let form = normalized.get(name);
  if (form === undefined) normalized.set(name, (form = normalizePlaceName(name)));
  return form;
};
const byKey = (a: NamedCode, b: NamedCode): number => compare(a.countryCode, b.countryCode) || compare(a.postalCode, b.postalCode);

export interface NameOracleQuery {
  readonly name: string;
  readonly match: 'EXACT' | 'PREFIX';
  readonly countryCodes?: readonly string[];
  readonly adminCode?: string;
}

/**
 * Every code whose place name matches, in the contract's order. EXACT: by country and code.
 * PREFIX: the whole name first, then the query ending at a word's end, then inside a word; then
 * fewer characters beyond the query; then the normalized name; then country and code.
 */
export function nameOracle(codes: readonly NamedCode[], query: NameOracleQuery): NamedCode[] {
  const wanted = (code: NamedCode): boolean =>
    (query.countryCodes === undefined || query.countryCodes.includes(code.countryCode)) && (query.adminCode === undefined || code.adminCode.toUpperCase() === query.adminCode.toUpperCase());
  if (query.match === 'EXACT') {
    const name = normalizePlaceName(query.name);
    return codes.filter((code) => wanted(code) && normal(code.placeName) === name).sort(byKey);
  }
  const ranked: { code: NamedCode; tier: number; extra: number; name: string }[] = [];
  const forms = prefixForms(query.name);
  for (const code of codes) {
    if (!wanted(code)) continue;
    const name = normal(code.placeName);
    for (const { text, wholeWord } of forms) {
      if (!name.startsWith(text)) continue;
      const rest = name.slice(text.length);
      if (wholeWord && rest !== '' && !rest.startsWith(' ')) continue;
      ranked.push({ code, tier: rest === '' ? 0 : rest.startsWith(' ') ? 1 : 2, extra: rest.length, name });
      break;
    }
  }
  return ranked.sort((a, b) => a.tier - b.tier || a.extra - b.extra || compare(a.name, b.name) || byKey(a.code, b.code)).map((r) => r.code);
}

/** A position: `[longitude, latitude]`. */
export type Position = readonly [number, number];

/** A double as an integer times a power of two, exactly. */
function exactParts(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n === 1n ? -1n : 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return exponent === 0 ? [sign * fraction, -1074] : [sign * (fraction | (1n << 52n)), exponent - 1075];
}

/** The sign of (b − a) × (p − a), exactly: positive when p is left of the line from a to b, 0 on it. */
export function orientation(a: Position, b: Position, p: Position): number {
  const parts = [a[0], a[1], b[0], b[1], p[0], p[1]].map(exactParts);
  const least = Math.min(...parts.map(([, e]) => e));
  const [ax, ay, bx, by, px, py] = parts.map(([m, e]) => m << BigInt(e - least));
  const cross = (bx! - ax!) * (py! - ay!) - (by! - ay!) * (px! - ax!);
  return cross > 0n ? 1 : cross < 0n ? -1 : 0;
}

/** Where a point is against one closed ring: on its boundary, inside it or outside it (even-odd). */
export function ringSide(ring: readonly Position[], p: Position): 'boundary' | 'inside' | 'outside' {
  let crossings = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    const inBox = Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
    if (inBox && orientation(a, b, p) === 0) return 'boundary';
    // A ray from p towards +x crosses the edge when the edge spans p's latitude (half-open, so a
    // vertex on the ray counts once) and p is left of an upward edge, or right of a downward one.
    if (a[1] > p[1] !== b[1] > p[1]) {
      // Wholly right of p, the edge is crossed; wholly left, not; in between, the orientation decides.
      if (p[0] < Math.min(a[0], b[0])) crossings++;
      else if (p[0] <= Math.max(a[0], b[0])) {
        const side = orientation(a, b, p);
        if (b[1] > a[1] ? side > 0 : side < 0) crossings++;
      }
    }
  }
  return crossings % 2 === 1 ? 'inside' : 'outside';
}

/** Whether a point is in a polygon (outer ring, then holes): inside the outer ring or on any ring, and in no hole's interior. */
export function inPolygon(rings: readonly (readonly Position[])[], p: Position): boolean {
  const sides = rings.map((ring) => ringSide(ring, p));
  if (sides.includes('boundary')) return true;
  return sides[0] === 'inside' && !sides.slice(1).includes('inside');
}

/** Whether a point is in a box, edges included; `west > east` crosses the antimeridian. */
export function inBox(box: { west: number; south: number; east: number; north: number }, p: Position): boolean {
  const { west, south, east, north } = box;
  if (p[1] < south || p[1] > north) return false;
  return west <= east ? west <= p[0] && p[0] <= east : p[0] >= west || p[0] <= east;
}

/** The codes inside an area, by country and code. */
export function areaOracle(codes: readonly NamedCode[], inside: (p: Position) => boolean, countryCodes?: readonly string[]): NamedCode[] {
  return codes.filter((code) => (countryCodes === undefined || countryCodes.includes(code.countryCode)) && inside([code.longitude, code.latitude])).sort(byKey);
}
