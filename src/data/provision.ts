/**
 * Start-up downloads (`GEONAMES_COUNTRIES`) of the datasets missing from the data directory, before
 * the embedded geocoder loads. One already there is not asked about: start-up must work offline, and
 * refreshing is the data command's job. A failed download is logged and reported, never thrown: the
 * service starts on what it has. Only a data directory that cannot be created throws (`DATA_DIR_UNWRITABLE`).
 */
import type { Logger } from '../logger.js';
import { addDataset } from './add.js';
import { createDataDir, hasDataFile } from './data-dir.js';
import type { Dataset } from './datasets.js';
import { isDataError } from './errors.js';
import { dataCommandLine } from './invocation.js';
import type { DownloadLimits } from './settings.js';

export interface ProvisionOptions {
  /** The data directory (`DATA_DIR`). */
  readonly dir: string;
  /** The mirror (`GEONAMES_BASE_URL`). */
  readonly baseUrl: string;
  readonly datasets: readonly Dataset[];
  readonly logger: Logger;
  /** The caps and timeouts of each download (the data settings); each one left out takes its default. */
  readonly limits?: Partial<DownloadLimits> | undefined;
  /** Stops the downloads: the one in flight and those not started yet. */
  readonly signal?: AbortSignal | undefined;
}

/** A dataset that could not be downloaded, and why (`code`: a `DataErrorCode`, or `UNEXPECTED`). */
export interface FailedDownload {
  readonly dataset: string;
  readonly code: string;
  readonly message: string;
}

/** Downloads the missing datasets one after the other; resolves with those that failed, rejects with `signal`'s reason. */
export async function provisionDatasets({ dir, baseUrl, datasets, logger, limits, signal }: ProvisionOptions): Promise<FailedDownload[]> {
  const failed: FailedDownload[] = [];
  let created = false;
  for (const dataset of datasets) {
    signal?.throwIfAborted();
    if (await hasDataFile(dir, dataset)) {
      logger.debug({ phase: 'download', dataset: dataset.name }, `${dataset.name} is in DATA_DIR already: not downloaded`);
      continue;
    }
    if (!created) await createDataDir(dir);
    created = true;
    const url = `${baseUrl}/${dataset.zipName}`;
    const started = performance.now();
    logger.info({ phase: 'download', dataset: dataset.name, url }, `downloading ${dataset.name} from ${url} into ${dir}`);
    try {
      const outcome = await addDataset(dataset, { dir, baseUrl, conditional: false, limits, signal });
      const rows = outcome.kind === 'added' ? outcome.rows : null;
      logger.info({ phase: 'download', dataset: dataset.name, rows, ms: Math.round(performance.now() - started) }, `downloaded ${dataset.name}: ${rows} rows`);
    } catch (error) {
      if (signal?.aborted) {
        logger.info({ phase: 'download', dataset: dataset.name }, `stopped downloading ${dataset.name}: shutting down; nothing was written`);
        throw signal.reason;
      }
      const code = isDataError(error) ? error.code : 'UNEXPECTED';
      const message = error instanceof Error ? error.message : String(error);
      logger.error(
        { phase: 'download', dataset: dataset.name, code, err: error },
        `could not download ${dataset.name}: ${message}. Starting without it; fix the cause and restart, or run: ${dataCommandLine(`add ${dataset.name}`, process.env)}`,
      );
      failed.push({ dataset: dataset.name, code, message });
    }
  }
  return failed;
}
