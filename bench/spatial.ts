/**
 * Spatial search benchmark (src/spatial/): what building the index costs, and how fast searches are.
 *
 *  1. Index build time and retained memory, for the bundled US data and for US plus a synthetic
 *     1.5-million-row GeoNames file (synthetic-geonames.ts; the service loads the US file first).
 *     Build time is the median of several builds, alternating with loads of the GeoNames index so
 *     drift on the shared machine hits both alike; it is also given as a share of the load time.
 *     Memory: heap + external (typed arrays) and RSS, after a forced GC, before and after one build
 *     that is kept.
 *  2. A 25-mile search from 10001, first 50, against a linear geodesic scan of every code (the same
 *     answer, checked), in interleaved rounds; median per call, and their ratio.
 *  3. p50/p99 of searches of 10, 50, 500 and 20,000 km (first 50) from random origins drawn from the
 *     data, a different one every call, the radii interleaved; and of reverse geocoding (nearest
 *     code, first 1) from random points near codes. For both datasets.
 *
 * Usage: npx tsx bench/spatial.ts (or npm run bench:spatial --) [--rows 1500000] [--seed 1] [--calls 2000] [--us-only]
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { parseArgs } from 'node:util';
import { geodesicMeasure, type Point } from '../src/geodesy/distance.js';
import { GeoNamesIndex } from '../src/gazetteer/geonames-index.js';
import { defaultUsDataFile } from '../src/gazetteer/loaded-data.js';
import { searchNearby, type SpatialEdge, type SpatialQuery } from '../src/spatial/search.js';
import { SpatialIndex } from '../src/spatial/spatial-index.js';
import { machineLine } from './service-process.js';
import { generateSyntheticGeoNames } from './synthetic-geonames.js';
import { int, median, percentile, table } from './lib/stats.js';
import { seeded } from '../test/support/random.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TARGETS = {
  us: { buildMs: 50, memoryMb: 15 },
  full: { buildMs: 1500, memoryMb: 100 },
  speedup: 100,
} as const;

const MB = 1024 * 1024;
/** The radii asked for, and the largest one allowed (about half the Earth's circumference) as the worst case. */
const RADII_KM = [10, 50, 500, 20_000] as const;

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1500000' },
    seed: { type: 'string', default: '1' },
    calls: { type: 'string', default: '2000' },
    'us-only': { type: 'boolean', default: false },
  },
});
const CALLS = Number(values.calls);

async function load(files: readonly string[]): Promise<GeoNamesIndex> {
  const index = new GeoNamesIndex();
  for (const file of files) await index.loadFile(file);
  return index;
}

interface BuildFigures {
  readonly codes: number;
  readonly loadMs: number;
  readonly buildMs: number;
  readonly retainedBytes: number;
  readonly rssBytes: number;
}

/** Loads `files` and builds the spatial index `rounds` times, alternating; then measures one kept build. */
async function measureBuild(files: readonly string[], rounds: number): Promise<{ figures: BuildFigures; geonames: GeoNamesIndex; index: SpatialIndex }> {
  const loads: number[] = [];
  const builds: number[] = [];
  let geonames = await load(files); // warm-up of both, discarded
  SpatialIndex.from(geonames);
  for (let r = 0; r < rounds; r++) {
    let started = performance.now();
    geonames = await load(files);
    loads.push(performance.now() - started);
    gc();
    started = performance.now();
    SpatialIndex.from(geonames);
    builds.push(performance.now() - started);
  }
  gc();
  gc();
  const before = process.memoryUsage();
  const index = SpatialIndex.from(geonames);
  gc();
  gc();
  const after = process.memoryUsage();
  return {
    geonames,
    index,
    figures: {
      codes: index.size,
      loadMs: median(loads),
      buildMs: median(builds),
      retainedBytes: after.heapUsed + after.external - (before.heapUsed + before.external),
      rssBytes: after.rss - before.rss,
    },
  };
}

/** Every code within `meters` of the origin by solving the geodesic to each, sorted as the search sorts: the baseline. */
function linearScan(index: SpatialIndex, origin: Point, originCode: string, meters: number, first: number): string[] {
  const hits: { meters: number; key: string }[] = [];
  for (let id = 0; id < index.size; id++) {
    const to = { latitude: index.latitudes[id]!, longitude: index.longitudes[id]! };
    const m = geodesicMeasure(origin, to).meters;
    if (m <= meters) hits.push({ meters: m, key: `${index.countries[index.countryOf[id]!]!} ${index.postalCodes[id]!}` });
  }
  hits.sort((a, b) => a.meters - b.meters || (a.key === originCode ? -1 : b.key === originCode ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return hits.slice(0, first).map((h) => h.key);
}

const keys = (edges: readonly SpatialEdge[]) => edges.map((e) => `${e.countryCode} ${e.postalCode}`);

/** Median time per call of `fn` over `rounds` interleaved with `other`; returns both medians (ms). */
function interleaved(a: () => unknown, aCalls: number, b: () => unknown, bCalls: number, rounds: number): [number, number] {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let started = performance.now();
    for (let i = 0; i < aCalls; i++) a();
    ta.push((performance.now() - started) / aCalls);
    started = performance.now();
    for (let i = 0; i < bCalls; i++) b();
    tb.push((performance.now() - started) / bCalls);
  }
  return [median(ta), median(tb)];
}


interface Latencies {
  readonly label: string;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Mean totalCount: how many codes the searches matched. */
  readonly matched: number;
}

/** p50/p99 of nearby searches at each radius (interleaved), and of reverse geocoding, from random codes. */
function latencies(index: SpatialIndex, calls: number): Latencies[] {
  const random = seeded(20240611);
  const kinds = [...RADII_KM.map((km) => ({ label: `nearby ${int(km)} km, first 50`, km })), { label: 'nearest code (reverse geocoding), first 1', km: 0 }];
  const times = kinds.map(() => new Float64Array(calls));
  const matched = kinds.map(() => 0);
  const run = (kind: number): number => {
    const id = Math.floor(random() * index.size);
    const code = { countryCode: index.countries[index.countryOf[id]!]!, postalCode: index.postalCodes[id]! };
    const at = { latitude: index.latitudes[id]!, longitude: index.longitudes[id]! };
    const km = kinds[kind]!.km;
    let query: SpatialQuery;
    if (km > 0) query = { origin: at, originCode: code, radiusMeters: km * 1000 };
    else query = { origin: { latitude: Math.max(-90, Math.min(90, at.latitude + (random() - 0.5) * 0.2)), longitude: at.longitude } };
    const started = performance.now();
    const page = searchNearby(index, query, { first: km > 0 ? 50 : 1 });
    const elapsed = performance.now() - started;
    matched[kind]! += page.totalCount;
    return elapsed;
  };
  for (let i = 0; i < 200; i++) run(i % kinds.length); // warm-up, discarded
  matched.fill(0);
  for (let i = 0; i < calls; i++) for (let k = 0; k < kinds.length; k++) times[k]![i] = run(k);
  return kinds.map((kind, k) => {
    const sorted = times[k]!.sort();
    return { label: kind.label, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]!, matched: matched[k]! / calls };
  });
}

const ms = (n: number) => (n < 1 ? n.toFixed(3) : n.toFixed(2));
const verdict = (ok: boolean) => (ok ? 'yes' : 'NO');

function buildRow(label: string, f: BuildFigures, target: { buildMs: number; memoryMb: number }): string[] {
  return [
    label,
    int(f.codes),
    ms(f.loadMs),
    ms(f.buildMs),
    `${((100 * f.buildMs) / f.loadMs).toFixed(0)}%`,
    (f.retainedBytes / MB).toFixed(1),
    (f.rssBytes / MB).toFixed(1),
    `≤ ${target.buildMs} ms, ≤ ${target.memoryMb} MB: ${verdict(f.buildMs <= target.buildMs && f.retainedBytes / MB <= target.memoryMb)}`,
  ];
}

const latencyRows = (dataset: string, rows: readonly Latencies[]) =>
  rows.map((l) => [`${dataset}: ${l.label}`, ms(l.p50), ms(l.p99), ms(l.max), int(l.matched)]);

process.stdout.write(`${await machineLine()}\n`);
process.stdout.write(`calls per kind: ${CALLS} (after 200 discarded); all in this one process\n\n`);

// --- US
const us = await measureBuild([defaultUsDataFile()], 7);
const place = us.geonames.get('US', '10001');
if (!place) throw new Error('10001 is not in the US data');
const radius = 25 * 1609.344;
const query: SpatialQuery = { origin: place, originCode: place, radiusMeters: radius };
const searched = keys(searchNearby(us.index, query, { first: 50 }).edges);
const scanned = linearScan(us.index, place, 'US 10001', radius, 50);
if (JSON.stringify(searched) !== JSON.stringify(scanned)) throw new Error('the search and the linear scan disagree');
const [searchMs, scanMs] = interleaved(
  () => searchNearby(us.index, query, { first: 50 }),
  200,
  () => linearScan(us.index, place, 'US 10001', radius, 50),
  2,
  7,
);
const usLatencies = latencies(us.index, CALLS);

// --- US + synthetic
let full: Awaited<ReturnType<typeof measureBuild>> | undefined;
let fullLatencies: Latencies[] = [];
if (!values['us-only']) {
  const synthetic = await generateSyntheticGeoNames({ rows: Number(values.rows), seed: Number(values.seed), reuse: true });
  full = await measureBuild([defaultUsDataFile(), synthetic.file], 3);
  fullLatencies = latencies(full.index, Math.max(200, Math.round(CALLS / 2)));
}

const buildHeader = ['index build', 'codes', 'load ms', 'build ms', 'build/load', 'retained MB', 'RSS MB', 'target met'];
process.stdout.write(
  `${table(buildHeader, [
    buildRow('US', us.figures, TARGETS.us),
    ...(full ? [buildRow(`US + ${int(Number(values.rows))} synthetic rows`, full.figures, TARGETS.full)] : []),
  ])}\n\n`,
);
process.stdout.write(
  `${table(
    ['25 miles from 10001, first 50 (same 50 codes)', 'ms per call', 'speed-up'],
    [
      ['spatial search', ms(searchMs), `${(scanMs / searchMs).toFixed(0)}×`],
      [`linear geodesic scan of ${int(us.index.size)} codes`, ms(scanMs), `target ≥ ${TARGETS.speedup}×: ${verdict(scanMs / searchMs >= TARGETS.speedup)}`],
    ],
  )}\n\n`,
);
process.stdout.write(
  `${table(['search (random origin every call)', 'p50 ms', 'p99 ms', 'max ms', 'mean totalCount'], [
    ...latencyRows('US', usLatencies),
    ...(full ? latencyRows('US + synthetic', fullLatencies) : []),
  ])}\n`,
);
