/**
 * A gazetteer: the postal codes of a set of GeoNames files (geonames-index.ts), the spatial and
 * place-name indexes built on them, and what each file still answers; never changed once built.
 * The service holds one at a time (loaded-data.ts) and replaces it whole.
 */
import type { Place } from '../postal/place.js';
import type { PostalKey } from '../postal/postal-code.js';
import { PlaceNameIndex } from '../place-names/name-index.js';
import type { NamedPlaceSource } from '../place-names/place-name-search.js';
import { SpatialIndex } from '../spatial/spatial-index.js';
import { summarize, type DatasetFacts, type DatasetSummary } from './datasets.js';
import type { GeoNamesIndex, LoadStats } from './geonames-index.js';

export type FileSource = 'bundled' | 'DATA_DIR' | 'GEONAMES_FILES' | 'DATA_OVERRIDES';

export interface LoadedFile extends LoadStats, DatasetFacts {
  /** Its places' `source`, and its name in `Query.datasets`. */
  readonly dataset: string;
  readonly source: FileSource;
}

export class Gazetteer implements NamedPlaceSource {
  readonly index: SpatialIndex;
  readonly names: PlaceNameIndex;
  /** How long building each index took, in milliseconds (for the start-up log). */
  readonly buildMs: { readonly spatial: number; readonly names: number };
  /** Every file, in load order, with the codes it still answers. */
  readonly datasets: readonly DatasetSummary[];
  private readonly missing = new Map<string, string | undefined>();

  /** Indexes `rows` for the searches: call it once every file is loaded into them. */
  constructor(
    private readonly rows: GeoNamesIndex,
    readonly files: readonly LoadedFile[],
  ) {
    const started = performance.now();
    const { index, idsByVisit } = SpatialIndex.build(rows);
    const built = performance.now();
    this.index = index;
    this.names = PlaceNameIndex.from(rows, index, idsByVisit);
    this.buildMs = { spatial: Math.round(built - started), names: Math.round(performance.now() - built) };
    const answered = rows.codesBySource();
    this.datasets = files.map((file) => summarize(file, answered[file.sourceId] ?? 0));
  }

  get size(): number {
    return this.rows.size;
  }

  /** The place of a code: its own row, or its first part's (precision PREFIX); undefined when neither is held. */
  locate(key: PostalKey): Place | undefined {
    return this.rows.get(key.countryCode, key.postalCode);
  }

  place(countryCode: string, postalCode: string): Place | undefined {
    return this.rows.get(countryCode, postalCode);
  }

  /** Why a code of this country is not held, when no code of it is; undefined when the country has data. */
  missingReason(countryCode: string): string | undefined {
    if (!this.missing.has(countryCode)) {
      this.missing.set(countryCode, this.rows.hasCountry(countryCode) ? undefined : `no data for country ${countryCode} is loaded (the data command's \`add ${countryCode}\` adds it)`);
    }
    return this.missing.get(countryCode);
  }
}
