/**
 * What tracing costs: `npx tsx bench/tracing.ts` (after `npm run build`).
 *
 * Four builds of the service, each its own process on 127.0.0.1, driven in interleaved rounds with
 * the same random-code requests:
 *  - before: the service built from another git ref, by default where this branch left main (the
 *    merge base of HEAD and main: main itself may have moved on with other changes), without
 *    tracing code at all;
 *  - off: this tree's `dist/main.js` with no OTEL_* variable (tracing not configured);
 *  - 100 %: tracing on, every trace sampled (`parentbased_always_on`), exported over OTLP/HTTP
 *    (protobuf) to a receiver in this process that reads each body and answers 200;
 *  - 1 %: the same, with `parentbased_traceidratio` at 0.01.
 * "off ÷ before" is the cost of the tracing code when tracing is not configured (the target: none
 * measurable); "on ÷ off" is the cost of tracing itself. Besides requests per second, each run
 * measures the server's CPU time per request (user + system, from /proc): on a machine shared with
 * other work, throughput moves with their load, CPU per request much less.
 *
 * Shapes: one distance, and 100 pairs, every request with codes drawn at random from the US data
 * (a seeded generator, the same sequence for every target), so neither the response cache nor a
 * repeated body answers it. The in-process cache holds BENCH_CACHE_ENTRIES (default 1,000) codes of
 * the 41,000, so most codes miss it and each request goes through a geocoder batch: the most spans a
 * request makes (HTTP, operation, batch), the worst case for tracing.
 *
 * The "before" build: `git archive <ref>` into a temporary directory beside which this tree's
 * node_modules is linked, compiled with its own build script (`tsc`, then build/bundle.ts); no
 * stash, no checkout. BENCH_BEFORE=path/to/main.js uses a build you already have instead.
 *
 * Knobs (environment): BENCH_ROUNDS (5), BENCH_DURATION seconds per measured run (5), BENCH_WARMUP
 * (1; twice that on a target's first visit), BENCH_CONNECTIONS (32), BENCH_CACHE_ENTRIES (1000),
 * BENCH_BEFORE_REF (the merge base of HEAD and main), BENCH_BEFORE (a built main.js; skips building the ref), BENCH_TARGETS
 * (comma-separated, of before, off, 100, 1; default all four).
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultUsDataFile } from '../src/gazetteer/loaded-data.js';
import { deadline, stopAll, type Child } from './lib/children.js';
import { load, type LoadResult } from './lib/load.js';
import { readGeoNames } from './lib/shapes.js';
import { int, mb, median, ms, ratio, table } from './lib/stats.js';
import { startService } from './throughput.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
  return value;
};
const rounds = num('BENCH_ROUNDS', 5);
const durationS = num('BENCH_DURATION', 5);
const warmupS = num('BENCH_WARMUP', 1);
const connections = num('BENCH_CONNECTIONS', 32);
const cacheEntries = num('BENCH_CACHE_ENTRIES', 1_000);
const beforeRef = process.env.BENCH_BEFORE_REF ?? execSync('git merge-base HEAD main', { cwd: ROOT }).toString().trim().slice(0, 12);
const wanted = new Set((process.env.BENCH_TARGETS ?? 'before,off,100,1').split(',').map((t) => t.trim()));
/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`: 100 on Linux). */
const CLOCK_TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name (which may hold spaces) start at its closing parenthesis; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

interface Run extends LoadResult {
  /** The server's CPU time per answered request, in µs. */
  readonly cpuUs: number;
}

interface RandomShape {
  readonly id: string;
  readonly title: string;
  /** A new request body (random codes) each call. */
  readonly next: () => string;
  /** Items a response must carry. */
  readonly items: number;
  readonly count: (data: Record<string, unknown>) => number;
}

/** sfc32: a small seeded generator, so every target gets the same sequence of codes. */
function seeded(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
}

function shapes(codes: readonly string[]): RandomShape[] {
  const pick = (random: () => number): string => codes[Math.floor(random() * codes.length)]!;
  const distance = 'query Distance($from: String!, $to: String!) { distance(from: $from, to: $to) { miles kilometers initialBearing } }';
  const distances = 'query Distances($pairs: [DistancePairInput!]!) { distances(pairs: $pairs) { miles kilometers initialBearing } }';
  const one = seeded(1);
  const hundred = seeded(2);
  return [
    {
      id: 'distance',
      title: 'one distance, random codes',
      next: () => JSON.stringify({ query: distance, variables: { from: pick(one), to: pick(one) } }),
      items: 1,
      count: (data) => (data.distance ? 1 : 0),
    },
    {
      id: 'distances',
      title: 'distances, 100 pairs of random codes',
      next: () => JSON.stringify({ query: distances, variables: { pairs: Array.from({ length: 100 }, () => ({ from: pick(hundred), to: pick(hundred) })) } }),
      items: 100,
      count: (data) => (Array.isArray(data.distances) ? data.distances.length : -1),
    },
  ];
}

/** A stand-in OTLP/HTTP collector: reads each export and answers 200, counting spans' bytes, not decoding them. */
async function startReceiver(): Promise<{ url: string; exports: () => number; bytes: () => number; close: () => Promise<void> }> {
  let exports = 0;
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports: () => exports,
    bytes: () => bytes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The service as of `ref`, built in a temporary directory (see the header); returns its main.js and the directory. */
function buildRef(ref: string): { main: string; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-before-'));
  console.error(`building ${ref} in ${dir} ...`);
  execSync(`git -C ${JSON.stringify(ROOT)} archive --format=tar ${JSON.stringify(ref)} | tar -x -C ${JSON.stringify(dir)}`, { stdio: 'inherit' });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, stdio: 'inherit' });
  execFileSync(process.execPath, ['--import', 'tsx', 'build/bundle.ts'], { cwd: dir, stdio: 'inherit' });
  return { main: path.join(dir, 'dist', 'main.js'), dir };
}

interface Target {
  readonly name: string;
  readonly child: Child;
}

async function check(target: Target, shape: RandomShape): Promise<void> {
  const res = await fetch(`${target.child.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: shape.next() });
  const text = await res.text();
  const json = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown };
  const items = json.data ? shape.count(json.data) : -1;
  if (res.status !== 200 || json.errors || items !== shape.items) throw new Error(`${target.name} answered ${shape.id} with ${res.status}, ${items} items: ${text.slice(0, 300)}`);
}

const perTargetS = (durationS + warmupS) * rounds * 2 + 2 * warmupS * 2;
deadline(Math.max(300, 3 * (4 * perTargetS + 120)) * 1000);

const codes = [...new Set(readGeoNames(defaultUsDataFile()).map((row) => row.postalCode))];
const all = shapes(codes);
const receiver = await startReceiver();
const given = process.env.BENCH_BEFORE;
const before = given ? { main: path.resolve(given), dir: undefined } : buildRef(beforeRef);
const children: Child[] = [];
try {
  const base = { CACHE_MAX_ENTRIES: String(cacheEntries) };
  const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'bench' };
  const specs: [string, string, string, Record<string, string>][] = [
    ['before', `before (${given ? 'BENCH_BEFORE' : beforeRef})`, before.main, base],
    ['off', 'off', path.join(ROOT, 'dist', 'main.js'), base],
    ['100', '100 %', path.join(ROOT, 'dist', 'main.js'), { ...base, ...otlp }],
    ['1', '1 %', path.join(ROOT, 'dist', 'main.js'), { ...base, ...otlp, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.01' }],
  ];
  const targets: Target[] = [];
  for (const [, name, main, env] of specs.filter(([id]) => wanted.has(id))) {
    const child = await startService(name, main, env);
    children.push(child);
    targets.push({ name, child });
  }
  for (const target of targets) for (const shape of all) await check(target, shape);

  const cpus = os.cpus();
  console.log(`tracing cost — ${new Date().toISOString()}; Node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'})`);
  console.log(
    `${connections} connections, ${durationS} s per measured run after ${warmupS} s of warm-up, ${rounds} interleaved rounds, in-process cache of ${int(cacheEntries)} codes.\n` +
      'The load generator, the receiver and the servers share these cores (and other jobs may run on them): compare ratios within a run, not absolute figures.\n',
  );

  const runs = new Map(all.map((shape) => [shape, new Map(targets.map((t) => [t, [] as Run[]]))]));
  const visited = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    for (const shape of all) {
      // Rotating the order spreads drift (another job, a GC) over every target.
      const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
      for (const target of order) {
        const key = `${target.name}/${shape.id}`;
        const base = { url: `${target.child.url}/graphql`, body: shape.next(), bodyFor: shape.next, connections };
        await load({ ...base, durationS: visited.has(key) ? warmupS : 2 * warmupS });
        visited.add(key);
        const cpuBefore = cpuSeconds(target.child.process.pid);
        const loaded = await load({ ...base, durationS });
        const result = { ...loaded, cpuUs: ((cpuSeconds(target.child.process.pid) - cpuBefore) * 1e6) / loaded.requests };
        runs.get(shape)!.get(target)!.push(result);
        console.error(
          `  round ${round + 1}/${rounds}  ${shape.id.padEnd(9)}  ${target.name.padEnd(16)} ${int(result.rps).padStart(7)} req/s  ${int(result.cpuUs).padStart(6)} µs CPU/req  p50 ${ms(result.p50)} ms  p99 ${ms(result.p99)} ms${result.failures ? `  FAILURES ${result.failures}` : ''}`,
        );
      }
    }
  }

  /** Median over rounds of the per-round ratio a ÷ b of `field` (same round, so drift cancels). */
  const ratioOf = (a: readonly Run[], b: readonly Run[] | undefined, field: 'rps' | 'cpuUs'): string => (b ? ratio(median(a.map((r, i) => r[field] / b[i]![field]))) : '');
  const beforeT = targets.find((t) => t.name.startsWith('before'));
  const offT = targets.find((t) => t.name === 'off');
  for (const shape of all) {
    const byTarget = runs.get(shape)!;
    const of = (t: Target | undefined) => (t ? byTarget.get(t) : undefined);
    console.log(shape.title);
    console.log(
      table(
        ['target', 'req/s', 'req/s per round', 'req/s ÷ before', 'req/s ÷ off', 'CPU µs/req', 'CPU ÷ before', 'CPU ÷ off', 'p50 ms', 'p99 ms', 'failures'],
        targets.map((target) => {
          const r = byTarget.get(target)!;
          return [
            target.name,
            int(median(r.map((x) => x.rps))),
            r.map((x) => int(x.rps)).join(' / '),
            ratioOf(r, of(beforeT), 'rps'),
            ratioOf(r, of(offT), 'rps'),
            int(median(r.map((x) => x.cpuUs))),
            ratioOf(r, of(beforeT), 'cpuUs'),
            ratioOf(r, of(offT), 'cpuUs'),
            ms(median(r.map((x) => x.p50))),
            ms(median(r.map((x) => x.p99))),
            String(r.reduce((n, x) => n + x.failures, 0)),
          ];
        }),
      ),
    );
    console.log('');
  }
  console.log(`RSS after the load: ${targets.map((t) => `${t.name} ${mb(t.child.rssBytes())}`).join(', ')}`);
  for (const traced of targets.filter((t) => t.name.endsWith('%'))) {
    const metrics = await (await fetch(`${traced.child.url}/metrics`)).text();
    const counter = (line: string) => metrics.split('\n').find((l) => l.startsWith(line))?.split(' ')[1] ?? 'n/a';
    console.log(
      `${traced.name}: ${counter('tracing_spans_exported_total')} spans exported, ${counter('tracing_spans_dropped_total{reason="queue_full"}')} dropped (queue full), ${counter('tracing_spans_dropped_total{reason="export_failed"}')} failed.`,
    );
  }
  console.log(`The receiver took ${int(receiver.exports())} exports, ${mb(receiver.bytes())} in all.`);
} finally {
  await stopAll(children);
  await receiver.close();
  if (before.dir) rmSync(before.dir, { recursive: true, force: true });
}
