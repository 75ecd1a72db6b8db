/**
 * Streams one file out of a zip on disk (a zip's directory is at its end, so not from the download
 * as it arrives), never whole in memory. No entry writes more than `maxBytes`: its declared size is
 * checked before inflating, then the inflated bytes are counted (here rather than by yauzl's
 * `validateEntrySizes`, to word the failure), so one that inflates past it fails as a forged zip.
 */
import { createWriteStream } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { DataError, firstFailure, formatBytes, isDataError, released } from './errors.js';

export interface ExtractOptions {
  readonly entryName: string;
  readonly source: string;
  /** Every byte of the entry passes through it on its way to the file (the row check). */
  readonly through: Transform;
  /** Largest the entry may inflate to, in bytes (GEONAMES_MAX_FILE_BYTES); unbounded when absent. */
  readonly maxBytes?: number | undefined;
  /** Called once the entry is found, with its uncompressed size in bytes. */
  readonly onSize?: (bytes: number) => void;
  readonly signal?: AbortSignal | undefined;
}

/** Writes the entry `entryName` of the zip `zipFile` to `destination`, a new file (it must not exist). */
export async function extractEntry(zipFile: string, destination: string, options: ExtractOptions): Promise<void> {
  const { entryName, source, maxBytes = Number.POSITIVE_INFINITY } = options;
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipFile, { autoClose: false, strictFileNames: true, validateEntrySizes: false });
  } catch (error) {
    throw new DataError('NOT_GEONAMES', `${source} is not a zip file (${(error as Error).message}); nothing was written (check that GEONAMES_BASE_URL is a mirror of GeoNames' postal-code export)`, { cause: error });
  }
  try {
    const names: string[] = [];
    let entry: yauzl.Entry | undefined;
    try {
      for await (const candidate of zip.eachEntry()) {
        if (candidate.fileName === entryName) {
          entry = candidate;
          break;
        }
        names.push(candidate.fileName);
      }
    } catch (error) {
      throw new DataError('NOT_GEONAMES', `${source} is a damaged zip file (${(error as Error).message}); nothing was written`, { cause: error });
    }
    if (!entry) {
      throw new DataError('NOT_GEONAMES', `${source} holds no ${entryName} (it holds ${names.length > 0 ? names.join(', ') : 'nothing'}); nothing was written (check the dataset name and GEONAMES_BASE_URL)`);
    }
    if (entry.uncompressedSize > maxBytes) throw tooLarge(source, entryName, entry.uncompressedSize, maxBytes);
    options.onSize?.(entry.uncompressedSize);
    let stream: Readable;
    try {
      stream = await zip.openReadStreamPromise(entry);
    } catch (error) {
      throw new DataError('NOT_GEONAMES', `${source}: cannot read ${entryName} (${(error as Error).message}); nothing was written`, { cause: error });
    }
    const declared = entry.uncompressedSize;
    const bounded = new ByteCount(declared, (inflated) =>
      new DataError(
        'NOT_GEONAMES',
        `${source} is a damaged or forged zip file: ${entryName} ${inflated > declared ? 'inflates to more than' : `ends after ${inflated} of`} the ${declared} bytes it declares; nothing was written`,
      ),
    );
    const file = createWriteStream(destination, { flags: 'wx' });
    // Which stream failed decides the message: the zip's data (inflate, a size that lies), the check, or the disk.
    const failed = firstFailure([stream, options.through, file]);
    try {
      await pipeline(stream, bounded, options.through, file, { signal: options.signal });
    } catch (error) {
      await released(file);
      if (isDataError(error) || failed() !== stream || options.signal?.aborted) throw error;
      throw new DataError('NOT_GEONAMES', `${source} is a damaged zip file: ${entryName} cannot be inflated (${(error as Error).message}); nothing was written`, { cause: error });
    }
  } finally {
    zip.close();
  }
}

/** Passes exactly `expected` bytes through: fails with `error(bytes)` at a byte past them, or at an end short of them. */
class ByteCount extends Transform {
  private bytes = 0;

  constructor(
    private readonly expected: number,
    private readonly error: (bytes: number) => DataError,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.expected) return callback(this.error(this.bytes));
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.bytes === this.expected ? null : this.error(this.bytes));
  }
}

const tooLarge = (source: string, entryName: string, declared: number, maxBytes: number): DataError =>
  new DataError(
    'TOO_LARGE',
    `${source}: ${entryName} is ${formatBytes(declared)} once extracted (as the zip declares it), more than the ${formatBytes(maxBytes)} a dataset may take (GEONAMES_MAX_FILE_BYTES); nothing was written (GeoNames' files are far smaller: check GEONAMES_BASE_URL, or raise GEONAMES_MAX_FILE_BYTES)`,
  );
