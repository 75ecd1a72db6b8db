/**
 * Exact geodesics remembered, so a request repeating an earlier one's pairs (a reload, a router's retry) does not solve
 * them again. A direct-mapped table, a slot per hash of the two points' coordinates: a hit compares all four coordinates,
 * so results stay exact; a collision overwrites the slot. Keyed by coordinates, so a re-geocoded place is measured afresh.
 * Bounded: one `Float64Array`, no per-entry objects. Small on purpose: random pairs nearly all miss, and a table that
 * stays in the CPU's cache makes a miss cheap (docs/performance.md).
 */
import type { Measurement, Point } from './distance.js';

/** Slots in the table, a power of two: 4,096 pairs × 6 doubles = 192 KiB. */
export const SLOTS = 1 << 12;
const WIDTH = 6; // latA, lonA, latB, lonB, meters, initialBearing

export class MeasureMemo {
  private table: Float64Array | undefined;
  /** Lookups answered from the table, and computed; for tests and the bench. */
  hits = 0;
  misses = 0;

  /** `compute` is called only on a miss; `slots` must be a power of two. */
  constructor(
    private readonly compute: (a: Point, b: Point) => Measurement,
    private readonly slots = SLOTS,
  ) {
    if (!Number.isInteger(Math.log2(slots)) || slots < 1) throw new RangeError(`slots must be a power of two, got ${slots}`);
  }

  measure(a: Point, b: Point): Measurement {
    // Allocated on first use, and NaN-filled so an empty slot never matches (NaN equals nothing).
    const table = (this.table ??= new Float64Array(this.slots * WIDTH).fill(Number.NaN));
    const latA = a.latitude;
    const lonA = a.longitude;
    const latB = b.latitude;
    const lonB = b.longitude;
    const i = (hash4(latA, lonA, latB, lonB) & (this.slots - 1)) * WIDTH;
    if (table[i] === latA && table[i + 1] === lonA && table[i + 2] === latB && table[i + 3] === lonB) {
      this.hits++;
      return { meters: table[i + 4]!, initialBearing: table[i + 5]! };
    }
    this.misses++;
    const m = this.compute(a, b);
    table[i] = latA;
    table[i + 1] = lonA;
    table[i + 2] = latB;
    table[i + 3] = lonB;
    table[i + 4] = m.meters;
    table[i + 5] = m.initialBearing;
    return m;
  }
}

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/** The four coordinates' bit patterns mixed into 32 bits (multiply-xorshift, as murmur3's finalizer). */
const hash4 = (w: number, x: number, y: number, z: number): number => mix(mix(mix(mix(0x9e3779b9 | 0, w), x), y), z) >>> 0;

function mix(h: number, v: number): number {
  bits[0] = v;
  let m = Math.imul(h ^ words[0]!, 0x85ebca6b);
  m = Math.imul(m ^ words[1]!, 0xc2b2ae35);
  return m ^ (m >>> 15);
}
