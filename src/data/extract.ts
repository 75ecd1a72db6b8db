/**
 * Streams one file out of a zip on disk, with yauzl. A zip's directory is at its end, so it is
 * read from a file rather than from the download as it arrives; the entry itself streams through
 * inflate, so a 1.5-million-row file is never held in memory.
 */
import { createWriteStream } from 'node:fs';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { DataError, firstFailure } from './errors.js';

export interface ExtractOptions {
  /** The entry's name in the zip, e.g. `DE.txt`. */
  readonly entryName: string;
  /** Names the zip in messages, e.g. its URL. */
  readonly source: string;
  /** Every byte of the entry passes through it on its way to the file (the row check). */
  readonly through: Transform;
  /** Called once the entry is found, with its uncompressed size in bytes. */
  readonly onSize?: (bytes: number) => void;
  readonly signal?: AbortSignal;
}

/** Writes the entry `entryName` of the zip `zipFile` to `destination`, a new file (it must not exist). */
export async function extractEntry(zipFile: string, destination: string, options: ExtractOptions): Promise<void> {
  const { entryName, source } = options;
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipFile, { autoClose: false, strictFileNames: true });
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
    options.onSize?.(entry.uncompressedSize);
    let stream: Readable;
    try {
      stream = await zip.openReadStreamPromise(entry);
    } catch (error) {
      throw new DataError('NOT_GEONAMES', `${source}: cannot read ${entryName} (${(error as Error).message}); nothing was written`, { cause: error });
    }
    const file = createWriteStream(destination, { flags: 'wx' });
    // Which stream failed decides the message: the zip's data (inflate, a size that lies), the check, or the disk.
    const failed = firstFailure([stream, options.through, file]);
    try {
      await pipeline(stream, options.through, file, { signal: options.signal });
    } catch (error) {
      if (failed() !== stream) throw error;
      throw new DataError('NOT_GEONAMES', `${source} is a damaged zip file: ${entryName} cannot be inflated (${(error as Error).message}); nothing was written`, { cause: error });
    }
  } finally {
    zip.close();
  }
}
