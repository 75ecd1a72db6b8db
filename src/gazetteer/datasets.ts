/** What `Query.datasets` says of each loaded file (docs/data.md lists the fields). */
import { COUNTRY_CODE_COUNT } from '../geonames/country-codes.js';

/** Whether a dataset's rows are full codes, first parts (`SW1A`, `K1A`), or both (allCountries holds the UK's outward codes). */
export type DatasetPrecision = 'POSTAL_CODE' | 'PREFIX' | 'MIXED';

export interface DatasetSummary {
  readonly name: string;
  readonly countryCode: string | null;
  readonly postalCodes: number;
  readonly precision: DatasetPrecision;
  readonly fetchedAt: string | null;
  readonly replacedRows: number;
}

export interface DatasetFacts {
  readonly dataset: string;
  readonly countryCode: string | null;
  readonly fetchedAt: string | null;
  /** Rows it indexed: new codes, and codes it took over from earlier files. */
  readonly indexed: number;
  /** Of `indexed`, rows of first parts only. */
  readonly prefixes: number;
}

export const MAX_GEONAMES_FILES = 100;

/**
 * Most datasets a gazetteer holds, which sizes `Query.datasets` before it runs: the bundled file, DATA_DIR's
 * allCountries and per country two files (data/datasets.ts), GEONAMES_FILES, the overrides.
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
