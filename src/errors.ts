/** A failure a client may see is an `AppError` with a stable `code`; graphql/error-boundary.ts masks anything else. */

/** The `extensions.code` values this service answers with, besides Apollo's own. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'POSTAL_CODE_NOT_FOUND'
  | 'TOO_MANY_POSTAL_CODES'
  | 'GEOCODER_UNAVAILABLE'
  | 'GEOCODER_TIMEOUT'
  | 'GEOCODER_RATE_LIMITED'
  | 'TIME_ZONE_UNAVAILABLE'
  | 'SPATIAL_DATA_UNAVAILABLE'
  | 'WORK_BUDGET_EXCEEDED';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const isAppError = (value: unknown): value is AppError => value instanceof AppError;

/** Shows at most `max` characters of user input in a message, so a 10,000-character input is not echoed back. */
export function quoteInput(input: string, max = 24): string {
  return JSON.stringify(input.length > max ? `${input.slice(0, max)}…` : input);
}
