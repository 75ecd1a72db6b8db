/**
 * The work one operation may do while it runs: the second line behind the limits checked before it
 * runs. Each postal code looked up, geodesic solved, code a search tests and search edge built costs
 * one unit (a code tested against a polygon, one per 400 of its edges: area-search.ts), charged where
 * the work happens. Once the budget is spent every charge fails, so the operation stops
 * working; its response is then replaced by one client error (graphql/plugins/budget.ts).
 */
import { AppError } from './errors.js';

export class WorkBudget {
  private left: number;

  constructor(readonly limit: number) {
    this.left = limit;
  }

  /** Units charged so far (past the limit once exhausted). */
  get spent(): number {
    return this.limit - this.left;
  }

  get exhausted(): boolean {
    return this.left < 0;
  }

  /** Takes `units`; false once the budget is spent (then nothing more should be done). */
  take(units: number): boolean {
    this.left -= units;
    return this.left >= 0;
  }

  /** Takes `units`, or throws the error once the budget is spent. */
  charge(units: number): void {
    if (!this.take(units)) throw this.error();
  }

  /** The error an operation over its budget ends with. */
  error(): AppError {
    return new AppError(
      'WORK_BUDGET_EXCEEDED',
      `This operation did more than ${this.limit} units of work (WORK_BUDGET: postal codes looked up, geodesics solved, codes tested by searches, search edges built) and was stopped; ask for fewer items per operation.`,
    );
  }
}
