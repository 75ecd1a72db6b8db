/**
 * Checks of `Query.locationsByPlace`'s arguments, run before execution (operation/size.ts) and in
 * the search: each throws `AppError('BAD_USER_INPUT')` naming the argument, the rule and the value.
 */
import { AppError, quoteInput } from '../errors.js';
import { MAX_NAME_LENGTH } from '../postal/place.js';
import type { PlaceMatch } from './name-search.js';
import { normalizePlaceName, prefixForms } from './normalize.js';

/** `name`: at most MAX_NAME_LENGTH characters, a letter or digit, and for PREFIX `minPrefix` once normalized (one letter matches a fifth of a country's names). */
export function checkPlaceName(name: string, match: PlaceMatch, minPrefix: number): void {
  if (name.length > MAX_NAME_LENGTH) {
    throw new AppError('BAD_USER_INPUT', `\`name\` must be at most ${MAX_NAME_LENGTH} characters, got ${name.length}.`);
  }
  if (normalizePlaceName(name) === '') {
    throw new AppError('BAD_USER_INPUT', `\`name\` must have a letter or digit, got ${quoteInput(name)}.`);
  }
  const typed = prefixForms(name)[0]?.text ?? '';
  if (match === 'PREFIX' && typed.length < minPrefix) {
    throw new AppError(
      'BAD_USER_INPUT',
      `\`name\` must have at least ${minPrefix} characters for PREFIX, counted once case, accents and punctuation are set aside, got ${quoteInput(name)}.`,
    );
  }
}

/** The longest admin code accepted; GeoNames' are a few characters (`IL`, `BY`, `ENG`, `07`). */
const MAX_ADMIN_CODE_LENGTH = 20;
const ADMIN_CODE = /^[\p{L}\p{N}]+$/u;

/** The admin code to narrow to, in upper case; undefined when none is given. */
export function searchAdminCode(adminCode: string | null | undefined): string | undefined {
  if (adminCode === null || adminCode === undefined) return undefined;
  if (adminCode.length > MAX_ADMIN_CODE_LENGTH || !ADMIN_CODE.test(adminCode)) {
    throw new AppError(
      'BAD_USER_INPUT',
      `\`adminCode\` must be the code of a first-level administrative division as \`Location.adminCode\` gives it (letters and digits, at most ${MAX_ADMIN_CODE_LENGTH}: \`IL\`, \`BY\`), got ${quoteInput(adminCode)}.`,
    );
  }
  return adminCode.toUpperCase();
}
