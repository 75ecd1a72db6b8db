/**
 * Start-up downloads (`GEONAMES_COUNTRIES`): each dataset missing from the data directory is
 * downloaded before the embedded geocoder loads, so a container needs no build step. A dataset
 * already there is not asked about (no conditional request either: start-up must work offline;
 * refreshing is the data command's job). A failed download is logged and reported, never thrown:
 * the service starts on what it has.
 */
import type { Logger } from '../logger.js';
import { addDataset } from './add.js';
import { hasDataFile } from './data-dir.js';
import type { Dataset } from './datasets.js';
import { isDataError } from './errors.js';

export interface ProvisionOptions {
  /** The data directory (`DATA_DIR`). */
  readonly dir: string;
  /** The mirror (`GEONAMES_BASE_URL`). */
  readonly baseUrl: string;
  readonly datasets: readonly Dataset[];
  readonly logger: Logger;
  /** Longest wait without progress, in ms (see mirror.ts). */
  readonly timeoutMs?: number;
}

/** A dataset that could not be downloaded, and why (`code`: a `DataErrorCode`, or `UNEXPECTED`). */
export interface FailedDownload {
  readonly dataset: string;
  readonly code: string;
  readonly message: string;
}

/** Downloads, one after the other, the datasets missing from the data directory; returns those that failed. */
export async function provisionDatasets({ dir, baseUrl, datasets, logger, timeoutMs }: ProvisionOptions): Promise<FailedDownload[]> {
  const failed: FailedDownload[] = [];
  for (const dataset of datasets) {
    if (await hasDataFile(dir, dataset)) {
      logger.debug({ phase: 'download', dataset: dataset.name }, `${dataset.name} is in DATA_DIR already: not downloaded`);
      continue;
    }
    const url = `${baseUrl}/${dataset.zipName}`;
    const started = performance.now();
    logger.info({ phase: 'download', dataset: dataset.name, url }, `downloading ${dataset.name} from ${url} into ${dir}`);
    try {
      const outcome = await addDataset(dataset, { dir, baseUrl, conditional: false, ...(timeoutMs !== undefined && { timeoutMs }) });
      const rows = outcome.kind === 'added' ? outcome.rows : null;
      logger.info({ phase: 'download', dataset: dataset.name, rows, ms: Math.round(performance.now() - started) }, `downloaded ${dataset.name}: ${rows} rows`);
    } catch (error) {
      const code = isDataError(error) ? error.code : 'UNEXPECTED';
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ phase: 'download', dataset: dataset.name, code, err: error }, `could not download ${dataset.name}: ${message}. Starting without it; fix the cause and restart, or run: npm run data -- add ${dataset.name}`);
      failed.push({ dataset: dataset.name, code, message });
    }
  }
  return failed;
}
