/**
 * Opaque keyset cursors, each bound to one search. A cursor holds its edge's sort key (metres,
 * country, postal code; keys alone for searches ordered by key) and the next page starts strictly
 * after it, so pages concatenate to the whole list with no repeat or gap and a deep page costs what
 * the first does. JSON writes the shortest decimal that reads back as the same double, so distances
 * compare exactly. The search's tag (`tagOf` in search.ts) and a checksum over tag and position make
 * an altered or foreign cursor `BAD_USER_INPUT`; the checksum is no MAC (a forgery only moves a page).
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';

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

const checksum = (tag: string, meters: number, countryCode: string, postalCode: string): string =>
  digest(JSON.stringify([VERSION, tag, meters, countryCode, postalCode]), CHECK_LENGTH);

export function encodeCursor(tag: string, position: CursorPosition): string {
  const { meters, countryCode, postalCode } = position;
  const fields = [VERSION, meters, countryCode, postalCode, tag, checksum(tag, meters, countryCode, postalCode)];
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/** The position `cursor` holds; `AppError('BAD_USER_INPUT')` unless the search tagged `tag` issued it intact. */
export function decodeCursor(tag: string, cursor: string): CursorPosition {
  const fields = cursor.length <= MAX_CURSOR_LENGTH ? parseFields(cursor) : undefined;
  if (!fields) throw new AppError('BAD_USER_INPUT', NOT_A_CURSOR);
  const [, meters, countryCode, postalCode, cursorTag, check] = fields;
  if (check !== checksum(cursorTag, meters, countryCode, postalCode)) throw new AppError('BAD_USER_INPUT', NOT_A_CURSOR);
  if (cursorTag !== tag) throw new AppError('BAD_USER_INPUT', OTHER_SEARCH);
  return { meters, countryCode, postalCode };
}

type Fields = readonly [version: number, meters: number, countryCode: string, postalCode: string, tag: string, check: string];

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
// Longer than any key cursor we issue: a normalized place name (MAX_NAME_LENGTH characters, at most
// 18-fold after Unicode normalization) and a country and postal code, as base64 of UTF-8 JSON.
const MAX_KEY_CURSOR_LENGTH = 16_384;

const keyChecksum = (tag: string, keys: readonly string[]): string => digest(JSON.stringify([KEY_CURSOR, tag, ...keys]), CHECK_LENGTH);

export function encodeKeyCursor(tag: string, keys: readonly string[]): string {
  return Buffer.from(JSON.stringify([KEY_CURSOR, ...keys, tag, keyChecksum(tag, keys)])).toString('base64url');
}

/** The `arity` keys held; `BAD_USER_INPUT`: `otherSearch` for another search's cursor, else {@link decodeCursor}'s. */
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
