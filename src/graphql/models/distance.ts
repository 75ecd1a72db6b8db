/**
 * The `Distance` type. Its model carries every field precomputed, so the default resolvers
 * serve it and no per-field resolver runs.
 */
import { AppError } from '../../errors.js';
import type { Place } from '../../postal/place.js';
import { geodesicMeasure, haversineMeasure, METERS_PER_MILE, METERS_PER_NAUTICAL_MILE, type DistanceMethod } from '../../geodesy/distance.js';
import { MeasureMemo } from '../../geodesy/memo.js';
import type { WorkBudget } from '../../work-budget.js';

export interface DistanceModel {
  readonly from: Place;
  readonly to: Place;
  readonly meters: number;
  readonly kilometers: number;
  readonly miles: number;
  readonly nauticalMiles: number;
  readonly initialBearing: number;
  readonly method: DistanceMethod;
}

/**
 * Process-wide: a pair measured once is answered from the table until its slot is reused, exactly
 * (see memo.ts). Haversine is not memoized: it costs less than a lookup.
 */
export const geodesics = new MeasureMemo(geodesicMeasure);

/**
 * The distance between two lookups, or the error of the first that failed (or of the budget, one
 * unit a distance), so a caller can hand either straight to GraphQL.
 */
export function distanceBetween(from: Place | AppError, to: Place | AppError, method: DistanceMethod, budget: WorkBudget): DistanceModel | AppError {
  if (from instanceof AppError) return from;
  if (to instanceof AppError) return to;
  if (!budget.take(1)) return budget.error();
  const { meters, initialBearing } = method === 'HAVERSINE' ? haversineMeasure(from, to) : geodesics.measure(from, to);
  return {
    from,
    to,
    meters,
    kilometers: meters / 1000,
    miles: meters / METERS_PER_MILE,
    nauticalMiles: meters / METERS_PER_NAUTICAL_MILE,
    initialBearing,
    method,
  };
}
