import { describe, expect, it } from 'vitest';
import { geodesicMeasure, type Point } from '../../src/geodesy/distance.js';
import {
  capBoxes,
  geodesicAtLeast,
  geodesicAtMost,
  MAX_SCALE,
  MIN_SCALE,
  sphericalDistanceFrom,
  sphericalReach,
  type Box,
} from '../../src/spatial/sphere.js';
import { randomPoint, seeded } from '../support/spatial.js';

const spherical = (a: Point, b: Point): number => sphericalDistanceFrom(a)(b.latitude, b.longitude);
const geodesic = (a: Point, b: Point): number => geodesicMeasure(a, b).meters;

/** Pairs of every kind: random, short hops, across the antimeridian, at the poles, nearly antipodal. */
function pairs(): [Point, Point][] {
  const random = seeded(99);
  const out: [Point, Point][] = [];
  for (let i = 0; i < 2000; i++) out.push([randomPoint(random), randomPoint(random)]);
  for (let i = 0; i < 500; i++) {
    const a = randomPoint(random);
    const scale = 10 ** (-4 + random() * 4); // hops of about 10 m to 100 km
    out.push([a, { latitude: Math.max(-90, Math.min(90, a.latitude + (random() - 0.5) * scale)), longitude: a.longitude }]);
  }
  for (let i = 0; i < 500; i++) {
    const a = randomPoint(random);
    const antipode = { latitude: -a.latitude, longitude: a.longitude > 0 ? a.longitude - 180 : a.longitude + 180 };
    out.push([a, { latitude: antipode.latitude + (random() - 0.5) * 0.01, longitude: antipode.longitude }]);
  }
  out.push(
    [{ latitude: -17, longitude: 179.99 }, { latitude: -17, longitude: -179.99 }],
    [{ latitude: 90, longitude: 0 }, { latitude: 89.99, longitude: 180 }],
    [{ latitude: -90, longitude: 0 }, { latitude: 90, longitude: 0 }],
    [{ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 }],
  );
  return out;
}

describe('bounds of the geodesic by the spherical distance', () => {
  it('hold for every pair: short hops, across the antimeridian, at the poles, nearly antipodal', () => {
    const outside: string[] = [];
    for (const [a, b] of pairs()) {
      const s = spherical(a, b);
      const g = geodesic(a, b);
      if (!(geodesicAtLeast(s) <= g && g <= geodesicAtMost(s))) outside.push(`${JSON.stringify([a, b])}: s=${s} g=${g}`);
      if (s > 1000 && !(MIN_SCALE <= g / s && g / s <= MAX_SCALE)) outside.push(`${JSON.stringify([a, b])}: ratio ${g / s}`);
    }
    expect(outside).toEqual([]);
  });

  it('are nearly reached: a meridian hop on the equator and one near a pole', () => {
    const equator = geodesic({ latitude: 0, longitude: 0 }, { latitude: 0.01, longitude: 0 }) / spherical({ latitude: 0, longitude: 0 }, { latitude: 0.01, longitude: 0 });
    const pole = geodesic({ latitude: 89.99, longitude: 0 }, { latitude: 90, longitude: 0 }) / spherical({ latitude: 89.99, longitude: 0 }, { latitude: 90, longitude: 0 });
    expect(equator - MIN_SCALE).toBeGreaterThan(0);
    expect(equator - MIN_SCALE).toBeLessThan(1e-5);
    expect(MAX_SCALE - pole).toBeGreaterThan(0);
    expect(MAX_SCALE - pole).toBeLessThan(1e-5);
  });

  it('reach far enough on the sphere for every point within a geodesic distance', () => {
    for (const [a, b] of pairs()) expect(spherical(a, b)).toBeLessThanOrEqual(sphericalReach(geodesic(a, b)));
  });
});

describe('boxes covering a spherical cap', () => {
  const inside = (boxes: readonly Box[], p: Point): boolean =>
    boxes.some(([west, south, east, north]) => p.longitude >= west && p.longitude <= east && p.latitude >= south && p.latitude <= north);

  it('is one box for a cap clear of the poles and the antimeridian', () => {
    const [box, ...rest] = capBoxes({ latitude: 0, longitude: 0 }, 111_194.93); // 1° of the sphere
    expect(rest).toEqual([]);
    expect(box![0]).toBeCloseTo(-1, 6);
    expect(box![1]).toBeCloseTo(-1, 6);
    expect(box![2]).toBeCloseTo(1, 6);
    expect(box![3]).toBeCloseTo(1, 6);
  });

  it('widens with latitude, by asin(sin δ / cos φ)', () => {
    const [box] = capBoxes({ latitude: 60, longitude: 10 }, 111_194.93);
    const halfWidth = (Math.asin(Math.sin(Math.PI / 180) / Math.cos(Math.PI / 3)) * 180) / Math.PI;
    expect(box![0]).toBeCloseTo(10 - halfWidth, 6);
    expect(box![2]).toBeCloseTo(10 + halfWidth, 6);
  });

  it('is two boxes, one on each side, for a cap across the antimeridian', () => {
    const boxes = capBoxes({ latitude: -17, longitude: 179.5 }, 111_194.93);
    expect(boxes).toHaveLength(2);
    expect(boxes[0]![2]).toBe(180);
    expect(boxes[1]![0]).toBe(-180);
    expect(boxes[0]![0]).toBeCloseTo(179.5 - 1.0457, 3);
    expect(boxes[1]![2]).toBeCloseTo(-180 + 0.5457, 3);
  });

  it('spans every longitude for a cap holding a pole, and is the world for one of half the sphere or more', () => {
    expect(capBoxes({ latitude: 89.5, longitude: 30 }, 111_194.93)).toEqual([[-180, expect.closeTo(88.5, 6), 180, 90]]);
    expect(capBoxes({ latitude: -90, longitude: 0 }, 1000)).toEqual([[-180, -90, 180, expect.closeTo(-89.991, 3)]]);
    expect(capBoxes({ latitude: 10, longitude: 10 }, Math.PI * 6_371_000)).toEqual([[-180, -90, 180, 90]]);
  });

  it('holds every point within the cap, from anywhere, at any radius', () => {
    const random = seeded(5);
    const missed: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const origin = i % 3 === 0 ? { latitude: (random() - 0.5) * 40, longitude: random() < 0.5 ? 180 - random() : -180 + random() } : randomPoint(random);
      const p = randomPoint(random);
      const s = spherical(origin, p);
      // p inside the cap, and p on its very edge
      for (const reach of [s * (1 + random() * 0.01), s]) {
        if (!inside(capBoxes(origin, reach), p)) missed.push(JSON.stringify({ origin, p, reach }));
      }
    }
    expect(missed).toEqual([]);
  });
});
