/**
 * `npm run bench`: where the service stands beside its baselines. Requires a built `dist/`
 * (the npm script builds first). Sections, in order:
 *  1. warm throughput and latency per operation shape: the service, a bare Apollo subgraph, raw node:http;
 *  2. cold-cache latency against a fake remote geocoder with a fixed latency (bench/cold.ts);
 *  3. start-up time and RSS, by bench/startup.ts (compiled to dist-bench/ by the npm script);
 *  4. distances per second of the distance functions alone.
 *
 * Knobs (environment): BENCH_ROUNDS (3), BENCH_DURATION seconds per measured run (5),
 * BENCH_WARMUP seconds before each (1; twice that on a target's first visit), BENCH_CONNECTIONS (32),
 * BENCH_SHAPES (comma-separated ids: distance,distances,entities,matrix,nearby,nearest), BENCH_SECTIONS
 * (throughput,cold,geodesy), BENCH_COLD_REQUESTS (10 per phase), BENCH_COLD_WARMUP (30), BENCH_COLD_LATENCY_MS (20), BENCH_STARTUP_RUNS (3), BENCH_COMPARE (label=path/to/main.js,...: extra service builds),
 * BENCH_BASELINES=0 (no bare Apollo, no raw node:http), BENCH_SECONDARY=0 (only the random-code headline rows).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultUsDataFile } from '../src/gazetteer/loaded-data.js';
import { formatCold, runCold } from './cold.js';
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
const sections = new Set(list('BENCH_SECTIONS') ?? ['throughput', 'cold', 'startup', 'geodesy']);
const startupRuns = env('BENCH_STARTUP_RUNS', 3);
const coldRequests = env('BENCH_COLD_REQUESTS', 10);
const coldWarmup = env('BENCH_COLD_WARMUP', 30);
const coldLatencyMs = env('BENCH_COLD_LATENCY_MS', 20);
const compare = new Map((list('BENCH_COMPARE') ?? []).map((entry) => entry.split('=', 2) as [string, string]));
const baselines = process.env.BENCH_BASELINES !== '0';
const secondary = process.env.BENCH_SECONDARY !== '0';

if (!existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)))) {
  console.error('bench: dist/main.js is missing; run `npm run build` first (`npm run bench` does).');
  process.exit(1);
}

const usRows = readGeoNames(defaultUsDataFile());
const allShapes = buildShapes(usRows);
const wanted = list('BENCH_SHAPES');
const shapes = wanted ? allShapes.filter((s) => wanted.includes(s.id)) : allShapes;
const targets = (1 + compare.size) * (secondary ? 3 : 1) + (baselines ? 1 : 0) + (secondary && baselines ? 1 : 0);
const estimateS =
  (sections.has('throughput') ? rounds * shapes.length * targets * (durationS + warmupS) + shapes.length * targets * warmupS : 0) +
  // Cold: about 2.3 s per round of the 8 shape × provider pairs (Zippopotam's 100 pairs take 25 round trips, twice).
  (sections.has('cold') ? (2 + 2 * coldRequests + coldWarmup) * 2.3 : 0) +
  (sections.has('startup') ? 20 + 8 * startupRuns : 0) +
  30;
// Bounded: a hung server or load run ends the bench (and its children) rather than the machine's patience.
deadline(Math.max(120, 3 * estimateS) * 1000);

const cpus = os.cpus();
console.log(`postal-distance-subgraph benchmark — ${new Date().toISOString()} (whole run about ${Math.round(estimateS / 60)} min)`);
console.log(`Node ${process.version} on ${os.platform()}/${os.arch()}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
console.log(
  `Note: the load generator (autocannon, this process) and the servers share these ${cpus.length} cores, and other jobs may run on them:\n` +
    'absolute figures move between runs; ratios measured within the same round move much less. Medians over interleaved rounds.\n',
);

if (sections.has('throughput')) {
  console.log(
    `## Warm throughput: ${connections} connections, ${durationS} s per measured run after ${warmupS} s of warm-up, ${rounds} interleaved rounds`,
  );
  const result = await runThroughput({ shapes, rounds, connections, durationS, warmupS, compare, baselines, secondary, progress: (line) => console.error(line) });
  console.log('');
  console.log(formatThroughput(result));
  console.log('');
}

if (sections.has('cold')) {
  console.log(`## Cold cache: every code fresh, fake remote geocoder answering in ${coldLatencyMs} ms; sequential requests, ${coldRequests} per shape and phase`);
  const result = await runCold({ rows: usRows, latencyMs: coldLatencyMs, requests: coldRequests, warmupRequests: coldWarmup, progress: (line) => console.error(line) });
  console.log(formatCold(result));
  console.log('Expected: one provider round trip per wave of lookups (Geocodio: one batch a wave; Zippopotam: ceil(codes / 8) requests in a row). Target: p50 ≤ 1.2× expected.');
  console.log(`Phases, one process per provider: "fresh" = requests 3 to ${2 + coldRequests} after start-up (V8 has not optimized the cold path yet);`);
  console.log(`the p50 judged = the ${coldRequests} requests after ${coldWarmup} more cold requests per shape. Round trips measured beside each phase's requests.\n`);
}

if (sections.has('startup')) {
  // bench/startup.ts (start-up time and RSS, US data and a synthetic 1.5M-row file) runs compiled, as `npm run bench:startup` does.
  const script = fileURLToPath(new URL('../dist-bench/bench/startup.js', import.meta.url));
  console.log(`## Start-up: spawn → /readyz and RSS (bench/startup.ts, ${startupRuns} runs per dataset)`);
  if (!existsSync(script)) {
    console.log('(skipped: dist-bench/bench/startup.js is missing; `npm run bench` compiles it with tsconfig.bench.json)\n');
  } else {
    const child = spawn(process.execPath, [script, '--runs', String(startupRuns)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Its per-run progress lines go to stderr like ours; the tables to stdout.
    const lines = text.split('\n');
    console.error(lines.filter((l) => l.startsWith('  run ')).join('\n'));
    console.log(lines.filter((l) => !l.startsWith('  run ')).join('\n'));
    if (code !== 0) console.log(`(bench/startup exited ${code})\n`);
  }
}

if (sections.has('geodesy')) {
  console.log('## Distance functions alone');
  console.log(formatGeodesy(benchGeodesy()));
  console.log('');
}
