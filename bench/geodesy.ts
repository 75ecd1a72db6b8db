/**
 * Distances per second of the distance functions alone, in this process: the WGS-84 geodesic the
 * service computes (`geodesicMeasure` on src/geodesy/geographiclib/inverse.ts), the same through
 * geographiclib-geodesic as the service computed it before, the two inverse solvers bare, the
 * memo's hit, and haversine (what the bare baseline computes). Over pairs of real US postal codes,
 * and over random pairs on the whole globe (longer geodesics, more Newton iterations).
 * Interleaved rounds; medians of rates, and medians of the per-round ratios.
 *
 * Run alone: `tsx bench/geodesy.ts`; `npm run bench` prints it too.
 */
import { pathToFileURL } from 'node:url';
import geodesic from 'geographiclib-geodesic';
import { defaultUsDataFile } from '../src/gazetteer/loaded-data.js';
import { geodesicMeasure, haversineMeasure, normalizeBearing, type Measurement, type Point } from '../src/geodesy/distance.js';
import { MeasureMemo } from '../src/geodesy/memo.js';
import { wgs84Inverse } from '../src/geodesy/geographiclib/inverse.js';
import { readGeoNames } from './lib/shapes.js';
import { int, median, ratio, table } from './lib/stats.js';

/** Distances per second over one set of pairs. */
export interface PairsResult {
  /** `geodesicMeasure`, the service's geodesic: wgs84Inverse and a Measurement object. */
  readonly geodesicPerS: number;
  /** `geodesicMeasure` as it was, on geographiclib-geodesic's `Inverse`. */
  readonly geographicLibMeasurePerS: number;
  /** wgs84Inverse alone, into a reused Float64Array. */
  readonly inversePerS: number;
  /** geographiclib-geodesic's `Geodesic.WGS84.Inverse(…, DISTANCE | AZIMUTH)` alone. */
  readonly geographicLibInversePerS: number;
  /** New over old, measured in the same round (benchGeodesy reports their median over the rounds). */
  readonly measureRatio: number;
  readonly inverseRatio: number;
  readonly haversinePerS: number;
}

export interface GeodesyResult {
  readonly us: PairsResult;
  readonly global: PairsResult;
  /** The service's path for a pair it has measured before: the memo's hit (src/geodesy/memo.ts), US pairs. */
  readonly memoHitPerS: number;
}

const { Geodesic } = geodesic;
const INVERSE_OUTPUTS = Geodesic.DISTANCE | Geodesic.AZIMUTH;

/** `geodesicMeasure` before src/geodesy/geographiclib/inverse.ts: geographiclib-geodesic's inverse. */
function geographicLibMeasure(a: Point, b: Point): Measurement {
  const r = Geodesic.WGS84.Inverse(a.latitude, a.longitude, b.latitude, b.longitude, INVERSE_OUTPUTS);
  const meters = r.s12 ?? 0;
  return { meters, initialBearing: meters === 0 ? 0 : normalizeBearing(r.azi1 ?? 0) };
}

type Inverse = (lat1: number, lon1: number, lat2: number, lon2: number) => number;
const out = new Float64Array(2);
const inverse: Inverse = (lat1, lon1, lat2, lon2) => {
  wgs84Inverse(lat1, lon1, lat2, lon2, out);
  return out[0]!;
};
const geographicLibInverse: Inverse = (lat1, lon1, lat2, lon2) => Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, INVERSE_OUTPUTS).s12!;

/** Runs `fn` over the pairs repeatedly for about `ms`, returning calls per second. */
function callsPerSecond(fn: (a: Point, b: Point) => Measurement, points: readonly Point[], ms: number): number {
  let calls = 0;
  let sink = 0; // keeps the results alive so the JIT cannot drop the calls
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i + 1 < points.length; i += 2) sink += fn(points[i]!, points[i + 1]!).meters;
    calls += points.length >> 1;
    elapsed = performance.now() - started;
  }
  if (sink === -1) console.log(sink);
  return (calls / elapsed) * 1000;
}

/** The same for a bare inverse over [lat1, lon1, lat2, lon2] rows. */
function inversesPerSecond(fn: Inverse, rows: Float64Array, ms: number): number {
  let calls = 0;
  let sink = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i + 3 < rows.length; i += 4) sink += fn(rows[i]!, rows[i + 1]!, rows[i + 2]!, rows[i + 3]!);
    calls += rows.length >> 2;
    elapsed = performance.now() - started;
  }
  if (sink === -1) console.log(sink);
  return (calls / elapsed) * 1000;
}

/** Seeded numbers in [0, 1) (the LCG this bench has always used): the same pairs on every run. */
function lcg(seed: number): () => number {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

function rowsOf(points: readonly Point[]): Float64Array {
  const rows = new Float64Array(points.length * 2);
  points.forEach((p, i) => rows.set([p.latitude, p.longitude], i * 2));
  return rows;
}

/** One round over one set of pairs: each function for about `ms`, one after the other. */
function round(points: readonly Point[], rows: Float64Array, ms: number): PairsResult {
  const geodesicPerS = callsPerSecond(geodesicMeasure, points, ms);
  const geographicLibMeasurePerS = callsPerSecond(geographicLibMeasure, points, ms);
  const inversePerS = inversesPerSecond(inverse, rows, ms);
  const geographicLibInversePerS = inversesPerSecond(geographicLibInverse, rows, ms);
  return {
    geodesicPerS,
    geographicLibMeasurePerS,
    inversePerS,
    geographicLibInversePerS,
    measureRatio: geodesicPerS / geographicLibMeasurePerS,
    inverseRatio: inversePerS / geographicLibInversePerS,
    haversinePerS: callsPerSecond(haversineMeasure, points, ms),
  };
}

export function benchGeodesy(rounds = 5, msPerRound = 500): GeodesyResult {
  const rows = readGeoNames(defaultUsDataFile());
  // 10,000 pseudo-random pairs (fixed seed): a mix of short and cross-country distances.
  const next = lcg(42);
  const us: Point[] = Array.from({ length: 20_000 }, () => rows[Math.floor(next() * rows.length)]!);
  // 10,000 pairs of points spread evenly over the globe's area.
  const nextGlobal = lcg(7);
  const global: Point[] = Array.from({ length: 20_000 }, () => ({
    latitude: (Math.asin(2 * nextGlobal() - 1) * 180) / Math.PI,
    longitude: nextGlobal() * 360 - 180,
  }));
  const [usRows, globalRows] = [rowsOf(us), rowsOf(global)];
  const memo = new MeasureMemo(geodesicMeasure);
  const memoized = (a: Point, b: Point) => memo.measure(a, b);
  round(us, usRows, 100); // warm-up
  round(global, globalRows, 100);
  callsPerSecond(memoized, us, 200); // warm-up, and fills the memo: 10,000 pairs fit in its 65,536 slots
  const hits: number[] = [];
  const usResults: PairsResult[] = [];
  const globalResults: PairsResult[] = [];
  // Both sets in every round, so that they see the same stretches of a shared machine.
  for (let r = 0; r < rounds; r++) {
    usResults.push(round(us, usRows, msPerRound));
    globalResults.push(round(global, globalRows, msPerRound));
    hits.push(callsPerSecond(memoized, us, msPerRound));
  }
  return { us: medianResult(usResults), global: medianResult(globalResults), memoHitPerS: median(hits) };
}

// Private: the median of each field over the rounds (a ratio's two rates come from the same round).
function medianResult(results: readonly PairsResult[]): PairsResult {
  const field = (key: keyof PairsResult) => median(results.map((r) => r[key]));
  return {
    geodesicPerS: field('geodesicPerS'),
    geographicLibMeasurePerS: field('geographicLibMeasurePerS'),
    inversePerS: field('inversePerS'),
    geographicLibInversePerS: field('geographicLibInversePerS'),
    measureRatio: field('measureRatio'),
    inverseRatio: field('inverseRatio'),
    haversinePerS: field('haversinePerS'),
  };
}

export function formatGeodesy({ us, global, memoHitPerS }: GeodesyResult): string {
  const per = (perS: number) => (perS > 1e6 ? `${(1e9 / perS).toFixed(0)} ns` : `${(1e6 / perS).toFixed(2)} µs`);
  const cells = (perS: number) => [int(perS), per(perS)];
  return table(
    ['distance function (in-process, one core)', 'US pairs/s', 'per call', 'global pairs/s', 'per call'],
    [
      ['WGS-84 geodesic: geodesicMeasure (wgs84Inverse)', ...cells(us.geodesicPerS), ...cells(global.geodesicPerS)],
      ['  the same on geographiclib-geodesic, as before', ...cells(us.geographicLibMeasurePerS), ...cells(global.geographicLibMeasurePerS)],
      ['  new ÷ old, median of rounds', ratio(us.measureRatio), '', ratio(global.measureRatio), ''],
      ['wgs84Inverse alone (into a Float64Array)', ...cells(us.inversePerS), ...cells(global.inversePerS)],
      ['  geographiclib-geodesic Inverse alone (DISTANCE | AZIMUTH)', ...cells(us.geographicLibInversePerS), ...cells(global.geographicLibInversePerS)],
      ['  new ÷ old, median of rounds', ratio(us.inverseRatio), '', ratio(global.inverseRatio), ''],
      ['WGS-84 geodesic, pair seen before (memo hit)', ...cells(memoHitPerS), '', ''],
      ['haversine (sphere R1)', ...cells(us.haversinePerS), ...cells(global.haversinePerS)],
    ],
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatGeodesy(benchGeodesy()));
}
