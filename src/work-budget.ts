/**
 * The work one operation may do while it runs, behind the limits checked before. One unit per postal code looked up,
 * geodesic solved, code a search tests and search edge built (against a polygon, per `EDGES_PER_UNIT` of its edges),
 * charged where the work happens. Once spent, every charge fails and graphql/plugins/budget.ts answers one error.
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

  error(): AppError {
    return new AppError(
      'WORK_BUDGET_EXCEEDED',
      `This operation did more than ${this.limit} units of work (WORK_BUDGET: postal codes looked up, geodesics solved, codes tested by searches, search edges built) and was stopped; ask for fewer items per operation.`,
    );
  }
}
