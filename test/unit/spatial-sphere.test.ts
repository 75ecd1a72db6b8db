import { describe, expect, it } from 'vitest';
import { geodesicMeasure, type Point } from '../../src/geodesy/distance.js';
import {
  boxDistancesFrom,
  geodesicAtLeast,
  geodesicAtMost,
  MAX_SCALE,
  MIN_SCALE,
  sphericalDistanceFrom,
  sphericalReach,
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

describe('distances from a point to a longitude–latitude box', () => {
  const R = 6_371_000;
  const degrees = (d: number) => (d * Math.PI * R) / 180;

  it('bound the spherical distance to every point of the box, from anywhere: poles, antimeridian, antipodes', () => {
    const random = seeded(5);
    const wrong: string[] = [];
    const origins: Point[] = [{ latitude: 90, longitude: 0 }, { latitude: -90, longitude: 77 }, { latitude: 0, longitude: 180 }, { latitude: -17, longitude: -180 }];
    for (let i = 0; i < 200; i++) origins.push(randomPoint(random));
    for (const origin of origins) {
      const bounds = boxDistancesFrom(origin);
      for (let b = 0; b < 20; b++) {
        const size = 10 ** (-3 + random() * 5.5); // boxes from 0.001° to the whole Earth
        const west = Math.max(-180, -180 + random() * 360 - size / 2);
        const east = Math.min(180, west + size);
        const south = Math.max(-90, -90 + random() * 180 - size / 4);
        const north = Math.min(90, south + size / 2);
        const [least, greatest] = bounds(west, south, east, north);
        for (let p = 0; p < 25; p++) {
          // Corners, edges and inside.
          const longitude = p < 4 ? (p % 2 ? west : east) : west + random() * (east - west);
          const latitude = p < 4 ? (p < 2 ? south : north) : south + random() * (north - south);
          const s = spherical(origin, { latitude, longitude });
          if (!(least <= s && s <= greatest)) wrong.push(JSON.stringify({ origin, box: [west, south, east, north], latitude, longitude, least, s, greatest }));
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('are zero and the farthest corner for a box around the origin', () => {
    const [least, greatest] = boxDistancesFrom({ latitude: 0, longitude: 0 })(-1, -1, 1, 1);
    expect(least).toBe(0);
    expect(greatest).toBeCloseTo(spherical({ latitude: 0, longitude: 0 }, { latitude: 1, longitude: 1 }) + 1, 6);
  });

  it('reach across the antimeridian: a box just east of −180° is near an origin just west of 180°', () => {
    const [least] = boxDistancesFrom({ latitude: 0, longitude: 179.9 })(-180, -1, -179.8, 1);
    expect(least).toBeCloseTo(degrees(0.1) - 1, 6);
  });

  it('hold at a pole, where every longitude is one point', () => {
    const [least, greatest] = boxDistancesFrom({ latitude: 90, longitude: 0 })(100, 80, 120, 85);
    expect(least).toBeCloseTo(degrees(5) - 1, 6);
    expect(greatest).toBeCloseTo(degrees(10) + 1, 6);
  });

  it('reach half the Earth for a box holding the antipode', () => {
    const [, greatest] = boxDistancesFrom({ latitude: 30, longitude: 60 })(-130, -40, -110, -20);
    expect(greatest).toBeCloseTo(Math.PI * R + 1, 6);
  });

  it('find the nearest point inside an edge, where the great circle bulges poleward', () => {
    // From (60°, 0°), the nearest point of the meridian 10°E between 50° and 70° is north of 60°.
    const origin = { latitude: 60, longitude: 0 };
    const [least] = boxDistancesFrom(origin)(10, 50, 20, 70);
    let nearest = Infinity;
    for (let latitude = 50; latitude <= 70; latitude += 1e-4) nearest = Math.min(nearest, spherical(origin, { latitude, longitude: 10 }));
    expect(nearest - least).toBeGreaterThan(1 - 1e-3);
    expect(nearest - least).toBeLessThan(1 + 1e-3);
    expect(spherical(origin, { latitude: 60, longitude: 10 }) - nearest).toBeGreaterThan(500); // the edge's midpoint latitude is not the nearest
  });
});
