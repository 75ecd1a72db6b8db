/**
 * The resilience policy of one remote geocoder, built from cockatiel's policies:
 *
 *   retry → bulkhead → circuit breaker → [interval gate] → timeout → the HTTP call
 *
 * - retry (outermost): exponential backoff with decorrelated jitter, or the provider's
 *   `Retry-After`; on 5xx, 429 and network errors only. Waiting between attempts holds no
 *   bulkhead slot.
 * - bulkhead: the concurrency cap; callers past it queue.
 * - circuit breaker: after `breakerThreshold` consecutive provider faults it fails fast for
 *   `breakerHalfOpenAfterMs`, then lets one probe through. It sits inside the bulkhead so a
 *   queued call checks the circuit when its turn comes, not when it joined the queue.
 * - interval gate (rate-limited providers only): starts each attempt at least `minIntervalMs` after
 *   the previous one ended; inside the breaker so an open circuit fails fast instead of waiting.
 * - timeout (innermost): per attempt, body included, through the `AbortSignal` given to `fetch`.
 *
 * Every retry, timeout and breaker state change is logged.
 */
import {
  bulkhead,
  circuitBreaker,
  ConsecutiveBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  handleWhen,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type FailureReason,
  type IBackoff,
  type IRetryBackoffContext,
  type TimeoutPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { UpstreamConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import { IntervalGate } from './interval-gate.js';
import { isProviderFault, isRetryable, isUpstreamError } from './upstream-error.js';

export interface ResilienceOptions extends UpstreamConfig {
  /** Most calls in flight at once; the rest queue. */
  readonly concurrency: number;
  /** Least time from the end of one call to the start of the next, in ms; set only for rate-limited providers. */
  readonly minIntervalMs?: number;
}

export interface Resilience {
  /** Runs one upstream call through every policy; `fn` gets the signal that aborts it on timeout or shutdown. */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T>;
  readonly breaker: CircuitBreakerPolicy;
}

export function createResilience(options: ResilienceOptions, logger: Logger): Resilience {
  const retryPolicy = retry(
    handleWhen((error) => isRetryable(error, options.retryMaxDelayMs)),
    { maxAttempts: options.retries, backoff: retryBackoff(options) },
  );
  const cap = bulkhead(options.concurrency, Number.POSITIVE_INFINITY);
  const breaker = circuitBreaker(handleWhen(isProviderFault), {
    halfOpenAfter: options.breakerHalfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  const perAttempt: TimeoutPolicy = timeout(options.timeoutMs, TimeoutStrategy.Cooperative);
  const gate = options.minIntervalMs ? new IntervalGate(options.minIntervalMs) : undefined;
  const outer = wrap(retryPolicy, cap, breaker);

  retryPolicy.onRetry(({ attempt, delay, ...reason }) =>
    logger.warn({ attempt, delayMs: Math.round(delay), reason: describe(reason) }, `retrying after a failed attempt (retry ${attempt} of ${options.retries})`),
  );
  perAttempt.onTimeout(() => logger.warn({ timeoutMs: options.timeoutMs }, 'request timed out'));
  breaker.onBreak((reason) =>
    logger.error(
      { reason: 'isolated' in reason ? 'isolated' : describe(reason), halfOpenAfterMs: options.breakerHalfOpenAfterMs },
      'circuit opened: failing fast until a probe succeeds',
    ),
  );
  breaker.onHalfOpen(() => logger.info('circuit half-open: letting one probe request through'));
  breaker.onReset(() => logger.info('circuit closed: the provider answers again'));

  return {
    breaker,
    execute: (fn, signal) =>
      outer.execute(({ signal: attemptSignal }) => {
        const attempt = () => perAttempt.execute(({ signal: timed }) => fn(timed), attemptSignal);
        return gate ? gate.run(attempt, attemptSignal) : attempt();
      }, signal),
  };
}

/** Exponential backoff with jitter, except that a provider's `Retry-After` wins when it sent one. */
function retryBackoff(options: ResilienceOptions): DelegateBackoff<IRetryBackoffContext<unknown>, IBackoff<unknown> | undefined> {
  const exponential = new ExponentialBackoff({ initialDelay: options.retryBaseDelayMs, maxDelay: options.retryMaxDelayMs });
  return new DelegateBackoff((context, previous) => {
    const next = previous ? previous.next(context) : exponential.next();
    const error = 'error' in context.result ? context.result.error : undefined;
    const asked = isUpstreamError(error) ? error.retryAfterMs : undefined;
    return { delay: asked ?? next.duration, state: next };
  });
}

// Private: a log-friendly summary of why an attempt failed, without bodies or URLs.
function describe(reason: FailureReason<unknown>): Record<string, unknown> {
  if (!('error' in reason)) return { value: 'rejected result' };
  const { error } = reason;
  if (isUpstreamError(error)) return { failure: error.failure, status: error.status, message: error.message };
  return { name: error.name, message: error.message };
}
