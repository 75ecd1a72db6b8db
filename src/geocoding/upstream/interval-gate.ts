/**
 * Spaces calls for providers whose usage policy caps the request rate (Nominatim: 1 a second). A call
 * may start `intervalMs` after the previous one ended, not started, so the provider sees them at
 * least that far apart however long the previous took to reach it. Callers must run one at a time (a
 * bulkhead of 1 in front), which is what makes a single timestamp enough.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../clock.js';

export class IntervalGate {
  private nextStartAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly intervalMs: number,
    private readonly clock: Clock = performance,
  ) {
    if (!(intervalMs >= 0)) throw new RangeError(`IntervalGate needs an interval of 0 ms or more, got ${intervalMs}`);
  }

  /** Runs `fn` once the interval since the previous call's end has passed. Rejects if `signal` aborts while waiting. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const delay = this.nextStartAt - this.clock.now();
    if (delay > 0) await sleep(delay, undefined, signal ? { signal } : undefined);
    try {
      return await fn();
    } finally {
      this.nextStartAt = this.clock.now() + this.intervalMs;
    }
  }
}
