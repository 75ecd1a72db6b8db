/** Reads GeoNames rows straight from the bundled US file, independently of the service's parser. */
import { readFileSync } from 'node:fs';
import { defaultUsDataFile } from '../../src/geocoding/providers/embedded.js';

export interface Row {
  postalCode: string;
  placeName: string;
  adminName: string;
  adminCode: string;
  latitude: number;
  longitude: number;
}

let rows: Row[] | undefined;

export function usRows(): Row[] {
  rows ??= readFileSync(defaultUsDataFile(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const c = line.split('\t');
      return { postalCode: c[1]!, placeName: c[2]!, adminName: c[3]!, adminCode: c[4]!, latitude: Number(c[9]), longitude: Number(c[10]) };
    });
  return rows;
}

export function usRow(postalCode: string): Row {
  const row = usRows().find((r) => r.postalCode === postalCode);
  if (!row) throw new Error(`no row for ${postalCode}`);
  return row;
}
