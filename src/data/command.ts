/**
 * The data command: `add NAME…`, `list`, `remove NAME…` on the data directory. It returns its exit
 * code rather than exiting, so tests run it in-process; cli.ts is the process around it.
 *
 * Exit codes: 0 done; 1 a dataset failed (one line on stderr per failure, the others still done);
 * 2 a usage or configuration error (nothing done); 130 interrupted (nothing half-written left).
 */
import { parseArgs } from 'node:util';
import { addDataset, type AddOutcome } from './add.js';
import { listDataFiles, removeDataset, summarize } from './data-dir.js';
import { parseDataset, type Dataset } from './datasets.js';
import { isDataError } from './errors.js';
import { createProgress, type Output } from './progress.js';
import { readDataSettings, type DataOptions } from './settings.js';

export interface CommandIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /** The environment the settings are read from (DATA_DIR, GEONAMES_BASE_URL). */
  readonly env: NodeJS.ProcessEnv;
  /** Aborts the download in progress (Ctrl-C). */
  readonly signal?: AbortSignal | undefined;
  /** Longest wait without progress from the mirror, in ms (see mirror.ts). */
  readonly timeoutMs?: number | undefined;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export const USAGE = `Usage: npm run data -- <command>    (in a built image: node dist/data.js <command>)

  add NAME...      download GeoNames postal-code datasets into DATA_DIR; NAME is a country
                   code (DE), a full-code file (GB_full) or allCountries. A file the mirror
                   has not changed since the last add is not downloaded again.
  list             show the datasets in DATA_DIR: countries, rows, file date
  remove NAME...   delete datasets from DATA_DIR

Settings: DATA_DIR (default data/geonames in the project), GEONAMES_BASE_URL (default
https://download.geonames.org/export/zip). See docs/data.md.
`;

/** Runs the data command with `argv` (the arguments after the script name); resolves with the exit code. */
export async function runDataCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const [command, ...names] = parsed.positionals;
  if (parsed.values.help || command === 'help') {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  let settings: DataOptions;
  try {
    settings = readDataSettings(io.env);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    return EXIT.usage;
  }
  switch (command) {
    case 'add':
      return withDatasets(names, io, (datasets) => add(datasets, settings, io));
    case 'remove':
      return withDatasets(names, io, (datasets) => remove(datasets, settings, io));
    case 'list':
      if (names.length > 0) return usage(io, `list takes no names (got ${names.join(' ')})`);
      return list(settings, io);
    default:
      return usage(io, command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
  }
}

// Private: parses every name before anything is done, so a typo costs no download.
async function withDatasets(names: readonly string[], io: CommandIo, run: (datasets: Dataset[]) => Promise<number>): Promise<number> {
  if (names.length === 0) return usage(io, 'give at least one dataset name, e.g. DE, GB_full or allCountries');
  const datasets = new Map<string, Dataset>();
  let bad = 0;
  for (const name of names) {
    try {
      const dataset = parseDataset(name);
      datasets.set(dataset.name, dataset);
    } catch (error) {
      io.stderr.write(`error: ${(error as Error).message}\n`);
      bad++;
    }
  }
  return bad > 0 ? EXIT.usage : run([...datasets.values()]);
}

async function add(datasets: readonly Dataset[], settings: DataOptions, io: CommandIo): Promise<number> {
  const progress = createProgress(io.stdout);
  let failed = 0;
  for (const dataset of datasets) {
    const url = `${settings.baseUrl}/${dataset.zipName}`;
    progress.start(dataset.name, url);
    let outcome: AddOutcome;
    try {
      outcome = await addDataset(dataset, { dir: settings.dir, baseUrl: settings.baseUrl, signal: io.signal, timeoutMs: io.timeoutMs, onProgress: (p) => progress.update(p) });
    } catch (error) {
      progress.clear();
      if (io.signal?.aborted) {
        io.stderr.write(`error: ${dataset.name}: interrupted; nothing was written\n`);
        return EXIT.interrupted;
      }
      io.stderr.write(`error: ${dataset.name}: ${isDataError(error) ? error.message : `unexpected failure: ${message(error)}`}\n`);
      failed++;
      continue;
    }
    progress.clear();
    io.stdout.write(`${describeOutcome(dataset, outcome)}\n`);
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

function describeOutcome(dataset: Dataset, outcome: AddOutcome): string {
  const published = outcome.source.lastModified ? `published ${isoDate(new Date(outcome.source.lastModified))}` : null;
  if (outcome.kind === 'unchanged') return `${dataset.name}: unchanged on the mirror${published ? ` (${published})` : ''}, kept ${outcome.file}`;
  const countries = dataset.country === null ? ` in ${countryList(outcome.countries)}` : '';
  return `${dataset.name}: ${outcome.rows.toLocaleString('en-US')} rows${countries}${published ? `, ${published}` : ''}, saved as ${outcome.file}`;
}

async function list(settings: DataOptions, io: CommandIo): Promise<number> {
  let files;
  try {
    files = await listDataFiles(settings.dir);
  } catch (error) {
    io.stderr.write(`error: cannot read DATA_DIR (${settings.dir}): ${message(error)}\n`);
    return EXIT.failed;
  }
  io.stdout.write(`DATA_DIR: ${settings.dir}\n`);
  if (files.length === 0) {
    io.stdout.write('no datasets yet: add one with `npm run data -- add DE`\n');
    return EXIT.ok;
  }
  const rows = [['dataset', 'countries', 'rows', 'file date']];
  for (const { dataset, file } of files) {
    const summary = await summarize(file);
    rows.push([dataset.name, countryList(summary.countries), summary.rows.toLocaleString('en-US'), isoDate(summary.modified)]);
  }
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) io.stdout.write(`${row.map((cell, column) => (column === 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd()}\n`);
  return EXIT.ok;
}

async function remove(datasets: readonly Dataset[], settings: DataOptions, io: CommandIo): Promise<number> {
  let failed = 0;
  for (const dataset of datasets) {
    try {
      await removeDataset(settings.dir, dataset);
      io.stdout.write(`${dataset.name}: removed from ${settings.dir}\n`);
    } catch (error) {
      io.stderr.write(`error: ${dataset.name}: ${message(error)}\n`);
      failed++;
    }
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

function usage(io: CommandIo, problem: string): number {
  io.stderr.write(`error: ${problem} (usage: npm run data -- --help)\n`);
  return EXIT.usage;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A few countries by name, many by count. */
const countryList = (countries: readonly string[]): string => (countries.length <= 5 ? countries.join(',') : `${countries.length} countries`);

const isoDate = (date: Date): string => (Number.isNaN(date.getTime()) ? 'unknown' : date.toISOString().slice(0, 10));
