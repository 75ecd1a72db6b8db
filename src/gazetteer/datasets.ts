/**
 * What `Query.datasets` says of each file a gazetteer holds: its name and country, how many codes
 * it answers once later files and the overrides have replaced some of its rows, whether those rows
 * are full codes or only their first parts, and when its data was published.
 */
import { COUNTRY_CODE_COUNT } from '../geonames/country-codes.js';

/** Whether a dataset's rows are full codes, first parts (`SW1A`, `K1A`), or both (allCountries holds the UK's outward codes). */
export type DatasetPrecision = 'POSTAL_CODE' | 'PREFIX' | 'MIXED';

/** One loaded file, as `Query.datasets` lists it. */
export interface DatasetSummary {
  /** `US` (the bundled file), a DATA_DIR dataset (`DE`, `GB_full`, `allCountries`), a GEONAMES_FILES file's name, or `overrides`. */
  readonly name: string;
  /** The one country of its rows; null when it holds several (allCountries). */
  readonly countryCode: string | null;
  /** The codes it answers: the rows it brought, less those later files or the overrides replaced. */
  readonly postalCodes: number;
  readonly precision: DatasetPrecision;
  /** When its data was published, ISO 8601 (see loaded-data.ts); null when unknown. */
  readonly fetchedAt: string | null;
  /** The rows it brought that later files or the overrides replaced. */
  readonly replacedRows: number;
}

/** What a summary is made from: the file as it was loaded. */
export interface DatasetFacts {
  readonly dataset: string;
  readonly countryCode: string | null;
  readonly fetchedAt: string | null;
  /** Rows it indexed (new codes, and codes it took over from earlier files). */
  readonly indexed: number;
  /** Of those, rows of first parts only. */
  readonly prefixes: number;
}

/** Most files GEONAMES_FILES may name. */
export const MAX_GEONAMES_FILES = 100;

/**
 * Most datasets a gazetteer holds: the bundled file; in DATA_DIR allCountries and, per country, its
 * file and its full-code file (the only names the data directory loads: data/datasets.ts);
 * GEONAMES_FILES; the overrides. What sizes `Query.datasets` before it runs.
 */
export const MAX_DATASETS = 1 + (1 + 2 * COUNTRY_CODE_COUNT) + MAX_GEONAMES_FILES + 1;

/** A file's summary, given how many codes it still answers. */
export function summarize(file: DatasetFacts, answered: number): DatasetSummary {
  return {
    name: file.dataset,
    countryCode: file.countryCode,
    postalCodes: answered,
    precision: file.prefixes === 0 ? 'POSTAL_CODE' : file.prefixes === file.indexed ? 'PREFIX' : 'MIXED',
    fetchedAt: file.fetchedAt,
    replacedRows: file.indexed - answered,
  };
}
