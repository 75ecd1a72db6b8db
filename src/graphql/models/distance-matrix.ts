/**
 * `DistanceMatrix` and `DistanceMatrixRow`, computed whole and served by default resolvers. A failed
 * lookup stays in place as its `AppError`, which GraphQL reports at exactly that index.
 */
import type { AppError } from '../../errors.js';
import type { Place } from '../../postal/place.js';
import type { DistanceMethod } from '../../geodesy/distance.js';
import type { WorkBudget } from '../../work-budget.js';
import { distanceBetween, type DistanceModel } from './distance.js';

export interface DistanceMatrixRowModel {
  readonly origin: Place | AppError;
  readonly distances: readonly (DistanceModel | AppError)[];
}

export interface DistanceMatrixModel {
  readonly origins: readonly (Place | AppError)[];
  readonly destinations: readonly (Place | AppError)[];
  readonly rows: readonly DistanceMatrixRowModel[];
}

export function buildMatrix(origins: readonly (Place | AppError)[], destinations: readonly (Place | AppError)[], method: DistanceMethod, budget: WorkBudget): DistanceMatrixModel {
  return {
    origins,
    destinations,
    rows: origins.map((origin) => ({ origin, distances: destinations.map((destination) => distanceBetween(origin, destination, method, budget)) })),
  };
}
