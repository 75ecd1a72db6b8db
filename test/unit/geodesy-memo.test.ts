import { describe, expect, it } from 'vitest';
import { geodesicMeasure, type Measurement, type Point } from '../../src/geodesy/distance.js';
import { MeasureMemo } from '../../src/geodesy/memo.js';
import { usRows } from '../support/geonames.js';

/** A memo over the real geodesic that records every computation it asks for. */
function counting(slots?: number) {
  const computed: [Point, Point][] = [];
  const memo = new MeasureMemo((a, b): Measurement => {
    computed.push([a, b]);
    return geodesicMeasure(a, b);
  }, slots);
  return { memo, computed };
}

const LA = { latitude: 34.0901, longitude: -118.4065 };
const NY = { latitude: 40.7484, longitude: -73.9967 };
const CHI = { latitude: 41.8858, longitude: -87.6181 };

describe('MeasureMemo', () => {
  it('answers exactly what the geodesic answers, first computed and then remembered, over 2,000 US pairs', () => {
    const rows = usRows();
    const pairs = Array.from({ length: 2_000 }, (_, i) => [rows[(i * 7919) % rows.length]!, rows[(i * 104_729 + 13) % rows.length]!] as const);
    const { memo } = counting();
    for (let pass = 0; pass < 2; pass++) {
      for (const [a, b] of pairs) expect(memo.measure(a, b)).toEqual(geodesicMeasure(a, b));
    }
    expect(memo.misses).toBeGreaterThanOrEqual(1_900); // a few collisions at most
    expect(memo.hits + memo.misses).toBe(4_000);
  });

  it('computes a repeated pair once', () => {
    const { memo, computed } = counting();
    memo.measure(LA, NY);
    memo.measure({ ...LA }, { ...NY }); // equal coordinates, other objects
    memo.measure(LA, NY);
    expect(computed).toHaveLength(1);
    expect([memo.hits, memo.misses]).toEqual([2, 1]);
  });

  it('keeps the two directions apart: their bearings differ', () => {
    const { memo, computed } = counting();
    const there = memo.measure(LA, NY);
    const back = memo.measure(NY, LA);
    expect(computed).toHaveLength(2);
    expect(back.meters).toBeCloseTo(there.meters, 6);
    expect(back.initialBearing).not.toBeCloseTo(there.initialBearing, 0);
  });

  it('measures afresh a place whose coordinates changed', () => {
    const { memo, computed } = counting();
    memo.measure(LA, NY);
    const moved = { ...LA, latitude: LA.latitude + 1e-9 };
    expect(memo.measure(moved, NY)).toEqual(geodesicMeasure(moved, NY));
    expect(computed).toHaveLength(2);
  });

  it('stays exact when pairs collide: with one slot, each pair replaces the last', () => {
    const { memo, computed } = counting(1);
    expect(memo.measure(LA, NY)).toEqual(geodesicMeasure(LA, NY));
    expect(memo.measure(LA, CHI)).toEqual(geodesicMeasure(LA, CHI));
    expect(memo.measure(LA, NY)).toEqual(geodesicMeasure(LA, NY));
    expect(memo.measure(LA, NY)).toEqual(geodesicMeasure(LA, NY));
    expect(computed).toHaveLength(3);
  });

  it('answers the origin to itself as zero, like the geodesic, although an empty slot is never a hit', () => {
    const { memo, computed } = counting();
    const origin = { latitude: 0, longitude: 0 };
    expect(memo.measure(origin, origin)).toEqual({ meters: 0, initialBearing: 0 });
    expect(computed).toHaveLength(1);
  });

  it('refuses a table size that is not a power of two', () => {
    expect(() => new MeasureMemo(geodesicMeasure, 1000)).toThrow(/power of two, got 1000/);
  });
});
