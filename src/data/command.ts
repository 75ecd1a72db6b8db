/**
 * The data command: `add`, `update`, `list`, `remove` on the data directory. It returns its exit code
 * rather than exiting (cli.ts is the process): 0 done; 1 a dataset failed (one stderr line each, the
 * others still done); 2 a usage or configuration error (nothing done); 130 interrupted (nothing
 * half-written, later datasets not started). Every command first removes what interrupted runs left.
 */
import { parseArgs } from 'node:util';
import { addDataset, type AddOutcome } from './add.js';
import { compareFiles, MOVED_METERS, type ChangedCode, type DatasetChanges } from './changes.js';
import { dataFilePath, hasDataFile, listDataFiles, removeDataset, removeLeftovers, summarize } from './data-dir.js';
import { parseDataset, type Dataset } from './datasets.js';
import { isDataError } from './errors.js';
import { dataCommandLine } from './invocation.js';
import { readOverrides } from './overrides.js';
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
  update [NAME...] fetch again the datasets in DATA_DIR (all, or those named) that changed on
                   the mirror, and show the codes added, removed and moved
  list             show the datasets in DATA_DIR and the DATA_OVERRIDES file: countries,
                   rows, file date
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
    case 'update':
      // No names: every dataset in DATA_DIR.
      if (names.length === 0) {
        await tidy(settings, io);
        return update(null, settings, io);
      }
      return withDatasets(names, io, async (datasets) => {
        await tidy(settings, io);
        return update(datasets, settings, io);
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

async function tidy(settings: DataOptions, io: CommandIo): Promise<void> {
  const removed = await removeLeftovers(settings.dir);
  if (removed.length > 0) io.stdout.write(`removed ${removed.length} temporary file${removed.length === 1 ? '' : 's'} an interrupted run left in DATA_DIR\n`);
}

// Every name is parsed before anything is done, so a typo costs no download.
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
  const { failed, interrupted } = await fetchEach(datasets, settings, io, false);
  return interrupted ?? (failed > 0 ? EXIT.failed : EXIT.ok);
}

/** `add` again, conditionally, for the datasets in DATA_DIR (`named`, or all when null): an unchanged one costs one 304, rewrites nothing. */
async function update(named: readonly Dataset[] | null, settings: DataOptions, io: CommandIo): Promise<number> {
  const datasets: Dataset[] = [];
  let failed = 0;
  if (named === null) {
    try {
      datasets.push(...(await listDataFiles(settings.dir)).map(({ dataset }) => dataset));
    } catch (error) {
      io.stderr.write(`error: cannot read DATA_DIR (${settings.dir}): ${message(error)}\n`);
      return EXIT.failed;
    }
    if (datasets.length === 0) {
      io.stdout.write(`no datasets in DATA_DIR (${settings.dir}) to update: add one with \`${dataCommandLine('add DE', io.env)}\`\n`);
      return EXIT.ok;
    }
  } else {
    for (const dataset of named) {
      if (await hasDataFile(settings.dir, dataset)) datasets.push(dataset);
      else {
        io.stderr.write(`error: ${dataset.name}: not in DATA_DIR (${settings.dir}), so nothing to update; add it with \`${dataCommandLine(`add ${dataset.name}`, io.env)}\`\n`);
        failed++;
      }
    }
  }
  const run = await fetchEach(datasets, settings, io, true);
  if (run.changed > 0) io.stdout.write('The service loads the new data at its next start, or at once on SIGHUP (kill -HUP <its pid>).\n');
  return run.interrupted ?? (failed + run.failed > 0 ? EXIT.failed : EXIT.ok);
}

/** Adds each dataset in turn, printing each outcome (and with `compare`, its changes); stops at an interruption. */
async function fetchEach(datasets: readonly Dataset[], settings: DataOptions, io: CommandIo, compare: boolean): Promise<{ failed: number; changed: number; interrupted?: number }> {
  const progress = createProgress(io.stdout);
  let failed = 0;
  let changed = 0;
  for (const dataset of datasets) {
    if (io.signal?.aborted) return { failed, changed, interrupted: interrupted(dataset, io) };
    const url = `${settings.baseUrl}/${dataset.zipName}`;
    progress.start(dataset.name, url);
    let outcome: AddOutcome;
    // Filled in by `beforeReplace`, which runs only for a file the mirror changed.
    const compared: { changes?: DatasetChanges } = {};
    const current = dataFilePath(settings.dir, dataset);
    const beforeReplace = compare ? async (file: string) => void (compared.changes = await compareFiles((await hasDataFile(settings.dir, dataset)) ? current : null, file)) : undefined;
    try {
      outcome = await addDataset(dataset, { dir: settings.dir, baseUrl: settings.baseUrl, limits: settings.limits, signal: io.signal, onProgress: (p) => progress.update(p), beforeReplace });
    } catch (error) {
      progress.clear();
      if (io.signal?.aborted) return { failed, changed, interrupted: interrupted(dataset, io) };
      io.stderr.write(`error: ${dataset.name}: ${isDataError(error) ? error.message : `unexpected failure: ${message(error)}`}\n`);
      failed++;
      continue;
    }
    progress.clear();
    io.stdout.write(`${describeOutcome(dataset, outcome)}\n`);
    if (compared.changes) {
      changed++;
      io.stdout.write(describeChanges(dataset, compared.changes));
    }
  }
  return { failed, changed };
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

/** What the data directory holds, and the overrides file (checked as the service checks it). */
async function list(settings: DataOptions, io: CommandIo): Promise<number> {
  let files;
  try {
    files = await listDataFiles(settings.dir);
  } catch (error) {
    io.stderr.write(`error: cannot read DATA_DIR (${settings.dir}): ${message(error)}\n`);
    return EXIT.failed;
  }
  io.stdout.write(`DATA_DIR: ${settings.dir}\n`);
  if (settings.overrides !== undefined) io.stdout.write(`DATA_OVERRIDES: ${settings.overrides}\n`);
  if (files.length === 0) io.stdout.write(`no datasets yet: add one with \`${dataCommandLine('add DE', io.env)}\`\n`);
  const rows = [['dataset', 'countries', 'rows', 'file date']];
  for (const { dataset, file } of files) {
    const summary = await summarize(file);
    rows.push([dataset.name, countryList(summary.countries), summary.rows.toLocaleString('en-US'), isoDate(summary.modified)]);
  }
  let code: number = EXIT.ok;
  if (settings.overrides !== undefined) {
    try {
      const overrides = await readOverrides(settings.overrides);
      rows.push(['overrides', countryList(overrides.countries), overrides.rows.toLocaleString('en-US'), isoDate(overrides.modified)]);
    } catch (error) {
      // The service would not start with it: say so, as it would.
      io.stderr.write(`error: ${message(error)}\n`);
      code = EXIT.failed;
    }
  }
  if (rows.length === 1) return code;
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) io.stdout.write(`${row.map((cell, column) => (column === 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd()}\n`);
  return code;
}

/** The most codes of each kind `update` names; the rest are counted. */
const MAX_LISTED = 20;

function describeChanges(dataset: Dataset, changes: DatasetChanges): string {
  const { added, removed, moved, codesBefore, codesAfter } = changes;
  const counts = `(${codesBefore.toLocaleString('en-US')} codes before, ${codesAfter.toLocaleString('en-US')} now)`;
  if (added.length + removed.length + moved.length === 0) return `${dataset.name}: no code added, removed or moved more than ${MOVED_METERS} m ${counts}\n`;
  const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  const summary = [plural(added.length, 'code added', 'codes added'), `${removed.length.toLocaleString('en-US')} removed`, `${moved.length.toLocaleString('en-US')} moved more than ${MOVED_METERS} m`];
  // allCountries names each code with its country.
  const name = (code: ChangedCode): string => (dataset.country === null ? `${code.countryCode} ${code.postalCode}` : code.postalCode);
  const listed = (label: string, items: readonly string[]): string => {
    if (items.length === 0) return '';
    const more = items.length > MAX_LISTED ? ` … and ${(items.length - MAX_LISTED).toLocaleString('en-US')} more` : '';
    return `  ${label}: ${items.slice(0, MAX_LISTED).join(', ')}${more}\n`;
  };
  return [
    `${dataset.name}: ${summary.join(', ')} ${counts}\n`,
    listed('added', added.map(name)),
    listed('removed', removed.map(name)),
    listed('moved', moved.map((code) => `${name(code)} (${formatMeters(code.meters)})`)),
  ].join('');
}

const formatMeters = (meters: number): string => (meters < 1_000 ? `${Math.round(meters)} m` : `${(meters / 1_000).toFixed(1)} km`);

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
