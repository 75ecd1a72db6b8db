/**
 * Dataset names and their files, as GeoNames' export lays them out: `DE` is `DE.zip` holding `DE.txt`;
 * `GB_full` is `GB_full.csv.zip` holding `GB_full.txt` (any `{CC}_full`); `allCountries` is
 * `allCountries.zip` holding `allCountries.txt`. In `DATA_DIR` a dataset is its data file. A code
 * that is no country's (`UK`, withdrawn, unassigned) is refused here, saying what to write instead.
 */
import { countryAlias, isCountryCode, withdrawnCountry } from '../geonames/country-codes.js';
import { DataError } from './errors.js';

export interface Dataset {
  /** Canonical name: `DE`, `GB_full`, `allCountries`. */
  readonly name: string;
  /** The country every row must have, or null for `allCountries` (any country). */
  readonly country: string | null;
  /** The file on the mirror, relative to `GEONAMES_BASE_URL`. */
  readonly zipName: string;
  /** The data file inside the zip, and its name in `DATA_DIR`. */
  readonly fileName: string;
}

const ALL_COUNTRIES = 'allCountries';
const COUNTRY = /^[A-Za-z]{2}$/;
const FULL = /^([A-Za-z]{2})_full$/i;
const DATA_FILE = /^(allCountries|[A-Z]{2}|[A-Z]{2}_full)\.txt$/;

/** A dataset by its name, case-insensitively (`de`, `gb_FULL`, `allcountries`). Throws `UNKNOWN_DATASET`. */
export function parseDataset(input: string): Dataset {
  const name = input.trim();
  if (name.toLowerCase() === ALL_COUNTRIES.toLowerCase()) return { name: ALL_COUNTRIES, country: null, zipName: `${ALL_COUNTRIES}.zip`, fileName: `${ALL_COUNTRIES}.txt` };
  if (COUNTRY.test(name)) {
    const country = checkedCountry(input, name.toUpperCase(), '');
    return { name: country, country, zipName: `${country}.zip`, fileName: `${country}.txt` };
  }
  const full = FULL.exec(name);
  if (full) {
    const country = checkedCountry(input, (full[1] ?? '').toUpperCase(), '_full');
    return { name: `${country}_full`, country, zipName: `${country}_full.csv.zip`, fileName: `${country}_full.txt` };
  }
  throw new DataError(
    'UNKNOWN_DATASET',
    `${JSON.stringify(input)} is not a GeoNames dataset: give a country code (DE), a full-code file (GB_full) or allCountries`,
  );
}

// `code` if it is a country code; else the error saying what to write instead (`suffix`: '' or '_full').
function checkedCountry(input: string, code: string, suffix: string): string {
  if (isCountryCode(code)) return code;
  const quoted = JSON.stringify(input);
  const alias = countryAlias(code);
  const withdrawn = withdrawnCountry(code);
  const message = alias
    ? `${quoted} is not a country code: ${alias.name} is ${alias.code}; add ${suffix === '' && alias.code === 'GB' ? 'GB (outward codes) or GB_full (full postcodes)' : `${alias.code}${suffix}`}`
    : withdrawn
      ? `${quoted} was withdrawn from ISO 3166-1: it was ${withdrawn}`
      : `${quoted} is not a country code: give an ISO 3166-1 alpha-2 code such as DE, a full-code file (GB_full) or allCountries`;
  throw new DataError('UNKNOWN_DATASET', message);
}

/** Whether `input` names a dataset (see {@link parseDataset}). */
export function isDatasetName(input: string): boolean {
  try {
    parseDataset(input);
    return true;
  } catch {
    return false;
  }
}

/** The dataset a file in `DATA_DIR` holds, by its name, or null for any other file (temporary files, sidecars, a readme). */
export function datasetOfFile(fileName: string): Dataset | null {
  const match = DATA_FILE.exec(fileName);
  return match ? parseDataset(match[1] ?? '') : null;
}

/**
 * Load order within `DATA_DIR`, least specific first, so a more specific file's rows replace the
 * broader one's: allCountries, then each country, then each full-code file; by name within each.
 */
export function compareLoadOrder(a: Dataset, b: Dataset): number {
  const rank = (d: Dataset): number => (d.country === null ? 0 : d.name.endsWith('_full') ? 2 : 1);
  return rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
