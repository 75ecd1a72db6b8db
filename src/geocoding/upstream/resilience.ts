/**
 * The resilience policy of one remote geocoder, from cockatiel's policies, outermost first:
 *
 *   retry → bulkhead → circuit breaker → [interval gate] → timeout → the HTTP call
 *
 * Retry: backoff with decorrelated jitter, or the provider's `Retry-After`, on 5xx, 429 and network
 * errors only; its waits hold no bulkhead slot. The breaker sits inside the bulkhead so a queued call
 * checks the circuit when its turn comes; the interval gate (rate-limited providers) inside the
 * breaker so an open circuit fails fast instead of waiting. The timeout is per attempt, body
 * included, through the `AbortSignal` the transport is given. Retries, timeouts and breaker changes
 * are logged.
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
import type { Logger } from '../../logger.js';
import { defineSettings, int, ms } from '../../settings.js';
import { IntervalGate } from './interval-gate.js';
import { isProviderFault, isRetryable, isUpstreamError } from './upstream-error.js';

export const upstreamSettings = defineSettings({
  title: 'Remote geocoders: resilience of every call',
  variables: {
    UPSTREAM_TIMEOUT_MS: ms(10, 300_000, 5_000).describe('Per-attempt timeout of a remote geocoder call, body included, in ms.'),
    UPSTREAM_RETRIES: int(0, 10, 2).describe('Retries after the first attempt, on 5xx, 429 and network errors only.'),
    UPSTREAM_RETRY_BASE_DELAY_MS: ms(1, 60_000, 200).describe('First retry delay, in ms; exponential backoff with decorrelated jitter grows from it.'),
    UPSTREAM_RETRY_MAX_DELAY_MS: ms(1, 600_000, 5_000).describe('Longest wait before one retry, in ms; a Retry-After asking for longer is not retried.'),
    UPSTREAM_BREAKER_THRESHOLD: int(1, 10_000, 5).describe('Consecutive provider faults (5xx, network, timeout, malformed body) that open the circuit.'),
    UPSTREAM_BREAKER_HALF_OPEN_MS: ms(10, 3_600_000, 10_000).describe('How long an open circuit fails fast before one probe request is let through, in ms.'),
  },
  read: (env): UpstreamOptions => ({
    timeoutMs: env.UPSTREAM_TIMEOUT_MS,
    retries: env.UPSTREAM_RETRIES,
    retryBaseDelayMs: env.UPSTREAM_RETRY_BASE_DELAY_MS,
    retryMaxDelayMs: env.UPSTREAM_RETRY_MAX_DELAY_MS,
    breakerThreshold: env.UPSTREAM_BREAKER_THRESHOLD,
    breakerHalfOpenAfterMs: env.UPSTREAM_BREAKER_HALF_OPEN_MS,
  }),
  check(env, report) {
    if (env.UPSTREAM_RETRY_MAX_DELAY_MS < env.UPSTREAM_RETRY_BASE_DELAY_MS) report('UPSTREAM_RETRY_MAX_DELAY_MS', 'must be at least UPSTREAM_RETRY_BASE_DELAY_MS');
  },
});

/** The resilience every remote geocoder shares: the `UPSTREAM_*` settings above, in the same order. */
export interface UpstreamOptions {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly breakerThreshold: number;
  readonly breakerHalfOpenAfterMs: number;
}

export interface ResilienceOptions extends UpstreamOptions {
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

// Why an attempt failed, for the log: never a body or a URL.
function describe(reason: FailureReason<unknown>): Record<string, unknown> {
  if (!('error' in reason)) return { value: 'rejected result' };
  const { error } = reason;
  if (isUpstreamError(error)) return { failure: error.failure, status: error.status, message: error.message };
  return { name: error.name, message: error.message };
}
