/**
 * What `Location.timeZone` costs (src/geocoding/time-zones.ts), against one distance computation
 * (the WGS-84 geodesic between two US postal codes, unmemoized) measured in the same rounds:
 *  - the first lookup, which loads geo-tz and its index (the lazy load), and the memory the process
 *    holds after it and after every US code has been asked: each in a fresh child process, since a
 *    module loads once per process;
 *  - a lookup of a place not seen before (geo-tz reads the point's boundary tile
 *    unless its bounded tile cache has it), over every US code in ZIP order (neighbours follow each
 *    other, as in the data) and over a shuffled sample (neighbours rarely do, as in traffic);
 *  - a lookup of a place seen before (a hit): what every later request for the code pays.
 * Interleaved rounds; medians, and the median of per-round ratios.
 *
 * Run: `npx tsx bench/time-zone.ts [--rounds 5] [--children 5]`. The child processes run through the
 * same tsx loader, whose resolve hooks add a little to the first lookup's import.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { defaultUsDataFile } from '../src/gazetteer/loaded-data.js';
import { TimeZones, TILE_CACHE_MAX_ENTRIES, type Point } from '../src/geocoding/time-zones.js';
import { geodesicMeasure } from '../src/geodesy/distance.js';
import { readGeoNames } from './lib/shapes.js';
import { int, median, table } from './lib/stats.js';

const logger = pino({ level: 'silent' });
/** Points in the shuffled pass (every one a miss; most read a tile, so the whole file would take minutes). */
const SHUFFLED = 4_000;

/** Every point of the bundled US file, in file (ZIP) order, without repeats. */
function usPoints(): Point[] {
  const seen = new Set<string>();
  const points: Point[] = [];
  for (const { latitude, longitude } of readGeoNames(defaultUsDataFile())) {
    const key = `${latitude},${longitude}`;
    if (Number.isFinite(latitude) && Number.isFinite(longitude) && !seen.has(key)) {
      seen.add(key);
      points.push({ latitude, longitude });
    }
  }
  return points;
}

/** A fixed pseudo-random permutation's first `count` items (seed 42). */
function shuffled<T>(items: readonly T[], count: number): T[] {
  const copy = [...items];
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

/** ns per geodesic between consecutive points. */
function distanceNs(points: readonly Point[]): number {
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i + 1 < points.length; i++) sink += geodesicMeasure(points[i]!, points[i + 1]!).meters;
  const elapsed = performance.now() - started;
  if (sink === -1) console.log(sink);
  return (elapsed * 1e6) / (points.length - 1);
}

/** ns per `zoneAt` over `points`, which must answer synchronously (the boundaries are loaded). */
function zoneNs(zones: TimeZones, points: readonly Point[]): number {
  let named = 0;
  const started = performance.now();
  for (const point of points) {
    const zone = zones.zoneAt(point);
    if (zone instanceof Promise) throw new Error('zoneAt answered a promise after the load');
    if (typeof zone === 'string') named++;
  }
  const elapsed = performance.now() - started;
  if (named === 0) throw new Error('no zone found');
  return (elapsed * 1e6) / points.length;
}

/** A fresh TimeZones (nothing kept) with the boundaries loaded, which also gives geo-tz a fresh, empty tile cache. */
async function loaded(): Promise<TimeZones> {
  const zones = new TimeZones({ logger });
  // A point in no US tile (mid-Atlantic): loads geo-tz without warming a tile the passes use.
  await zones.zoneAt({ latitude: 30, longitude: -40 });
  return zones;
}

interface ChildResult {
  /** The first `zoneAt`: import geo-tz, read its index, bound its tile cache, find one zone. */
  readonly firstMs: number;
  /** Heap and RSS after the first lookup, minus before it (after GC), in bytes. */
  readonly loadHeap: number;
  readonly loadRss: number;
  /** After every US point was asked once (every zone kept, ≤ 64 tiles kept), minus before the first lookup. */
  readonly allHeap: number;
  readonly allRss: number;
  /** Peak RSS of the child, in bytes. */
  readonly maxRss: number;
  /** The slowest single lookup of the pass over every US point (a large tile read and decoded), in ms. */
  readonly slowestMs: number;
}

async function child(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the child needs --expose-gc');
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return process.memoryUsage();
  };
  const points = usPoints();
  const zones = new TimeZones({ logger });
  const before = await settle();
  const started = performance.now();
  await zones.zoneAt(points[0]!);
  const firstMs = performance.now() - started;
  const afterLoad = await settle();
  let slowestMs = 0;
  for (const point of points) {
    const t = performance.now();
    zones.zoneAt(point);
    slowestMs = Math.max(slowestMs, performance.now() - t);
  }
  const afterAll = await settle();
  const result: ChildResult = {
    firstMs,
    loadHeap: afterLoad.heapUsed - before.heapUsed,
    loadRss: afterLoad.rss - before.rss,
    allHeap: afterAll.heapUsed - before.heapUsed,
    allRss: afterAll.rss - before.rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    slowestMs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(): Promise<ChildResult> {
  const script = fileURLToPath(import.meta.url);
  // execArgv carries tsx's loader when run with tsx.
  const proc = spawn(process.execPath, [...process.execArgv, '--expose-gc', script, '--child'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`child exited ${code}`))));
  });
}

const MB = 1e6;
const f1 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const per = (ns: number) => (ns >= 1e6 ? `${f1(ns / 1e6)} ms` : ns >= 1e3 ? `${f1(ns / 1e3)} µs` : `${int(ns)} ns`);
const times = (n: number) => `${n >= 100 ? int(n) : n >= 0.1 ? f1(n) : n.toFixed(3)}×`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, children: { type: 'string', default: '5' }, child: { type: 'boolean', default: false } } });
  if (values.child) return child();
  const rounds = Number(values.rounds);
  const children = Number(values.children);
  const os = await import('node:os');
  console.log(`machine: ${os.cpus().length} cores, shared with other work (noisy); Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const points = usPoints();
  const sample = shuffled(points, SHUFFLED);
  console.log(`${int(points.length)} distinct US points (ZIP order), ${int(sample.length)} shuffled; geo-tz tile cache ${TILE_CACHE_MAX_ENTRIES} tiles; ${rounds} rounds, ${children} child processes`);

  // Warm-up, discarded: the JIT sees every path once.
  distanceNs(points);
  const warm = await loaded();
  zoneNs(warm, points.slice(0, 5_000));
  zoneNs(warm, points.slice(0, 5_000));

  const rows = { distance: [] as number[], zipMiss: [] as number[], shuffledMiss: [] as number[], hit: [] as number[] };
  const ratios = { zipMiss: [] as number[], shuffledMiss: [] as number[], hit: [] as number[] };
  const childResults: ChildResult[] = [];
  for (let r = 0; r < Math.max(rounds, children); r++) {
    if (r < children) childResults.push(await runChild());
    if (r >= rounds) continue;
    const baseline = distanceNs(points);
    const zip = await loaded();
    const zipMiss = zoneNs(zip, points);
    const hit = zoneNs(zip, points);
    const shuffledMiss = zoneNs(await loaded(), sample);
    rows.distance.push(baseline);
    rows.zipMiss.push(zipMiss);
    rows.shuffledMiss.push(shuffledMiss);
    rows.hit.push(hit);
    ratios.zipMiss.push(zipMiss / baseline);
    ratios.shuffledMiss.push(shuffledMiss / baseline);
    ratios.hit.push(hit / baseline);
    console.log(`  round ${r + 1}: distance ${per(baseline)}, miss (ZIP order) ${per(zipMiss)}, miss (shuffled) ${per(shuffledMiss)}, hit ${per(hit)}`);
  }

  const base = median(rows.distance);
  const first = median(childResults.map((c) => c.firstMs)) * 1e6;
  console.log();
  console.log(
    table(
      ['per location (in-process, one core)', 'median', 'min–max', '× one distance'],
      [
        ['one distance (baseline: WGS-84 geodesic, unmemoized)', per(base), `${per(Math.min(...rows.distance))}–${per(Math.max(...rows.distance))}`, '1.0×'],
        ['timeZone, place seen before (hit)', per(median(rows.hit)), `${per(Math.min(...rows.hit))}–${per(Math.max(...rows.hit))}`, times(median(ratios.hit))],
        ['timeZone, new place, ZIP order (neighbours share tiles)', per(median(rows.zipMiss)), `${per(Math.min(...rows.zipMiss))}–${per(Math.max(...rows.zipMiss))}`, times(median(ratios.zipMiss))],
        ['timeZone, new place, shuffled (neighbours rarely follow)', per(median(rows.shuffledMiss)), `${per(Math.min(...rows.shuffledMiss))}–${per(Math.max(...rows.shuffledMiss))}`, times(median(ratios.shuffledMiss))],
        ['first timeZone of a process (loads geo-tz), fresh child', per(first), `${per(Math.min(...childResults.map((c) => c.firstMs * 1e6)))}–${per(Math.max(...childResults.map((c) => c.firstMs * 1e6)))}`, times(first / base)],
      ],
    ),
  );
  console.log();
  const mb = (bytes: number) => `${f1(bytes / MB)} MB`;
  const range = (pick: (c: ChildResult) => number) => {
    const v = childResults.map(pick);
    return `${mb(Math.min(...v))}–${mb(Math.max(...v))}`;
  };
  const med = (pick: (c: ChildResult) => number) => mb(median(childResults.map(pick)));
  console.log(
    table(
      ['memory of a fresh child (after GC), more than before its first lookup', 'heap', 'RSS', 'heap min–max'],
      [
        ['after the first lookup (geo-tz and its index loaded)', med((c) => c.loadHeap), med((c) => c.loadRss), range((c) => c.loadHeap)],
        [`after every US point asked once (${int(points.length)} zones kept, ≤ ${TILE_CACHE_MAX_ENTRIES} tiles)`, med((c) => c.allHeap), med((c) => c.allRss), range((c) => c.allHeap)],
      ],
    ),
  );
  console.log(`peak RSS of a child: ${mb(median(childResults.map((c) => c.maxRss)))} (it also holds the US file's rows)`);
  console.log(`slowest single lookup of a child's pass over every US point: ${f1(median(childResults.map((c) => c.slowestMs)))} ms (median of the children; it blocks the event loop: geo-tz reads tiles synchronously)`);
  console.log('MB = 10^6 bytes. The machine is shared: compare the ratios, not the absolute times, with other runs.');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
