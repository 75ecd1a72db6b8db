/**
 * What can go wrong talking to a remote geocoder, as one error class the resilience policies classify
 * by value. Its messages are for logs only: clients see the `AppError` failure.ts maps it to.
 */

export type UpstreamFailure =
  /** No complete answer within the per-attempt timeout (a slow start or a slow trickle of a body). */
  | 'timeout'
  /** Connection refused or reset, DNS, TLS, a body cut short. */
  | 'network'
  /** An HTTP status the provider's contract calls an error (403, 429, 5xx, ...). */
  | 'status'
  /** A body that breaks the contract: not JSON, the wrong shape, the wrong code, a batch of the wrong length. */
  | 'malformed'
  /** The service is shutting down and abandoned the call. */
  | 'cancelled';

export interface UpstreamErrorDetails {
  /** The HTTP status, for `status` failures. */
  readonly status?: number;
  /** What the provider's `Retry-After` asked for, in ms. */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly isUpstreamError = true;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly failure: UpstreamFailure,
    message: string,
    details: UpstreamErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export const isUpstreamError = (value: unknown): value is UpstreamError =>
  value instanceof Error && (value as Partial<UpstreamError>).isUpstreamError === true;

/** Worth another attempt: the provider may answer next time (5xx, 429, a dropped connection). */
export function isRetryable(error: unknown, maxDelayMs: number): boolean {
  if (!isUpstreamError(error)) return false;
  if (error.failure === 'network') return true;
  if (error.failure !== 'status' || error.status === undefined) return false;
  if (error.status !== 429 && error.status < 500) return false;
  // A provider asking for a longer wait than we hold a client gets no retry: the caller fails now.
  return error.retryAfterMs === undefined || error.retryAfterMs <= maxDelayMs;
}

/**
 * The provider itself is unwell: enough in a row open the circuit. Not a 429 (it asked us to slow
 * down) nor another 4xx (a bad key is a configuration error that failing fast would not fix).
 */
export function isProviderFault(error: unknown): boolean {
  if (!isUpstreamError(error)) return false;
  switch (error.failure) {
    case 'timeout':
    case 'network':
    case 'malformed':
      return true;
    case 'status':
      return error.status !== undefined && error.status >= 500;
    case 'cancelled':
      return false;
  }
}

export const malformed = (message: string): UpstreamError => new UpstreamError('malformed', message);
