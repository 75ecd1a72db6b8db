/** The `Distance` type: its model carries every field precomputed, so no per-field resolver runs. */
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

/** Process-wide and exact (geodesy/memo.ts). Haversine is not memoized: it costs less than a lookup. */
export const geodesics = new MeasureMemo(geodesicMeasure);

/** The distance, or the first failed lookup's error, or the budget's (one unit a distance): either goes to GraphQL as is. */
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
