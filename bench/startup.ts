/**
 * Start-up benchmark: how long the built service takes to become ready, and how much memory it
 * holds then, on (a) the bundled US data only and (b) US plus a synthetic 1.5-million-row GeoNames
 * file (the size of allCountries.txt; see synthetic-geonames.ts).
 *
 * Each run spawns `node dist/main.js` (NODE_ENV=production, PORT=0, LOG_LEVEL=info) and measures:
 *  - wall time from spawn until `GET /readyz` answers 200 (polled every 10 ms from the `listen` line on);
 *  - the CPU time the process had used by then, all threads (less disturbed by a busy machine);
 *  - `sinceProcessStartMs` of the `ready` log line (the process's own clock: excludes spawn cost);
 *  - `ms` of each `dataset` log line (time to stream one file into the index);
 *  - VmRSS right after ready and VmHWM (peak RSS so far), from /proc/<pid>/status;
 * then sends SIGTERM and checks that the process exits 0.
 *
 * Runs alternate between the datasets (a, b, a, b, …) so slow drift on a shared machine hits both
 * alike, after one discarded warm-up run of each (page cache, first-run effects).
 *
 * Usage: npm run bench:startup [-- --runs 7 --rows 1500000 --seed 1 --file PATH --only us|full --node-arg=--cpu-prof]
 * `--main OTHER/main.js` (repeatable) runs other builds too, interleaved with each other, for a
 * before/after comparison in one session (a build must sit two levels below schema.graphql, like dist/).
 * `--node PATH` (repeatable) runs each build on other Node.js binaries too (default: the one running
 * this). `--compile-cache off,cold,warm` runs each Node that has a module compile cache (22.1 and
 * later; src/main.ts turns it on) in each of these states: `off` (NODE_DISABLE_COMPILE_CACHE=1),
 * `cold` (an empty cache directory before every run, as in a new container whose image holds none)
 * and `warm` (a directory kept from run to run, so filled by the warm-up run, as in an image that
 * holds one). A Node without the cache runs once, as `off`. Without the option the child's
 * environment decides (a cache in its temp directory on Node 22.1 and later).
 * Every variant is compared with the first; `cold` and `warm` also with `off` on the same Node.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateSyntheticGeoNames, DEFAULT_ROWS } from './synthetic-geonames.js';
import { cpuTimeOf, machineLine, median, memoryOf, pollReady, SERVICE_MAIN, serviceUrl, spawnService, table, type LogLine } from './service-process.js';

const RUN_TIMEOUT_MS = 120_000;

/** The bundled file's base name, as the `dataset` log lines show it. */
const US_FILE_NAME = 'US.txt';

/** The state of Node's module compile cache in a run (see the header); `default`: the environment decides. */
type CacheMode = 'default' | 'off' | 'cold' | 'warm';
const CACHE_MODES: readonly CacheMode[] = ['off', 'cold', 'warm'];

/** A Node.js binary to run the service with. */
interface NodeBinary {
  readonly path: string;
  /** `v24.21.0`. */
  readonly version: string;
  /** Whether it has `module.enableCompileCache` (22.1 and later). */
  readonly compileCache: boolean;
}

interface Dataset {
  readonly key: 'us' | 'full';
  readonly label: string;
  /** Passed as GEONAMES_FILES (the US file is always loaded first). */
  readonly files: readonly string[];
  /** The build's entry point: dist/main.js unless `--main` says otherwise. */
  readonly main: string;
  readonly node: NodeBinary;
  readonly cache: CacheMode;
  /** For `cold` and `warm`: the child's TMPDIR, under which src/main.ts keeps the cache (`node-compile-cache/`). */
  readonly tmpDir?: string;
  /** Build, Node and cache state, without the dataset: what the comparison tables name. */
  readonly variant: string;
}

/** The targets in /work/shared/reference/anchors.md (the "later" goals), applied to medians. */
const TARGETS: Readonly<Record<Dataset['key'], { startupMs: number; loadMs?: number; rssMb: number }>> = {
  us: { startupMs: 500, rssMb: 150 },
  full: { startupMs: 3_000, loadMs: 3_000, rssMb: 500 },
};

interface Run {
  readonly wallMs: number;
  /** CPU time used by the process up to the `/readyz` 200, all threads. */
  readonly cpuMs: number;
  readonly sinceProcessStartMs: number;
  /** Per-file load time, by file base name. */
  readonly fileMs: ReadonlyMap<string, number>;
  readonly totalDatasetMs: number;
  readonly codes: number;
  readonly rssBytes: number;
  readonly hwmBytes: number;
  readonly exit: number | NodeJS.Signals;
  readonly fileStats: readonly LogLine[];
}

/** The child's environment for a compile-cache state (nothing for `default`). */
function cacheEnv(dataset: Dataset): Record<string, string> {
  if (dataset.cache === 'off') return { NODE_DISABLE_COMPILE_CACHE: '1' };
  if (dataset.tmpDir === undefined) return {};
  // A cold run starts from an empty directory; Node writes the cache at exit, after the measurement.
  if (dataset.cache === 'cold') rmSync(path.join(dataset.tmpDir, 'node-compile-cache'), { recursive: true, force: true });
  return { TMPDIR: dataset.tmpDir };
}

async function runOnce(dataset: Dataset, nodeArgs: readonly string[]): Promise<Run> {
  const env = { ...(dataset.files.length > 0 && { GEONAMES_FILES: dataset.files.join(',') }), ...cacheEnv(dataset) };
  const service = spawnService(env, nodeArgs, dataset.main, dataset.node.path);
  try {
    const baseUrl = await serviceUrl(service, RUN_TIMEOUT_MS);
    const readyAt = await pollReady(service, baseUrl, RUN_TIMEOUT_MS, 10);
    // CPU and memory first, before the waits below let anything else run in the child.
    const cpuMs = cpuTimeOf(service.pid);
    const { rss, hwm } = memoryOf(service.pid);
    const ready = await service.waitForLine((l) => l.phase === 'ready', 10_000, '"ready" log line');
    const total = await service.waitForLine((l) => l.phase === 'dataset' && 'codes' in l, 10_000, 'dataset summary line');
    const perFile = service.lines.filter((l) => l.phase === 'dataset' && 'file' in l);
    const exit = await service.stop();
    return {
      wallMs: readyAt - service.spawnedAt,
      cpuMs,
      sinceProcessStartMs: Number(ready.sinceProcessStartMs),
      fileMs: new Map(perFile.map((l) => [path.basename(String(l.file)), Number(l.ms)])),
      totalDatasetMs: Number(total.ms),
      codes: Number(total.codes),
      rssBytes: rss,
      hwmBytes: hwm,
      exit,
      fileStats: perFile,
    };
  } catch (error) {
    await service.stop(2_000);
    throw error;
  }
}

const MB = 1e6;
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function report(dataset: Dataset, runs: readonly Run[]): string {
  const target = TARGETS[dataset.key];
  const stat = (values: number[], scale = 1, digits = 0): [string, string, string] => [
    fmt(median(values) / scale, digits),
    fmt(Math.min(...values) / scale, digits),
    fmt(Math.max(...values) / scale, digits),
  ];
  const verdict = (value: number, limit: number, unit: string): string =>
    value <= limit ? `≤ ${fmt(limit)} ${unit}: met` : `≤ ${fmt(limit)} ${unit}: MISSED by ${fmt(value - limit)} ${unit} (${fmt((100 * (value - limit)) / limit)}%)`;

  const rows: string[][] = [];
  const wall = runs.map((r) => r.wallMs);
  const since = runs.map((r) => r.sinceProcessStartMs);
  rows.push(['wall: spawn → /readyz 200 (ms)', ...stat(wall), verdict(median(wall), target.startupMs, 'ms')]);
  rows.push(['ready.sinceProcessStartMs (ms)', ...stat(since), verdict(median(since), target.startupMs, 'ms')]);
  rows.push(['CPU time to /readyz 200, all threads (ms)', ...stat(runs.map((r) => r.cpuMs)), '']);
  const files = [...(runs[0]?.fileMs.keys() ?? [])];
  for (const file of files) {
    const ms = runs.map((r) => r.fileMs.get(file) ?? Number.NaN);
    const isBig = file !== US_FILE_NAME;
    rows.push([`dataset ms: ${file}`, ...stat(ms), isBig && target.loadMs !== undefined ? verdict(median(ms), target.loadMs, 'ms') : '']);
  }
  if (files.length > 1) rows.push(['dataset ms: all files', ...stat(runs.map((r) => r.totalDatasetMs)), '']);
  const rss = runs.map((r) => r.rssBytes);
  rows.push(['VmRSS after ready (MB)', ...stat(rss, MB), verdict(median(rss) / MB, target.rssMb, 'MB')]);
  rows.push(['VmHWM peak RSS (MB)', ...stat(runs.map((r) => r.hwmBytes), MB), `(peak, for reference; target is on RSS)`]);

  const stats = runs[0]?.fileStats.map((l) => `${path.basename(String(l.file))}: ${fmt(Number(l.rows))} rows, ${fmt(Number(l.duplicates))} duplicates, ${fmt(Number(l.malformed))} malformed`);
  const exits = runs.map((r) => r.exit);
  return [
    `${dataset.label}: ${runs.length} runs, ${fmt(runs[0]?.codes ?? 0)} codes indexed (${stats?.join('; ') ?? ''})`,
    table(['metric', 'median', 'min', 'max', 'target (on the median)'], rows),
    `exit after SIGTERM: ${exits.every((e) => e === 0) ? `0 in all ${exits.length} runs` : `NOT ALWAYS 0: ${exits.join(', ')}`}`,
  ].join('\n');
}

/**
 * With several variants (builds, Node binaries, cache states): each later one against the first,
 * and a `cold` or `warm` cache against `off` on the same build and Node, as the median of per-round
 * ratios (runs of one round are adjacent in time).
 */
function compareVariants(datasets: readonly Dataset[], results: ReadonlyMap<Dataset, readonly Run[]>): string {
  const rows: string[][] = [];
  const first = datasets[0]?.variant;
  const row = (dataset: Dataset, base: Dataset | undefined): void => {
    if (base === undefined) return;
    const ours = results.get(dataset) ?? [];
    const theirs = results.get(base) ?? [];
    const ratio = (metric: (r: Run) => number): string =>
      `${fmt(median(ours.map((r, i) => metric(r) / metric(theirs[i] ?? r))), 2)}×`;
    const bigFile = dataset.files[0] ? path.basename(dataset.files[0]) : US_FILE_NAME;
    rows.push([
      `${dataset.key}: ${dataset.variant} vs ${base.variant}`,
      ratio((r) => r.wallMs),
      ratio((r) => r.cpuMs),
      ratio((r) => r.fileMs.get(bigFile) ?? Number.NaN),
      ratio((r) => r.rssBytes),
    ]);
  };
  for (const dataset of datasets.filter((d) => d.variant !== first)) {
    row(dataset, datasets.find((d) => d.variant === first && d.key === dataset.key));
    if (dataset.cache === 'cold' || dataset.cache === 'warm') {
      const off = datasets.find((d) => d.cache === 'off' && d.key === dataset.key && d.main === dataset.main && d.node === dataset.node);
      if (off?.variant !== first) row(dataset, off);
    }
  }
  return table(['ratio (median of per-round ratios)', 'wall to ready', 'CPU to ready', 'largest file ms', 'VmRSS'], rows);
}

function cacheMode(text: string): CacheMode {
  const mode = CACHE_MODES.find((m) => m === text);
  if (mode === undefined) throw new Error(`--compile-cache takes ${CACHE_MODES.join(', ')}, comma-separated, not ${JSON.stringify(text)}`);
  return mode;
}

/** Asks a Node binary its version and whether it has a module compile cache. */
function nodeBinary(binary: string): NodeBinary {
  const script = "process.stdout.write(process.version + ' ' + typeof require('node:module').enableCompileCache)";
  const [version = '', type] = execFileSync(binary, ['-e', script], { encoding: 'utf8' }).split(' ');
  return { path: binary, version, compileCache: type === 'function' };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      rows: { type: 'string', default: String(DEFAULT_ROWS) },
      seed: { type: 'string', default: '1' },
      file: { type: 'string' },
      only: { type: 'string' },
      'node-arg': { type: 'string', multiple: true, default: [] },
      main: { type: 'string', multiple: true, default: [] },
      node: { type: 'string', multiple: true, default: [] },
      'compile-cache': { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  const rows = Number(values.rows);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50 || !Number.isInteger(rows) || rows < 1) {
    throw new Error('usage: startup [--runs 1..50] [--rows N] [--seed S] [--file GEONAMES_FILE] [--only us|full] [--node-arg ARG]… [--main MAIN]… [--node NODE]… [--compile-cache off,cold,warm]');
  }
  const modes: readonly CacheMode[] = values['compile-cache']?.split(',').map(cacheMode) ?? ['default'];
  const nodeArgs = values['node-arg'];

  let bigFile = values.file;
  if (bigFile === undefined && values.only !== 'us') {
    const generated = await generateSyntheticGeoNames({ rows, seed: Number(values.seed), reuse: true });
    process.stdout.write(
      `synthetic file: ${generated.file} (${fmt(generated.rows)} rows, ${generated.countries} countries, ${fmt(generated.bytes / MB, 1)} MB` +
        `${generated.reused ? ', reused' : `, generated in ${fmt(generated.ms)} ms`})\n`,
    );
    bigFile = generated.file;
  }
  const mains = values.main.length > 0 ? values.main.map((m) => path.resolve(m)) : [SERVICE_MAIN];
  const nodes = (values.node.length > 0 ? values.node : [process.execPath]).map(nodeBinary);
  const datasets: Dataset[] = [];
  const tmpDirs: string[] = [];
  for (const main of mains) {
    for (const node of nodes) {
      // A Node without a compile cache runs once whatever the modes: they would all be the same run.
      const nodeModes: readonly CacheMode[] = node.compileCache || modes[0] === 'default' ? modes : ['off'];
      for (const cache of nodeModes) {
        const tmpDir = cache === 'cold' || cache === 'warm' ? mkdtempSync(path.join(os.tmpdir(), `startup-cache-${cache}-`)) : undefined;
        if (tmpDir !== undefined) tmpDirs.push(tmpDir);
        const parts = [
          ...(mains.length > 1 ? [path.relative(process.cwd(), main)] : []),
          ...(nodes.length > 1 ? [`Node ${node.version}`] : []),
          ...(cache === 'default' ? [] : [node.compileCache ? `cache ${cache}` : 'no compile cache']),
        ];
        const variant = parts.join(', ') || 'this build';
        const build = parts.length > 0 ? ` [${variant}]` : '';
        const common = { main, node, cache, variant, ...(tmpDir !== undefined && { tmpDir }) };
        if (values.only !== 'full') datasets.push({ key: 'us', label: `(a) bundled US data only${build}`, files: [], ...common });
        if (values.only !== 'us' && bigFile !== undefined) {
          datasets.push({ key: 'full', label: `(b) US + ${path.basename(bigFile)} via GEONAMES_FILES${build}`, files: [path.resolve(bigFile)], ...common });
        }
      }
    }
  }
  process.on('exit', () => tmpDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  process.stdout.write(`${await machineLine()}\n`);
  process.stdout.write(`${runs} runs per dataset, alternating, after one discarded warm-up run of each${nodeArgs.length ? `; node ${nodeArgs.join(' ')}` : ''}\n`);

  const severalVariants = new Set(datasets.map((d) => d.variant)).size > 1;
  for (const dataset of datasets) await runOnce(dataset, nodeArgs); // warm-up, discarded
  const results = new Map<Dataset, Run[]>(datasets.map((d) => [d, []]));
  for (let i = 0; i < runs; i++) {
    for (const dataset of datasets) {
      const run = await runOnce(dataset, nodeArgs);
      results.get(dataset)?.push(run);
      process.stdout.write(`  run ${i + 1}/${runs} ${dataset.key}${severalVariants ? ` [${dataset.variant}]` : ''}: ${fmt(run.wallMs)} ms to ready, ${fmt(run.cpuMs)} ms CPU, ${fmt(run.rssBytes / MB)} MB RSS, exit ${run.exit}\n`);
    }
  }

  process.stdout.write('\n');
  for (const dataset of datasets) process.stdout.write(`${report(dataset, results.get(dataset) ?? [])}\n\n`);
  if (severalVariants) process.stdout.write(`${compareVariants(datasets, results)}\n\n`);
  process.stdout.write(
    'Targets: US data ready ≤ 500 ms with RSS ≤ 150 MB; 1.5M rows ≤ 3 s (shown beside wall time, ready time and that file\'s load) with RSS ≤ 500 MB.\n',
  );
  process.stdout.write(
    'Note: 2 shared cores, noisy neighbours: compare medians taken in the same session, not single runs or figures from other days.\n' +
      'The 10 ms /readyz polling runs in the child during the load and adds a little to it; MB here is 10^6 bytes.\n',
  );
  if ([...results.values()].some((rs) => rs.some((r) => r.exit !== 0))) process.exitCode = 1;
}

// Bounded even if a child hangs in a way the per-step timeouts miss: 20 minutes is far above any sane total.
setTimeout(() => {
  process.stderr.write('startup benchmark: overall time limit reached, stopping\n');
  process.exit(2);
}, 20 * 60_000).unref();

await main();
