/**
 * Adds one dataset to the data directory: download its zip (conditionally when a copy is there),
 * extract the data file while checking every row, rename it into place. Temporary files live in the
 * data directory itself, so the rename is atomic and a full disk is met before anything is replaced;
 * on failure they are removed and the previous file is untouched. Every step is bounded (`limits`),
 * so a hostile mirror costs at most that much disk and time, then a `DataError` naming the bound.
 */
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { dataFilePath, hasDataFile, readSource, sourcePath, Staging, type Source } from './data-dir.js';
import type { Dataset } from './datasets.js';
import { fileSystemError } from './errors.js';
import { extractEntry } from './extract.js';
import { download } from './mirror.js';
import { DEFAULT_LIMITS, type DownloadLimits } from './settings.js';
import { RowCheck } from './validate.js';

/** What the progress display is told; sizes in bytes, `total` undefined when unknown. */
export type AddProgress =
  | { readonly phase: 'download'; readonly bytes: number; readonly total: number | undefined }
  | { readonly phase: 'check'; readonly bytes: number; readonly total: number | undefined; readonly rows: number };

export interface AddOptions {
  /** The data directory (`DATA_DIR`); created if missing. */
  readonly dir: string;
  /** The mirror (`GEONAMES_BASE_URL`), without a trailing slash. */
  readonly baseUrl: string;
  /** Ask the mirror only for a newer file than the copy in `dir` (If-None-Match/If-Modified-Since). Default true. */
  readonly conditional?: boolean;
  /** The caps and timeouts (the data settings); each one left out takes its default. */
  readonly limits?: Partial<DownloadLimits> | undefined;
  /** Cancels the add: its temporary files are removed, and it rejects with the abort's error. */
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: (progress: AddProgress) => void;
  /** Called with the checked new file while the old one is still in place (`data update` compares them); a rejection fails the add. */
  readonly beforeReplace?: (file: string) => Promise<void>;
}

export type AddOutcome =
  /** The mirror's file has not changed since the copy in `dir` was downloaded. */
  | { readonly kind: 'unchanged'; readonly file: string; readonly source: Source }
  | { readonly kind: 'added'; readonly file: string; readonly rows: number; readonly countries: readonly string[]; readonly bytes: number; readonly source: Source };

/** Adds (or refreshes) `dataset` in the data directory. Throws `DataError` (see errors.ts) naming what to do. */
export async function addDataset(dataset: Dataset, options: AddOptions): Promise<AddOutcome> {
  const { dir, signal, onProgress } = options;
  const limits: DownloadLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const url = `${options.baseUrl}/${dataset.zipName}`;
  const file = dataFilePath(dir, dataset);
  const staging = new Staging(dir);
  try {
    const previous = options.conditional === false ? null : await readSource(dir, dataset);
    // Validators only for the file that is there: without it, "unchanged" would keep nothing.
    const validators = previous?.url === url && (await hasDataFile(dir, dataset)) ? previous : undefined;
    await staging.prepare();
    const zip = staging.path(dataset.zipName);
    const fetched = await download(url, zip, {
      validators,
      idleTimeoutMs: limits.idleTimeoutMs,
      deadlineMs: limits.deadlineMs,
      maxBytes: limits.maxDownloadBytes,
      signal,
      onProgress: (bytes, total) => onProgress?.({ phase: 'download', bytes, total }),
    });
    // download() answers "unchanged" only to a conditional request, so `validators` is set here.
    if (fetched.kind === 'unchanged') return { kind: 'unchanged', file, source: validators ?? { url, downloadedAt: '' } };

    let total: number | undefined;
    const check = new RowCheck({ country: dataset.country, source: url, maxRows: limits.maxRows, onProgress: (bytes, rows) => onProgress?.({ phase: 'check', bytes, total, rows }) });
    const data = staging.path(dataset.fileName);
    await extractEntry(zip, data, { entryName: dataset.fileName, source: url, through: check, maxBytes: limits.maxFileBytes, onSize: (bytes) => (total = bytes), signal });
    const published = fetched.validators.lastModified ? new Date(fetched.validators.lastModified) : null;
    // The file's date is the mirror's, so `data list` shows when GeoNames published it.
    if (published && !Number.isNaN(published.getTime())) await utimes(data, published, published);

    await options.beforeReplace?.(data);
    // Cancelled once the file is checked: still nothing written.
    signal?.throwIfAborted();
    const source: Source = { url, downloadedAt: new Date().toISOString(), ...fetched.validators };
    const sidecarName = path.basename(sourcePath(dir, dataset));
    const sidecar = await staging.write(sidecarName, `${JSON.stringify(source, null, 2)}\n`);
    await staging.commit(data, dataset.fileName);
    await staging.commit(sidecar, sidecarName);
    await staging.syncDirectory();
    return { kind: 'added', file, rows: check.rows, countries: [...check.countries].sort(), bytes: fetched.bytes, source };
  } catch (error) {
    throw fileSystemError(error, dir);
  } finally {
    await staging.discard();
  }
}
