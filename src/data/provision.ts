/**
 * Start-up downloads (`GEONAMES_COUNTRIES`): each dataset missing from the data directory is
 * downloaded before the embedded geocoder loads, so a container needs no build step. A dataset
 * already there is not asked about (no conditional request either: start-up must work offline;
 * refreshing is the data command's job). A failed download is logged and reported, never thrown:
 * the service starts on what it has. A data directory that cannot be created is thrown
 * (`DATA_DIR_UNWRITABLE`): nothing asked for could ever be there, so the service does not start.
 *
 * Cancellable: aborting `signal` (the service shutting down) stops the download in flight, removes
 * its temporary files, starts none of the ones after it, and rejects with the signal's reason.
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

/**
 * Downloads, one after the other, the datasets missing from the data directory; resolves with
 * those that failed, or rejects with `signal`'s reason once it is aborted.
 */
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
