/**
 * The postal-code data in memory: one gazetteer at a time, loaded from, in order, the bundled US
 * file, DATA_DIR's files, GEONAMES_FILES and DATA_OVERRIDES (docs/data.md), the overrides checked
 * whole before anything loads. A new gazetteer replaces the answering one only once whole, so no
 * request waits on a load: after start-up downloads (the data on disk answers first, not ready
 * until they end) and on `reload()` (SIGHUP); both are held while the second loads. `close()`
 * cancels start-up, its download's temporary files removed, and `ready` never settles; a DATA_DIR
 * that cannot be read or created rejects `ready` (`DATA_DIR_UNREADABLE`, `DATA_DIR_UNWRITABLE`).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { hasDataFile, listDataFiles, readSource, removeLeftovers, type DataFile } from '../data/data-dir.js';
import type { Dataset } from '../data/datasets.js';
import { unreadableDataDir } from '../data/errors.js';
import { dataCommandLine } from '../data/invocation.js';
import { readOverrides, type Overrides } from '../data/overrides.js';
import { provisionDatasets, type FailedDownload } from '../data/provision.js';
import { dataSettings, type DataOptions } from '../data/settings.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Place } from '../postal/place.js';
import type { PostalKey } from '../postal/postal-code.js';
import { defineSettings, list, readableFile } from '../settings.js';
import { bundledFetchedAt } from './bundled-data.js';
import { MAX_GEONAMES_FILES } from './datasets.js';
import { Gazetteer, type FileSource, type LoadedFile } from './gazetteer.js';
import { GeoNamesIndex, TooManyCodesError, type LoadStats } from './geonames-index.js';

export { defaultUsDataFile } from './bundled-data.js';

export const gazetteerSettings = defineSettings({
  title: 'Embedded data',
  variables: {
    ...dataSettings.variables,
    GEONAMES_FILES: list()
      .refine((files) => files.every(readableFile), { message: 'comma-separated paths of readable GeoNames files' })
      .refine((files) => files.length <= MAX_GEONAMES_FILES, { message: `at most ${MAX_GEONAMES_FILES} files` })
      .describe("Extra GeoNames postal-code files, comma-separated paths (at most 100), loaded after the bundled US data and DATA_DIR's files, before DATA_OVERRIDES."),
  },
  read: (env, mode) => ({ files: env.GEONAMES_FILES, data: dataSettings.read(env, mode) }),
});

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
  /** Files loaded after DATA_DIR's, in order (GEONAMES_FILES). */
  readonly extraFiles?: readonly string[] | undefined;
  /** The overrides file (`data.overrides`) already read and checked; read at start otherwise. */
  readonly overrides?: Overrides | undefined;
  readonly logger: Logger;
  readonly metrics?: Metrics | undefined;
}

export type DataState = 'loading' | 'downloading' | 'ready' | 'stopped';

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
  private overrides: Overrides | undefined;
  /** The reload running, and the one asked for while it runs (see `reload`). */
  private reloading: Promise<Gazetteer> | undefined;
  private queuedReload: Promise<Gazetteer> | undefined;
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

  /**
   * Loads every file again, as it is now (DATA_OVERRIDES checked again), into a new gazetteer that
   * answers once whole; resolves with it. Rejects, the data answering as before, when the overrides
   * are not valid (`DataError` `BAD_OVERRIDES`), a file cannot be read, or start-up has not finished
   * (its own last load reads the files). Calls while one runs share one more reload, after it.
   */
  reload(): Promise<Gazetteer> {
    if (this.queuedReload) return this.queuedReload;
    if (this.reloading) {
      this.queuedReload = this.reloading
        .catch(() => undefined)
        .then(() => {
          this.queuedReload = undefined;
          return this.reload();
        });
      return this.queuedReload;
    }
    this.reloading = this.reloadNow().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async reloadNow(): Promise<Gazetteer> {
    if (this.closing.signal.aborted) throw new Error('the service is stopping');
    if (this.state !== 'ready') throw new Error('the service is still starting: send SIGHUP again once it is ready');
    const file = this.options.data?.overrides;
    const overrides = file === undefined ? undefined : await readOverrides(file);
    const gazetteer = await this.load(overrides);
    this.overrides = overrides;
    this.gazetteer = gazetteer;
    return gazetteer;
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
    this.overrides = this.options.overrides ?? (data?.overrides === undefined ? undefined : await readOverrides(data.overrides));
    const missing = [];
    for (const dataset of data?.countries ?? []) if (!(await hasDataFile(data!.dir, dataset))) missing.push(dataset);
    this.gazetteer = await this.load(this.overrides);
    answer(this.gazetteer!);
    if (!data || missing.length === 0) return;
    this.state = 'downloading';
    const failed = await provisionDatasets({ dir: data.dir, baseUrl: data.baseUrl, datasets: missing, logger, limits: data.limits, signal });
    this.failed.push(...failed);
    for (const { dataset, code } of failed) metrics?.datasetDownloadFailures.inc({ dataset, reason: code });
    if (failed.length < missing.length) this.gazetteer = await this.load(this.overrides);
  }

  /** Loads every file, in order, and the overrides last, into a new gazetteer; logs what each contributed. */
  private async load(overrides: Overrides | undefined): Promise<Gazetteer> {
    const { logger, files, data, extraFiles = [] } = this.options;
    const { signal } = this.closing;
    const started = performance.now();
    const sources: Source[] = [
      ...files.map((file): Source => ({ file, dataset: path.basename(file, '.txt'), source: 'bundled', fetchedAt: async () => bundledFetchedAt(file) })),
      ...(data ? await dataDirFiles(data.dir) : []).map(
        ({ file, dataset }): Source => ({ file, dataset: dataset.name, source: 'DATA_DIR', country: dataset.country, fetchedAt: () => published(data!.dir, dataset, file) }),
      ),
      ...extraFiles.map((file): Source => ({ file, dataset: path.basename(file), source: 'GEONAMES_FILES', fetchedAt: () => modified(file) })),
    ];
    if (overrides) sources.push({ file: overrides.file, dataset: OVERRIDES, source: 'DATA_OVERRIDES', bytes: overrides.bytes, fetchedAt: async () => overrides.modified.toISOString() });
    const rows = new GeoNamesIndex({ maxCodes: data?.maxLoadedRows });
    const loaded: LoadedFile[] = [];
    for (const { file, dataset, source, country, bytes, fetchedAt } of sources) {
      signal.throwIfAborted();
      const fileStarted = performance.now();
      const name = path.basename(file);
      let stats: LoadStats;
      try {
        stats = bytes ? await rows.loadBuffer(file, bytes, dataset) : await rows.loadFile(file, { source: dataset });
      } catch (error) {
        if (!(error instanceof TooManyCodesError)) throw error;
        this.refuse(dataset, name, source, error.maxCodes);
        continue;
      }
      const { countries, ...counts } = stats;
      logger.info({ phase: 'dataset', source, ...counts, ms: Math.round(performance.now() - fileStarted) }, `loaded ${stats.rows} GeoNames rows from ${name}`);
      if (stats.replaced > 0) logger.info({ phase: 'dataset', dataset: name, replaced: stats.replaced }, `${name} replaced ${stats.replaced} postal codes that earlier files had`);
      // A DATA_DIR dataset is of its country (or of every one); another file, of its rows' one country, if they have one.
      const countryCode = country !== undefined ? country : countries.length === 1 ? (countries[0] ?? null) : null;
      loaded.push({ ...stats, file: name, dataset, source, countryCode, fetchedAt: await fetchedAt() });
    }
    signal.throwIfAborted();
    const gazetteer = new Gazetteer(rows, loaded);
    const { spatial, names } = gazetteer.buildMs;
    logger.info(
      { phase: 'dataset', codes: gazetteer.size, files: sources.length, ms: Math.round(performance.now() - started), spatialIndexMs: spatial, nameIndexMs: names },
      `indexed ${gazetteer.size} postal codes (spatial index: ${spatial} ms, place names: ${names} ms)`,
    );
    return gazetteer;
  }

  /** Reports a file not loaded because it would take the data past GEONAMES_MAX_LOADED_ROWS. */
  private refuse(dataset: string, file: string, source: FileSource, maxCodes: number): void {
    if (this.failed.some((failure) => failure.dataset === dataset && failure.code === 'TOO_LARGE')) return; // said at the first load already
    const remedy =
      source === 'DATA_DIR'
        ? `remove it (${dataCommandLine(`remove ${dataset}`, process.env)}) or `
        : source === 'GEONAMES_FILES'
          ? 'leave it out of GEONAMES_FILES or '
          : source === 'DATA_OVERRIDES'
            ? 'remove rows from it or '
            : '';
    const message = `${file} (${source}) would take the postal codes held in memory past ${maxCodes.toLocaleString('en-US')} (GEONAMES_MAX_LOADED_ROWS), so it was not loaded; ${remedy}raise GEONAMES_MAX_LOADED_ROWS if this machine has the memory for it`;
    this.options.logger.error({ phase: 'dataset', source, dataset, file, code: 'TOO_LARGE', maxCodes }, `${message}. Starting without it`);
    this.failed.push({ dataset, code: 'TOO_LARGE', message });
  }
}

const OVERRIDES = 'overrides';

interface Source {
  readonly file: string;
  readonly dataset: string;
  readonly source: FileSource;
  readonly country?: string | null;
  readonly bytes?: Buffer;
  readonly fetchedAt: () => Promise<string | null>;
}

/** When a DATA_DIR dataset was published: the mirror's Last-Modified kept in its sidecar, else the file's date (which `add` sets to it). */
async function published(dir: string, dataset: Dataset, file: string): Promise<string | null> {
  const lastModified = (await readSource(dir, dataset))?.lastModified;
  const date = lastModified === undefined ? Number.NaN : Date.parse(lastModified);
  return Number.isNaN(date) ? modified(file) : new Date(date).toISOString();
}

/** A file's modification time, ISO 8601; null when it cannot be read. */
async function modified(file: string): Promise<string | null> {
  try {
    return (await stat(file)).mtime.toISOString();
  } catch {
    return null;
  }
}
