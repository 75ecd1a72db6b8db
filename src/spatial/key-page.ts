/**
 * A page of a search ordered by key alone, with no distance (`locationsInArea`, `locationsByPlace`):
 * the codes by their id in the spatial index, whose id order is (country, postal code) order.
 */
import type { WorkBudget } from '../work-budget.js';

export interface KeyPageRequest {
  /** Page size: an integer ≥ 1 (arguments.ts `pageSize` applies the service's maximum). */
  readonly first: number;
  /** The cursor the page starts after (an `endCursor` or an edge's `cursor`); omitted: the first page. */
  readonly after?: string | null | undefined;
  /** Charged for the candidates tested and the edges built; the search stops when it is spent. */
  readonly budget?: WorkBudget | undefined;
}

export interface KeyPage {
  /** The codes of the page, in order, by id in the spatial index. */
  readonly ids: readonly number[];
  /** Codes matching the whole search, not only this page. */
  readonly totalCount: number;
  /** Whether codes follow the last one. */
  readonly hasNextPage: boolean;
  /** The cursor of a code of this page, by id; computed when asked for (it costs two hashes). */
  cursor(id: number): string;
}

/** Checks a page size, as searches take it (the service's maximum is checked before: arguments.ts). */
export function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1) throw new RangeError(`first must be an integer ≥ 1, got ${first}`);
}
