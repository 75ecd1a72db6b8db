// A page of a search ordered by key alone (`locationsInArea`, `locationsByPlace`): ids in the
// spatial index, whose order is (country, postal code) order.
import type { WorkBudget } from '../work-budget.js';

export interface KeyPageRequest {
  /** An integer ≥ 1; the service's maximum is checked before (`pageSize`). */
  readonly first: number;
  readonly after?: string | null | undefined;
  /** Charged for the candidates tested and the edges built; the search stops when it is spent. */
  readonly budget?: WorkBudget | undefined;
}

export interface KeyPage {
  readonly ids: readonly number[];
  /** Codes matching the whole search, not only this page. */
  readonly totalCount: number;
  readonly hasNextPage: boolean;
  /** Computed only when asked for: it costs two hashes. */
  cursor(id: number): string;
}

/** Throws `RangeError` unless `first` is an integer ≥ 1. */
export function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1) throw new RangeError(`first must be an integer ≥ 1, got ${first}`);
}
