/**
 * `npm run bench`: where the service stands beside its baselines. Requires a built `dist/`
 * (the npm script builds first). Sections, in order:
 *  1. warm throughput and latency per operation shape: the service, a bare Apollo subgraph, raw node:http;
 *  2. distances per second of the distance functions alone.
 *
 * Knobs (environment): BENCH_ROUNDS (3), BENCH_DURATION seconds per measured run (5),
 * BENCH_WARMUP seconds before each (1; twice that on a target's first visit), BENCH_CONNECTIONS (32),
 * BENCH_SHAPES (comma-separated ids: distance,distances,entities,matrix), BENCH_SECTIONS
 * (throughput,geodesy), BENCH_COMPARE (label=path/to/main.js,...: extra service builds),
 * BENCH_BASELINES=0 (no bare Apollo, no raw node:http), BENCH_DISTINCT=0 (no distinct-request runs).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultUsDataFile } from '../src/geocoding/providers/embedded.js';
import { benchGeodesy, formatGeodesy } from './geodesy.js';
import { deadline } from './lib/children.js';
import { buildShapes, readGeoNames } from './lib/shapes.js';
import { formatThroughput, runThroughput } from './throughput.js';

const env = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
  return value;
};
const list = (name: string): string[] | null => (process.env[name] ? process.env[name]!.split(',').map((s) => s.trim()).filter(Boolean) : null);

const rounds = env('BENCH_ROUNDS', 3);
const durationS = env('BENCH_DURATION', 5);
const warmupS = env('BENCH_WARMUP', 1);
const connections = env('BENCH_CONNECTIONS', 32);
const sections = new Set(list('BENCH_SECTIONS') ?? ['throughput', 'geodesy']);
const compare = new Map((list('BENCH_COMPARE') ?? []).map((entry) => entry.split('=', 2) as [string, string]));
const baselines = process.env.BENCH_BASELINES !== '0';
const distinct = process.env.BENCH_DISTINCT !== '0';

if (!existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)))) {
  console.error('bench: dist/main.js is missing; run `npm run build` first (`npm run bench` does).');
  process.exit(1);
}

const allShapes = buildShapes(readGeoNames(defaultUsDataFile()));
const wanted = list('BENCH_SHAPES');
const shapes = wanted ? allShapes.filter((s) => wanted.includes(s.id)) : allShapes;
const targets = (distinct ? 2 : 1) * (1 + compare.size) + (baselines ? 2 : 0);
const estimateS = rounds * shapes.length * targets * (durationS + warmupS) + shapes.length * targets * warmupS + 30;
// Bounded: a hung server or load run ends the bench (and its children) rather than the machine's patience.
deadline(Math.max(120, 3 * estimateS) * 1000);

const cpus = os.cpus();
console.log(`postal-distance-subgraph benchmark — ${new Date().toISOString()}`);
console.log(`Node ${process.version} on ${os.platform()}/${os.arch()}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
console.log(
  `Note: the load generator (autocannon, this process) and the servers share these ${cpus.length} cores, and other jobs may run on them:\n` +
    'absolute figures move between runs; ratios measured within the same round move much less. Medians over interleaved rounds.\n',
);

if (sections.has('throughput')) {
  console.log(
    `## Warm throughput: ${connections} connections, ${durationS} s per measured run after ${warmupS} s of warm-up, ${rounds} interleaved rounds (about ${Math.round(estimateS / 60)} min)`,
  );
  const result = await runThroughput({ shapes, rounds, connections, durationS, warmupS, compare, baselines, distinct, progress: (line) => console.error(line) });
  console.log('');
  console.log(formatThroughput(result));
  console.log('');
}

if (sections.has('geodesy')) {
  console.log('## Distance functions alone');
  console.log(formatGeodesy(benchGeodesy()));
  console.log('');
}
