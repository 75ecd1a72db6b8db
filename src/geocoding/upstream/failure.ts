/**
 * Turns a failed upstream call into the `AppError` a client sees for each of its codes.
 * Messages name the provider and what to do; never a URL, an upstream body, a key or a stack.
 */
import { isBrokenCircuitError, isBulkheadRejectedError, isTaskCancelledError } from 'cockatiel';
import { AppError } from '../../errors.js';
import type { GeocodeResult } from '../geocoder.js';
import { isUpstreamError } from './upstream-error.js';

export function toAppError(error: unknown, provider: string): AppError {
  const name = JSON.stringify(provider);
  if (isBrokenCircuitError(error)) {
    return new AppError('GEOCODER_UNAVAILABLE', `The geocoder ${name} is failing, so calls to it are paused for a short while; try again shortly.`);
  }
  if (isUpstreamError(error)) {
    switch (error.failure) {
      case 'timeout':
        return new AppError('GEOCODER_TIMEOUT', `The geocoder ${name} did not answer in time; try again.`);
      case 'status':
        if (error.status === 429) {
          const wait = error.retryAfterMs === undefined ? '' : ` (it asked for ${Math.ceil(error.retryAfterMs / 1000)} s)`;
          return new AppError('GEOCODER_RATE_LIMITED', `The geocoder ${name} is rate limiting this service; try again later${wait}.`);
        }
        if (error.status === 401 || error.status === 403) {
          return new AppError(
            'GEOCODER_UNAVAILABLE',
            `The geocoder ${name} refused this service's credentials or quota (HTTP ${error.status}); its operator has to fix the configuration.`,
          );
        }
        if (error.status !== undefined && error.status < 500) {
          return new AppError('GEOCODER_UNAVAILABLE', `The geocoder ${name} rejected the request (HTTP ${error.status}); try again later.`);
        }
        return new AppError('GEOCODER_UNAVAILABLE', `The geocoder ${name} failed (HTTP ${error.status ?? 'error'}); try again later.`);
      case 'malformed':
        return new AppError('GEOCODER_UNAVAILABLE', `The geocoder ${name} gave an answer this service cannot use; try again later.`);
      case 'network':
        return new AppError('GEOCODER_UNAVAILABLE', `The geocoder ${name} could not be reached; try again later.`);
      case 'cancelled':
        return new AppError('GEOCODER_UNAVAILABLE', 'The service is shutting down; try again.');
    }
  }
  if (isTaskCancelledError(error)) return new AppError('GEOCODER_UNAVAILABLE', 'The service is shutting down; try again.');
  if (isBulkheadRejectedError(error)) return new AppError('GEOCODER_UNAVAILABLE', `The geocoder ${name} is overloaded; try again later.`);
  return new AppError('GEOCODER_UNAVAILABLE', `The geocoder ${name} failed; try again later.`);
}

/** A per-key error result for a failed call. */
export const failed = (error: unknown, provider: string): GeocodeResult => ({ kind: 'error', error: toAppError(error, provider) });
