/**
 * Distances per second of the distance functions alone, in this process: the WGS-84 geodesic
 * (geographiclib-geodesic, what the service computes by default) and haversine (what the bare
 * baseline computes), over pairs of real US postal codes. Interleaved rounds, medians reported.
 *
 * Run alone: `tsx bench/geodesy.ts`; `npm run bench` prints it too.
 */
import { pathToFileURL } from 'node:url';
import { defaultUsDataFile } from '../src/geocoding/providers/embedded.js';
import { geodesicMeasure, haversineMeasure, type Measurement, type Point } from '../src/geodesy/distance.js';
import { MeasureMemo } from '../src/geodesy/memo.js';
import { readGeoNames } from './lib/shapes.js';
import { int, median, table } from './lib/stats.js';

export interface GeodesyResult {
  readonly geodesicPerS: number;
  readonly haversinePerS: number;
  /** The service's path for a pair it has measured before: the memo's hit (src/geodesy/memo.ts). */
  readonly memoHitPerS: number;
}

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

export function benchGeodesy(rounds = 3, msPerRound = 1000): GeodesyResult {
  const rows = readGeoNames(defaultUsDataFile());
  // 10,000 pseudo-random pairs (fixed seed): a mix of short and cross-country distances.
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const points: Point[] = Array.from({ length: 20_000 }, () => rows[Math.floor(next() * rows.length)]!);
  const memo = new MeasureMemo(geodesicMeasure);
  const memoized = (a: Point, b: Point) => memo.measure(a, b);
  callsPerSecond(geodesicMeasure, points, 200); // warm-up (and fills the memo: 10,000 pairs fit in its 65,536 slots)
  callsPerSecond(haversineMeasure, points, 200);
  callsPerSecond(memoized, points, 200);
  const geodesic: number[] = [];
  const haversine: number[] = [];
  const hits: number[] = [];
  for (let r = 0; r < rounds; r++) {
    geodesic.push(callsPerSecond(geodesicMeasure, points, msPerRound));
    haversine.push(callsPerSecond(haversineMeasure, points, msPerRound));
    hits.push(callsPerSecond(memoized, points, msPerRound));
  }
  return { geodesicPerS: median(geodesic), haversinePerS: median(haversine), memoHitPerS: median(hits) };
}

export function formatGeodesy({ geodesicPerS, haversinePerS, memoHitPerS }: GeodesyResult): string {
  const per = (perS: number) => (perS > 1e6 ? `${(1e9 / perS).toFixed(0)} ns` : `${(1e6 / perS).toFixed(2)} µs`);
  return table(
    ['distance function (in-process, one core)', 'distances/s', 'per call'],
    [
      ['WGS-84 geodesic (geographiclib-geodesic)', int(geodesicPerS), per(geodesicPerS)],
      ['WGS-84 geodesic, pair seen before (memo hit)', int(memoHitPerS), per(memoHitPerS)],
      ['haversine (sphere R1)', int(haversinePerS), per(haversinePerS)],
    ],
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatGeodesy(benchGeodesy()));
}
