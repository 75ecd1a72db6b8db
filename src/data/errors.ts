/** Why adding or removing a dataset failed; every message says what to do, so it is printed and logged as it is. */

/** Stable codes: the data command's tests and the `geocoder_dataset_download_failures_total` metric use them. */
export type DataErrorCode =
  /** Not a dataset name: a country code (`DE`), a full-code file (`GB_full`) or `allCountries`. */
  | 'UNKNOWN_DATASET'
  /** The mirror has no such file (404, 410). */
  | 'NOT_ON_MIRROR'
  /** The mirror's host name does not resolve (DNS: ENOTFOUND, EAI_AGAIN). */
  | 'MIRROR_DNS_FAILED'
  /** Nothing accepts connections at the mirror's address (ECONNREFUSED). */
  | 'MIRROR_REFUSED'
  /** The mirror sent nothing for GEONAMES_IDLE_TIMEOUT_MS, or the download outlasted GEONAMES_DOWNLOAD_DEADLINE_MS. */
  | 'MIRROR_TIMEOUT'
  /** The mirror failed (5xx), broke the connection off, or answered something unexpected. */
  | 'MIRROR_UNAVAILABLE'
  /** The download is not a zip, lacks the data file, or has a line that is not a GeoNames row of the country. */
  | 'NOT_GEONAMES'
  /** The download, the extracted file or its rows exceed a cap (GEONAMES_MAX_DOWNLOAD_BYTES, GEONAMES_MAX_FILE_BYTES, GEONAMES_MAX_ROWS). */
  | 'TOO_LARGE'
  /** The disk holding `DATA_DIR` is full. */
  | 'DISK_FULL'
  /** `DATA_DIR` cannot be created or written. */
  | 'DATA_DIR_UNWRITABLE'
  /** `DATA_DIR` exists but cannot be listed (permissions, not a directory): the service does not start. */
  | 'DATA_DIR_UNREADABLE'
  /** `data remove` or `data update` of a dataset that is not there. */
  | 'NOT_PRESENT'
  /** The DATA_OVERRIDES file cannot be read, is too large, or has a line that is not a valid row (overrides.ts). */
  | 'BAD_OVERRIDES';

export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly code: DataErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isDataError = (value: unknown): value is DataError => value instanceof DataError;

/**
 * Which of a pipeline's streams failed first. When one fails, `pipeline` destroys the others with
 * the same error, so the error alone cannot say whether the zip, the network or the disk failed.
 */
export function firstFailure(streams: readonly NodeJS.EventEmitter[]): () => NodeJS.EventEmitter | undefined {
  let first: NodeJS.EventEmitter | undefined;
  for (const stream of streams) stream.once('error', () => (first ??= stream));
  return () => first;
}

/** The `code` of a Node.js system error (`ENOSPC`), if it is one. */
export function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A file-system failure in `dir` as a `DataError` naming the directory and what to do; any other error as it is. */
export function fileSystemError(error: unknown, dir: string): unknown {
  if (isDataError(error)) return error;
  switch (systemErrorCode(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new DataError('DISK_FULL', `no space left in DATA_DIR (${dir}): free some space, or set DATA_DIR to a directory on a larger disk`, { cause: error });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'ENOTDIR':
    case 'EEXIST':
      return new DataError('DATA_DIR_UNWRITABLE', `cannot write to DATA_DIR (${dir}): ${(error as Error).message}; make it a writable directory, or set DATA_DIR to one`, { cause: error });
    default:
      return error;
  }
}

/** A size in messages: `256 MiB`, `1.0 GiB`, `512 bytes`. */
export function formatBytes(bytes: number): string {
  const units = [
    [2 ** 30, 'GiB'],
    [2 ** 20, 'MiB'],
    [2 ** 10, 'KiB'],
  ] as const;
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number.isInteger(bytes / size) ? bytes / size : (bytes / size).toFixed(1)} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** Waits until a stream has released its file descriptor (a destroyed write stream may still be opening its file). */
export async function released(stream: NodeJS.EventEmitter & { readonly closed: boolean }): Promise<void> {
  if (!stream.closed) await new Promise((resolve) => stream.once('close', resolve));
}

/** A failure to list `dir` as a `DataError` naming the directory and what to do; any other error is returned as it is. */
export function unreadableDataDir(error: unknown, dir: string): unknown {
  if (isDataError(error)) return error;
  switch (systemErrorCode(error)) {
    case 'EACCES':
    case 'EPERM':
    case 'ENOTDIR':
    case 'ELOOP':
      return new DataError('DATA_DIR_UNREADABLE', `cannot read DATA_DIR (${dir}): ${(error as Error).message}; make it a directory this user can read, or set DATA_DIR to one`, { cause: error });
    default:
      return error;
  }
}
