/**
 * Subgraph batching: a JSON array of operations gets the array of their answers, in order. Each runs as a request of its
 * own (context, limits, budget, counted once), all together, so their lookups share one geocoder batch. An array over
 * MAX_BATCH_OPERATIONS, or with an item that is no operation, is refused whole as a client error.
 */
import { defineSettings, int } from '../../settings.js';

export const batchSettings = defineSettings({
  title: 'Subgraph batching',
  variables: {
    MAX_BATCH_OPERATIONS: int(0, 1_000, 16).describe('Most operations in one batched request (a JSON array body); 0 refuses batches.'),
  },
  read: (env) => ({ maxOperations: env.MAX_BATCH_OPERATIONS }),
});

/** Why a batch is refused, or undefined when it may run. */
export function batchProblem(items: readonly unknown[], maxOperations: number): string | undefined {
  if (maxOperations === 0) return 'This subgraph does not take batched requests (MAX_BATCH_OPERATIONS=0): send one operation per request.';
  if (items.length === 0) return 'The batch is empty: send at least one operation.';
  if (items.length > maxOperations) return `Too many operations in one batch: ${items.length} sent, at most ${maxOperations} (MAX_BATCH_OPERATIONS). Split the batch.`;
  const bad = items.findIndex((item) => typeof item !== 'object' || item === null || Array.isArray(item));
  return bad === -1 ? undefined : `Item ${bad} of the batch is not an operation (an object with a query).`;
}

/** The `Cache-Control` of a batch's answer: the strictest of its items'. */
export function strictestCacheControl(values: readonly (string | undefined)[]): string {
  let maxAge = Number.POSITIVE_INFINITY;
  let scope = 'public';
  for (const value of values) {
    const age = value === undefined ? undefined : /max-age=(\d+)/.exec(value)?.[1];
    if (age === undefined || value?.includes('no-store')) return 'no-store';
    maxAge = Math.min(maxAge, Number(age));
    if (value?.includes('private')) scope = 'private';
  }
  return maxAge > 0 && Number.isFinite(maxAge) ? `max-age=${maxAge}, ${scope}` : 'no-store';
}
