/**
 * A walk through kdbush's tree that lets the caller judge whole nodes by their spherical distance
 * bounds, so a search counts or skips thousands of codes without visiting them (kdbush's `range`
 * lists every one). kdbush's implicit layout: node [left, right] holds ids[left..right], split at
 * m = (left + right) >> 1 on longitude (even depths) or latitude (odd); leaves hold ≤ nodeSize + 1.
 */
import { at } from '../arrays.js';
import type { SphericalOrigin } from './sphere.js';
import type { CountryTree } from './spatial-index.js';

export interface TreeVisitor {
  /** Whether to look inside a node of `codes` codes, all `least` to `greatest` metres away on the sphere; false skips them. */
  enter(least: number, greatest: number, codes: number): boolean;
  /** Code `id` (the index's id, not the tree's), `spherical` metres away on the sphere. */
  visit(id: number, spherical: number): void;
}

/** Numbers per node on the walk's stack: left, right, axis, west, south, east, north. */
const FRAME = 7;
/** kdbush's tree is at most 32 levels deep (2³² codes); the walk holds at most two nodes per level. */
const MAX_FRAMES = 2 * 33;
/** The walk's stack, shared (as kdbush shares its own): a walk runs to its end synchronously, and visitors never start another. */
const stack = new Float64Array(FRAME * MAX_FRAMES);

/** Walks a country's tree, nearer halves first, asking `visitor` at every node; the root's box is the country's. */
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
