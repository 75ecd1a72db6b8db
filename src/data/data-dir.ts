/**
 * The data directory (`DATA_DIR`): one data file per dataset under its GeoNames name (`DE.txt`), its
 * modification time the mirror's Last-Modified, beside it a sidecar (`DE.source.json`) with its
 * origin and validators. Nothing half-written carries a data file's name: files are written under
 * hidden temporary names (`.DE.txt.<pid>-<8 hex>.tmp`), flushed, then renamed into place atomically,
 * and the service loads only data-file names. A failed step removes its temporary files; what a
 * killed process left, the next command or start removes (`removeLeftovers`).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LineReader } from '../geonames/lines.js';
import { compareLoadOrder, datasetOfFile, type Dataset } from './datasets.js';
import { DataError, fileSystemError, systemErrorCode } from './errors.js';
import type { Validators } from './mirror.js';

const TEMPORARY = /^\..+\.(\d+)-[0-9a-f]{8}\.tmp$/;

/** This process's temporary files not yet committed or removed, every Staging's together. */
const staged = new Set<string>();

/** What the sidecar records. */
export interface Source extends Validators {
  /** Where the file was downloaded from. */
  readonly url: string;
  /** When, as an ISO date-time. */
  readonly downloadedAt: string;
}

export interface DataFile {
  readonly dataset: Dataset;
  /** Absolute path. */
  readonly file: string;
}

export const dataFilePath = (dir: string, dataset: Dataset): string => path.join(dir, dataset.fileName);
export const sourcePath = (dir: string, dataset: Dataset): string => path.join(dir, `${dataset.name}.source.json`);

/** The data files in `dir`, in load order (see datasets.ts); none when `dir` does not exist. */
export async function listDataFiles(dir: string): Promise<DataFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return [];
    throw error;
  }
  const found: DataFile[] = [];
  for (const name of names) {
    const dataset = datasetOfFile(name);
    if (dataset) found.push({ dataset, file: path.join(dir, name) });
  }
  return found.sort((a, b) => compareLoadOrder(a.dataset, b.dataset));
}

/** Creates `dir` (and its parents) if it does not exist. Throws `DATA_DIR_UNWRITABLE` naming it when it cannot be created. */
export async function createDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw fileSystemError(error, dir);
  }
}

export async function hasDataFile(dir: string, dataset: Dataset): Promise<boolean> {
  try {
    return (await stat(dataFilePath(dir, dataset))).isFile();
  } catch {
    return false;
  }
}

/** The sidecar of a dataset, or null when there is none or it cannot be read (then the next download is unconditional). */
export async function readSource(dir: string, dataset: Dataset): Promise<Source | null> {
  try {
    const parsed = JSON.parse(await readFile(sourcePath(dir, dataset), 'utf8')) as Partial<Source>;
    if (typeof parsed.url !== 'string') return null;
    const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
    return { url: parsed.url, downloadedAt: text(parsed.downloadedAt) ?? '', etag: text(parsed.etag), lastModified: text(parsed.lastModified) };
  } catch {
    return null;
  }
}

/** Deletes a dataset's data file and sidecar. Throws `NOT_PRESENT` when there is no data file. */
export async function removeDataset(dir: string, dataset: Dataset): Promise<void> {
  try {
    await rm(dataFilePath(dir, dataset));
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      throw new DataError('NOT_PRESENT', `${dataset.name} is not in DATA_DIR (${dir}): nothing to remove`);
    }
    throw error;
  }
  await rm(sourcePath(dir, dataset), { force: true });
}

export interface Summary {
  readonly rows: number;
  /** Distinct country codes, sorted. */
  readonly countries: readonly string[];
  readonly modified: Date;
}

/** Counts a data file's rows (its non-blank lines, as the loader counts them) and countries; the service does the real parsing. */
export async function summarize(file: string): Promise<Summary> {
  const { mtime } = await stat(file);
  let rows = 0;
  const countries = new Set<string>();
  let lastCountry = -1;
  const lines = new LineReader({
    line(buf, start, end) {
      rows++;
      // Files are sorted by country: make a string only when it changes.
      const country = ((buf[start] ?? 0) << 8) | (end - start > 1 ? (buf[start + 1] ?? 0) : 0);
      if (country === lastCountry) return;
      lastCountry = country;
      countries.add(buf.toString('latin1', start, Math.min(start + 2, end)));
    },
    tooLong: () => void rows++,
  });
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) lines.push(chunk);
  lines.end();
  return { rows, countries: [...countries].sort(), modified: mtime };
}

/**
 * Removes the temporary files earlier runs left in `dir`: those of a pid no process runs, and those
 * of this pid that this process did not make (a container's process has the same pid at every
 * start). Returns the names removed; never throws (a file it cannot remove stays).
 */
export async function removeLeftovers(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(TEMPORARY.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(pid)) continue;
    const file = path.join(dir, name);
    if (pid === process.pid ? staged.has(file) : isRunning(pid)) continue;
    try {
      await rm(file, { force: true });
      removed.push(name);
    } catch {
      // Not ours to remove after all (permissions): it stays.
    }
  }
  return removed.sort();
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return systemErrorCode(error) === 'EPERM';
  }
}

/** Removes this process's temporary files synchronously, for a process exiting before its cleanup ran. Never throws. */
export function removeStagedFilesSync(): void {
  for (const file of staged) {
    try {
      rmSync(file, { force: true });
    } catch {
      // Left for the next command's removeLeftovers.
    }
  }
  staged.clear();
}

/** Temporary files committed by renaming them into place. One per operation; call `discard()` in a `finally`. */
export class Staging {
  private readonly pending = new Set<string>();

  constructor(readonly dir: string) {}

  async prepare(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** A fresh hidden temporary path in the directory for a file that will be called `name`. */
  path(name: string): string {
    const file = path.join(this.dir, `.${name}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    this.pending.add(file);
    staged.add(file);
    return file;
  }

  /** Writes a small file (a sidecar) to a temporary path; returns the path. */
  async write(name: string, contents: string): Promise<string> {
    const file = this.path(name);
    await writeFile(file, contents, { flag: 'wx' });
    return file;
  }

  /** Flushes `temp` to disk, then renames it to `name`, atomically replacing a file of that name. */
  async commit(temp: string, name: string): Promise<void> {
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path.join(this.dir, name));
    this.pending.delete(temp);
    staged.delete(temp);
  }

  /** Makes the renames durable: the directory's own entries are flushed too (where the platform allows it). */
  async syncDirectory(): Promise<void> {
    let handle;
    try {
      handle = await open(this.dir, 'r');
      await handle.sync();
    } catch {
      // Some platforms cannot open or flush a directory; the renames have happened all the same.
    } finally {
      await handle?.close();
    }
  }

  /** Removes every temporary file not committed. Never throws. */
  async discard(): Promise<void> {
    await Promise.all(
      [...this.pending].map(async (file) => {
        try {
          await rm(file, { force: true });
          staged.delete(file);
        } catch {
          // Left for the next command's removeLeftovers.
        }
      }),
    );
    this.pending.clear();
  }
}
