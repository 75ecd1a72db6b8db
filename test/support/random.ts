/** Seeded random numbers for tests and benches, so every run draws the same codes, pairs and points. */

/** mulberry32: uniform numbers in [0, 1), the same sequence for the same seed. Small and fast. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
