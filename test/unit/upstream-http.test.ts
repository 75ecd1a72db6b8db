import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { toAppError } from '../../src/geocoding/upstream/failure.js';
import { parseRetryAfter } from '../../src/geocoding/upstream/retry-after.js';
import { isProviderFault, isRetryable, UpstreamError } from '../../src/geocoding/upstream/upstream-error.js';

const status = (code: number, retryAfterMs?: number) => new UpstreamError('status', `HTTP ${code}`, { status: code, ...(retryAfterMs !== undefined && { retryAfterMs }) });

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads seconds and HTTP-dates, as ms from now', () => {
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Thursday, 01-Jan-26 00:00:02 GMT', now)).toBe(2_000);
  });

  it('waits no time for a date in the past, and ignores what it cannot read', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('Soonday, 1 Jan', now)).toBeUndefined();
  });
});

describe('which failures are retried, and which open the circuit', () => {
  const cases: [string, boolean, boolean, UpstreamError | Error][] = [
    ['500', true, true, status(500)],
    ['503', true, true, status(503)],
    ['429', true, false, status(429)],
    ['429 asking for 1 s', true, false, status(429, 1_000)],
    ['429 asking for longer than the longest retry delay', false, false, status(429, 60_000)],
    ['403', false, false, status(403)],
    ['404', false, false, status(404)],
    ['422', false, false, status(422)],
    ['a dropped connection', true, true, new UpstreamError('network', 'ECONNRESET')],
    ['a timeout', false, true, new UpstreamError('timeout', 'slow')],
    ['a malformed body', false, true, new UpstreamError('malformed', 'bad')],
    ['a shutdown', false, false, new UpstreamError('cancelled', 'bye')],
    ['anything else', false, false, new Error('bug')],
  ];
  it.each(cases)('%s: retried %s, a provider fault %s', (_, retried, fault, error) => {
    expect(isRetryable(error, 5_000)).toBe(retried);
    expect(isProviderFault(error)).toBe(fault);
  });
});

describe('what clients see for a failed call', () => {
  const cases: [string, string, unknown][] = [
    ['a timeout', 'GEOCODER_TIMEOUT', new UpstreamError('timeout', 'no complete answer within 5000 ms')],
    ['a 429', 'GEOCODER_RATE_LIMITED', status(429, 30_000)],
    ['a 503', 'GEOCODER_UNAVAILABLE', status(503)],
    ['a 403', 'GEOCODER_UNAVAILABLE', status(403)],
    ['a malformed body', 'GEOCODER_UNAVAILABLE', new UpstreamError('malformed', 'the body is not a Zippopotam place')],
    ['a network error', 'GEOCODER_UNAVAILABLE', new UpstreamError('network', 'network error (ECONNREFUSED)', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') })],
    ['an open circuit', 'GEOCODER_UNAVAILABLE', new BrokenCircuitError()],
    ['a full bulkhead', 'GEOCODER_UNAVAILABLE', new BulkheadRejectedError(1, 0)],
    ['a cancellation', 'GEOCODER_UNAVAILABLE', new TaskCancelledError()],
    ['a bug', 'GEOCODER_UNAVAILABLE', new Error('TypeError at /srv/app/x.js:1')],
  ];
  it.each(cases)('%s is %s, with a message free of internals', (_, code, error) => {
    const appError = toAppError(error, 'zippopotam');
    expect(appError.code).toBe(code);
    expect(appError.message).toMatch(/"zippopotam"|shutting down/);
    expect(appError.message).not.toMatch(/127\.0\.0\.1|ECONN|\/srv|\.js|Zippopotam place|within 5000|api_key|stack/i);
  });

  it('tells a 403 apart: the operator has to act', () => {
    expect(toAppError(status(403), 'geocodio').message).toBe(
      'The geocoder "geocodio" refused this service\'s credentials or quota (HTTP 403); its operator has to fix the configuration.',
    );
    expect(toAppError(status(429, 30_000), 'geocodio').message).toBe('The geocoder "geocodio" is rate limiting this service; try again later (it asked for 30 s).');
  });
});
