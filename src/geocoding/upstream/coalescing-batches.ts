/**
 * Fewer requests to a batch provider under concurrency, at no cost to a lone request: a batch asked
 * while `maxInFlight` requests are out waits for one to finish and joins every other batch asked
 * meanwhile in the next request (up to `maxBatchSize` items); one asked with a slot free goes at
 * once. Not a time window (`BATCH_WINDOW_MS`), which delays every cold lookup to gather codes that
 * may never come: this gathers only while there is something to wait for anyway, as Nagle's algorithm
 * does for TCP.
 */

interface Waiting<T, R> {
  readonly items: readonly T[];
  readonly resolve: (results: readonly R[]) => void;
  readonly reject: (error: unknown) => void;
}

export class CoalescingBatches<T, R> {
  private readonly waiting: Waiting<T, R>[] = [];
  private inFlight = 0;

  /** `send` answers one result per item, in order; `maxBatchSize` and `maxInFlight` must be ≥ 1. */
  constructor(
    private readonly send: (items: readonly T[]) => Promise<readonly R[]>,
    private readonly maxBatchSize: number,
    private readonly maxInFlight: number,
  ) {
    if (!(maxInFlight >= 1)) throw new RangeError(`maxInFlight must be at least 1, got ${maxInFlight}`);
    if (!(maxBatchSize >= 1)) throw new RangeError(`maxBatchSize must be at least 1, got ${maxBatchSize}`);
  }

  /** The results for `items`, in their order, from a request of their own or one shared with other batches. */
  run(items: readonly T[]): Promise<readonly R[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      // Whole batches, in order of arrival, as many as fit (the first always goes, whatever its size).
      const joined: Waiting<T, R>[] = [this.waiting.shift()!];
      let size = joined[0]!.items.length;
      while (this.waiting.length > 0 && size + this.waiting[0]!.items.length <= this.maxBatchSize) {
        const next = this.waiting.shift()!;
        size += next.items.length;
        joined.push(next);
      }
      this.inFlight++;
      void this.dispatch(joined);
    }
  }

  // One request for the joined batches; each gets its own slice of the answer.
  private async dispatch(joined: readonly Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.send(joined.length === 1 ? joined[0]!.items : joined.flatMap((batch) => batch.items));
      let at = 0;
      for (const batch of joined) {
        batch.resolve(results.slice(at, at + batch.items.length));
        at += batch.items.length;
      }
    } catch (error) {
      for (const batch of joined) batch.reject(error);
    } finally {
      this.inFlight--;
      this.pump();
    }
  }
}
