/**
 * A walk through kdbush's tree that lets the caller judge whole nodes by their distance from an
 * origin on the search sphere, so a search can count or skip thousands of codes without visiting
 * them one by one (kdbush's own `range` lists every code in a box).
 *
 * kdbush keeps its tree implicitly in two arrays: the codes of node [left, right] sit in
 * ids[left..right], its median m = (left + right) >> 1 splits it on longitude (even depths) or
 * latitude (odd depths), the left half holding coordinates ≤ the median's and the right half ≥;
 * nodes of at most `nodeSize` + 1 codes are leaves. geokdbush walks the same layout; the box of a
 * node is narrowed at each split, as it does (from the box around the tree's codes, not the Earth).
 */
import { at } from '../arrays.js';
import type { SphericalOrigin } from './sphere.js';
import type { CountryTree } from './spatial-index.js';

export interface TreeVisitor {
  /**
   * Whether to look inside a node whose codes (`codes` of them) are all between `least` and
   * `greatest` metres from the origin on the search sphere. Answering false passes the node by,
   * having counted it or not: its codes are not visited.
   */
  enter(least: number, greatest: number, codes: number): boolean;
  /** Visits code `id` (the code's id in the index, not the tree's), `spherical` metres from the origin on the search sphere. */
  visit(id: number, spherical: number): void;
}

/** Numbers per node on the walk's stack: left, right, axis, west, south, east, north. */
const FRAME = 7;
/** kdbush's tree is at most 32 levels deep (2³² codes); the walk holds at most two nodes per level. */
const MAX_FRAMES = 2 * 33;
/** The walk's stack, shared (as kdbush shares its own): a walk runs to its end synchronously, and visitors never start another. */
const stack = new Float64Array(FRAME * MAX_FRAMES);

/**
 * Walks a country's tree from `origin`, nearer halves first, asking `visitor` at every node. The
 * root's box is the one around the country's codes, so a far country is passed by at once.
 */
export function walkTree({ tree, firstId, box }: CountryTree, from: SphericalOrigin, visitor: TreeVisitor): void {
  const { ids, coords, nodeSize } = tree;
  const { point: origin, distance, boxDistances } = from;
  let top = 0;
  const push = (left: number, right: number, axis: number, west: number, south: number, east: number, north: number): void => {
    stack[top] = left;
    stack[top + 1] = right;
    stack[top + 2] = axis;
    stack[top + 3] = west;
    stack[top + 4] = south;
    stack[top + 5] = east;
    stack[top + 6] = north;
    top += FRAME;
  };
  push(0, ids.length - 1, 0, ...box);
  while (top > 0) {
    top -= FRAME;
    const left = at(stack, top);
    const right = at(stack, top + 1);
    const axis = at(stack, top + 2);
    const west = at(stack, top + 3);
    const south = at(stack, top + 4);
    const east = at(stack, top + 5);
    const north = at(stack, top + 6);
    if (right < left) continue;
    const [least, greatest] = boxDistances(west, south, east, north);
    if (!visitor.enter(least, greatest, right - left + 1)) continue;

    if (right - left <= nodeSize) {
      for (let i = left; i <= right; i++) visitor.visit(firstId + at(ids, i), distance(at(coords, 2 * i + 1), at(coords, 2 * i)));
      continue;
    }
    const m = (left + right) >> 1;
    const x = at(coords, 2 * m);
    const y = at(coords, 2 * m + 1);
    visitor.visit(firstId + at(ids, m), distance(y, x));
    // The halves, split at the median's longitude (axis 0) or latitude (axis 1). The one on the
    // origin's side is pushed last, so it is walked first and a bound on the page tightens early.
    const split = axis === 0 ? x : y;
    const originInLower = (axis === 0 ? origin.longitude : origin.latitude) <= split;
    for (const lower of originInLower ? PUSH_LOWER_LAST : PUSH_LOWER_FIRST) {
      if (lower) push(left, m - 1, 1 - axis, west, south, axis === 0 ? split : east, axis === 1 ? split : north);
      else push(m + 1, right, 1 - axis, axis === 0 ? split : west, axis === 1 ? split : south, east, north);
    }
  }
}

/** The order the two halves are pushed in (true: the lower half). */
const PUSH_LOWER_FIRST = [true, false] as const;
const PUSH_LOWER_LAST = [false, true] as const;
