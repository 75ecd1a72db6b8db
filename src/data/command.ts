/**
 * The data command: `add NAME…`, `list`, `remove NAME…` on the data directory. It returns its exit
 * code rather than exiting, so tests run it in-process; cli.ts is the process around it.
 *
 * Exit codes: 0 done; 1 a dataset failed (one line on stderr per failure, the others still done);
 * 2 a usage or configuration error (nothing done); 130 interrupted (nothing half-written left, and
 * the datasets after it not started).
 *
 * Every command first removes the temporary files an interrupted run left in DATA_DIR (see
 * data-dir.ts). Command lines it prints are written as the user runs it (invocation.ts).
 */
import { parseArgs } from 'node:util';
import { addDataset, type AddOutcome } from './add.js';
import { listDataFiles, removeDataset, removeLeftovers, summarize } from './data-dir.js';
import { parseDataset, type Dataset } from './datasets.js';
import { isDataError } from './errors.js';
import { dataCommandLine } from './invocation.js';
import { createProgress, type Output } from './progress.js';
import { readDataSettings, type DataOptions } from './settings.js';

export interface CommandIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /** The environment the settings are read from (DATA_DIR, GEONAMES_*), and that says how the command was run (invocation.ts). */
  readonly env: NodeJS.ProcessEnv;
  /** Aborts the download in progress and the ones after it (Ctrl-C, SIGTERM). */
  readonly signal?: AbortSignal | undefined;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** The usage text, with command lines written as `env` says the command was run (invocation.ts). */
export function usage(env: NodeJS.ProcessEnv): string {
  return `Usage: ${dataCommandLine('<command>', env)}

  add NAME...      download GeoNames postal-code datasets into DATA_DIR; NAME is a country
                   code (DE), a full-code file (GB_full) or allCountries. A file the mirror
                   has not changed since the last add is not downloaded again.
  list             show the datasets in DATA_DIR: countries, rows, file date
  remove NAME...   delete datasets from DATA_DIR

Settings: DATA_DIR (default data/geonames in the project), GEONAMES_BASE_URL (default
https://download.geonames.org/export/zip), and the caps and timeouts of a download
(GEONAMES_MAX_*, GEONAMES_IDLE_TIMEOUT_MS, GEONAMES_DOWNLOAD_DEADLINE_MS). See docs/data.md.
`;
}

/** Runs the data command with `argv` (the arguments after the script name); resolves with the exit code. */
export async function runDataCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const [command, ...names] = parsed.positionals;
  if (parsed.values.help || command === 'help') {
    io.stdout.write(usage(io.env));
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
      return withDatasets(names, io, async (datasets) => {
        await tidy(settings, io);
        return add(datasets, settings, io);
      });
    case 'remove':
      return withDatasets(names, io, async (datasets) => {
        await tidy(settings, io);
        return remove(datasets, settings, io);
      });
    case 'list':
      if (names.length > 0) return usageError(io, `list takes no names (got ${names.join(' ')})`);
      await tidy(settings, io);
      return list(settings, io);
    default:
      return usageError(io, command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
  }
}

// Removes what interrupted runs left in DATA_DIR, saying so.
async function tidy(settings: DataOptions, io: CommandIo): Promise<void> {
  const removed = await removeLeftovers(settings.dir);
  if (removed.length > 0) io.stdout.write(`removed ${removed.length} temporary file${removed.length === 1 ? '' : 's'} an interrupted run left in DATA_DIR\n`);
}

// Private: parses every name before anything is done, so a typo costs no download.
async function withDatasets(names: readonly string[], io: CommandIo, run: (datasets: Dataset[]) => Promise<number>): Promise<number> {
  if (names.length === 0) return usageError(io, 'give at least one dataset name, e.g. DE, GB_full or allCountries');
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
    if (io.signal?.aborted) return interrupted(dataset, io);
    const url = `${settings.baseUrl}/${dataset.zipName}`;
    progress.start(dataset.name, url);
    let outcome: AddOutcome;
    try {
      outcome = await addDataset(dataset, { dir: settings.dir, baseUrl: settings.baseUrl, limits: settings.limits, signal: io.signal, onProgress: (p) => progress.update(p) });
    } catch (error) {
      progress.clear();
      if (io.signal?.aborted) return interrupted(dataset, io);
      io.stderr.write(`error: ${dataset.name}: ${isDataError(error) ? error.message : `unexpected failure: ${message(error)}`}\n`);
      failed++;
      continue;
    }
    progress.clear();
    io.stdout.write(`${describeOutcome(dataset, outcome)}\n`);
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

function interrupted(dataset: Dataset, io: CommandIo): number {
  io.stderr.write(`error: ${dataset.name}: interrupted; nothing was written\n`);
  return EXIT.interrupted;
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
    io.stdout.write(`no datasets yet: add one with \`${dataCommandLine('add DE', io.env)}\`\n`);
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
      const hint = isDataError(error) && error.code === 'NOT_PRESENT' ? ` (see what is there: ${dataCommandLine('list', io.env)})` : '';
      io.stderr.write(`error: ${dataset.name}: ${message(error)}${hint}\n`);
      failed++;
    }
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

function usageError(io: CommandIo, problem: string): number {
  io.stderr.write(`error: ${problem} (usage: ${dataCommandLine('--help', io.env)})\n`);
  return EXIT.usage;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A few countries by name, many by count. */
const countryList = (countries: readonly string[]): string => (countries.length <= 5 ? countries.join(',') : `${countries.length} countries`);

const isoDate = (date: Date): string => (Number.isNaN(date.getTime()) ? 'unknown' : date.toISOString().slice(0, 10));
