/**
 * Values read from a provider's answer. A coordinate not a finite number in range is rejected, not
 * repaired: a wrong coordinate is worse than an error. A string longer than any real name
 * (`MAX_NAME_LENGTH`) makes the answer malformed rather than a cache entry.
 */
import { z } from 'zod';
import { MAX_NAME_LENGTH } from '../postal/place.js';

/** Any string in a provider's answer: a name, a code, a number written as text. */
export const answerText = z.string().max(MAX_NAME_LENGTH);

/** A decimal number as providers write it in strings ("34.0901", "-118.4065"); no exponent, no blanks. */
const DECIMAL = /^[+-]?\d{1,3}(?:\.\d+)?$/;

/** Latitude in decimal degrees from a number or a decimal string, or `undefined` if it is not one in [-90, 90]. */
export function toLatitude(value: unknown): number | undefined {
  return inRange(toNumber(value), 90);
}

/** Longitude in decimal degrees from a number or a decimal string, or `undefined` if it is not one in [-180, 180]. */
export function toLongitude(value: unknown): number | undefined {
  return inRange(toNumber(value), 180);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  return undefined;
}

function inRange(value: number | undefined, limit: number): number | undefined {
  return value !== undefined && Number.isFinite(value) && Math.abs(value) <= limit ? value : undefined;
}
