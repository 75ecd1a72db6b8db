/** Reads GeoNames rows straight from the files, independently of the service's parser (tests and benches). */
import { readFileSync } from 'node:fs';
import { defaultUsDataFile } from '../../src/gazetteer/loaded-data.js';

export interface Row {
  readonly postalCode: string;
  readonly placeName: string;
  readonly adminName: string;
  readonly adminCode: string;
  readonly latitude: number;
  readonly longitude: number;
}

/** Every row of a GeoNames postal-code file (tab-separated), in file order. */
export function readGeoNames(file: string): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const c = line.split('\t');
    if (c.length < 11) continue;
    rows.push({ postalCode: c[1]!, placeName: c[2]!, adminName: c[3]!, adminCode: c[4]!, latitude: Number(c[9]), longitude: Number(c[10]) });
  }
  return rows;
}

let rows: Row[] | undefined;

/** The bundled US file's rows, read once. */
export function usRows(): Row[] {
  rows ??= readGeoNames(defaultUsDataFile());
  return rows;
}

export function usRow(postalCode: string): Row {
  const row = usRows().find((r) => r.postalCode === postalCode);
  if (!row) throw new Error(`no row for ${postalCode}`);
  return row;
}
