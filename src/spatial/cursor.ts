/**
 * Opaque pagination cursors for the searches: a position in a search's order, bound to that search.
 * The spatial searches order by distance (a position is a distance and a key); the area and
 * place-name searches by keys alone (key cursors: a list of strings, compared in order).
 *
 * Keyset, not offset: a cursor holds the sort key of the last edge it follows, (distance in
 * metres, country, postal code), and the next page starts strictly after that key. So a page deep
 * in the list costs what the first does (the search skips everything provably before the key
 * without solving a geodesic, where an offset would have to rank every code before it), and
 * concatenated pages are the unpaged list exactly, with no duplicates and no gaps, because the
 * order is total. The distance is written as the shortest decimal that reads back as the same
 * double (JSON does that), so the comparison with freshly computed distances is exact.
 *
 * Binding: a cursor carries a tag of its search (a hash of everything that decides membership and
 * order: see `describeSearch` in search.ts) and a checksum over the tag and the position. A cursor
 * whose checksum fails was altered or is not a cursor; one whose tag differs belongs to another
 * search. Both are `BAD_USER_INPUT`. The checksum is not a secret MAC: someone who recomputes it can
 * forge a position, which only lets them start a page anywhere in a list they may read anyway.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';

/** Where a page starts: strictly after this sort key. */
export interface CursorPosition {
  /** Geodesic distance from the origin, in metres. */
  readonly meters: number;
  readonly countryCode: string;
  readonly postalCode: string;
}

const VERSION = 1;
/** Longer than any cursor we issue (about 120 characters): input beyond it is not decoded at all. */
const MAX_CURSOR_LENGTH = 256;
/** Characters of base64url kept from each SHA-256: 12 of the tag (72 bits), 16 of the checksum (96 bits). */
const TAG_LENGTH = 12;
const CHECK_LENGTH = 16;

const NOT_A_CURSOR =
  '`after` is not a cursor this search issued, or it was altered: pass the `endCursor` (or an edge\'s `cursor`) of a previous page unchanged, or omit `after` to start at the first page.';
const OTHER_SEARCH =
  '`after` is a cursor from another search: a cursor only continues the search that issued it (the same origin, `radius` or `within`, and `countryCodes`). Repeat that search with the same arguments, or omit `after` to start at the first page.';

const digest = (text: string, length: number): string => createHash('sha256').update(text).digest('base64url').slice(0, length);

/** The tag of a search, from a string that describes it completely (same string, same search). */
export const searchTag = (description: string): string => digest(description, TAG_LENGTH);

// Private: the checksum binds the position to the tag, so neither can be edited alone.
const checksum = (tag: string, meters: number, countryCode: string, postalCode: string): string =>
  digest(JSON.stringify([VERSION, tag, meters, countryCode, postalCode]), CHECK_LENGTH);

/** The cursor of `position` in the search tagged `tag`. */
export function encodeCursor(tag: string, position: CursorPosition): string {
  const { meters, countryCode, postalCode } = position;
  const fields = [VERSION, meters, countryCode, postalCode, tag, checksum(tag, meters, countryCode, postalCode)];
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/**
 * The position a cursor holds, if it was issued by the search tagged `tag` and is intact.
 * Throws `AppError('BAD_USER_INPUT')` otherwise, saying which of the two it is.
 */
export function decodeCursor(tag: string, cursor: string): CursorPosition {
  const fields = cursor.length <= MAX_CURSOR_LENGTH ? parseFields(cursor) : undefined;
  if (!fields) throw new AppError('BAD_USER_INPUT', NOT_A_CURSOR);
  const [, meters, countryCode, postalCode, cursorTag, check] = fields;
  if (check !== checksum(cursorTag, meters, countryCode, postalCode)) throw new AppError('BAD_USER_INPUT', NOT_A_CURSOR);
  if (cursorTag !== tag) throw new AppError('BAD_USER_INPUT', OTHER_SEARCH);
  return { meters, countryCode, postalCode };
}

type Fields = readonly [version: number, meters: number, countryCode: string, postalCode: string, tag: string, check: string];

/** The JSON a cursor encodes, or undefined when it is not base64url of JSON. */
function parseJson(cursor: string): unknown {
  const bytes = Buffer.from(cursor, 'base64url');
  // Node's decoder skips characters outside the alphabet; only the exact encoding we issue is accepted.
  if (bytes.toString('base64url') !== cursor) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

// Private: the fields of a well-formed cursor of this version, or undefined.
function parseFields(cursor: string): Fields | undefined {
  const value = parseJson(cursor);
  if (!Array.isArray(value) || value.length !== 6) return undefined;
  const [version, meters, countryCode, postalCode, tag, check] = value as unknown[];
  const wellFormed =
    version === VERSION &&
    typeof meters === 'number' &&
    Number.isFinite(meters) &&
    meters >= 0 &&
    typeof countryCode === 'string' &&
    typeof postalCode === 'string' &&
    typeof tag === 'string' &&
    typeof check === 'string';
  return wellFormed ? [version, meters, countryCode, postalCode, tag, check] : undefined;
}

/** Marks a key cursor, so that neither kind of cursor decodes as the other. */
const KEY_CURSOR = 'k1';
/**
 * Longer than any key cursor we issue: a key is at most a normalized place name (a data name of at
 * most MAX_NAME_LENGTH characters, which Unicode normalization may expand 18-fold at the very most)
 * and a country and postal code, as UTF-8 JSON in base64.
 */
const MAX_KEY_CURSOR_LENGTH = 16_384;

const keyChecksum = (tag: string, keys: readonly string[]): string => digest(JSON.stringify([KEY_CURSOR, tag, ...keys]), CHECK_LENGTH);

/** The cursor of the position `keys` (compared in order) in the search tagged `tag`. */
export function encodeKeyCursor(tag: string, keys: readonly string[]): string {
  return Buffer.from(JSON.stringify([KEY_CURSOR, ...keys, tag, keyChecksum(tag, keys)])).toString('base64url');
}

/**
 * The `arity` keys a key cursor holds, if it was issued by the search tagged `tag` and is intact.
 * Throws `AppError('BAD_USER_INPUT')` otherwise: `otherSearch` as the message when it belongs to
 * another search (it names what a search is made of), the same message as {@link decodeCursor}'s
 * when it is no cursor or was altered.
 */
export function decodeKeyCursor(tag: string, cursor: string, arity: number, otherSearch: string): readonly string[] {
  const value = cursor.length <= MAX_KEY_CURSOR_LENGTH ? parseJson(cursor) : undefined;
  const wellFormed = Array.isArray(value) && value.length === arity + 3 && value[0] === KEY_CURSOR && value.every((field) => typeof field === 'string');
  if (!wellFormed) throw new AppError('BAD_USER_INPUT', NOT_A_CURSOR);
  const fields = value as string[];
  const keys = fields.slice(1, arity + 1);
  const [cursorTag, check] = fields.slice(arity + 1) as [string, string];
  if (check !== keyChecksum(cursorTag, keys)) throw new AppError('BAD_USER_INPUT', NOT_A_CURSOR);
  if (cursorTag !== tag) throw new AppError('BAD_USER_INPUT', otherSearch);
  return keys;
}
