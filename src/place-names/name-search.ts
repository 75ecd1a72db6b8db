/**
 * The place-name search (`Query.locationsByPlace`) over a name index: the loaded codes whose place
 * name is the one asked (EXACT) or begins with it (PREFIX), one page at a time. Pure: no GraphQL,
 * no I/O.
 *
 * Order. EXACT: by country code, then postal code. PREFIX: by how well the name matches, then by
 * country code and postal code, where how well a name matches the query (both normalized) is, in
 * this order of importance:
 *  1. the whole name is the query (`beverly` for `Beverly`), before
 *  2. the query ends where a word of the name ends (`beverly` for `Beverly Hills`), before
 *  3. the query ends inside a word (`bever` for both);
 *  4. then the fewer characters the name has beyond the query, the better (`Beverly` before
 *     `Beverly Hills` for `bever`);
 *  5. and names that match equally well in the string order of their normalized forms, so that the
 *     codes of one name are never split by another's.
 * A query whose last word is an abbreviation also matches the word it abbreviates, whole
 * (normalize.ts `prefixForms`), and such a name is ranked against that word: for `st`, `Saint
 * Louis` matches as `saint` ending at a word's end (2).
 *
 * A cursor holds its edge's normalized name, country and postal code. Each search ranks the names
 * that match (a few thousand at most in the US data for a two-letter prefix) and walks their codes
 * in order to the page's end; `totalCount` comes from the runs' lengths, or, with `countryCodes` or
 * `adminCode`, from looking at every code of every name that matches.
 */
import { at } from '../arrays.js';
import { decodeKeyCursor, encodeKeyCursor, searchTag } from '../spatial/cursor.js';
import { checkFirst, type KeyPage, type KeyPageRequest } from '../spatial/key-page.js';
import type { SpatialIndex } from '../spatial/spatial-index.js';
import type { NameRange, PlaceNameIndex } from './name-index.js';
import { normalizePlaceName, prefixForms, type PrefixForm } from './normalize.js';

export type PlaceMatch = 'EXACT' | 'PREFIX';

export interface NameQuery {
  /** The name asked for, as given (arguments.ts checks it). */
  readonly name: string;
  readonly match: PlaceMatch;
  /** Only codes of these countries (canonical ISO 3166-1 alpha-2); omitted: every country. */
  readonly countryCodes?: readonly string[] | undefined;
  /** Only codes of this first-level admin code (any case); omitted: every one. */
  readonly adminCode?: string | undefined;
}

const OTHER_SEARCH =
  '`after` is a cursor from another search: a cursor only continues the search that issued it (the same `name`, `match`, `countryCodes` and `adminCode`). Repeat that search with the same arguments, or omit `after` to start at the first page.';

/** A name's rank as one number: (tier, characters beyond the query, index in the sorted names); smaller is better. */
const TIER = 2 ** 44;
const EXTRA = 2 ** 24;
/** The most names an index may hold for ranks to stay exact (2^24); and the most characters beyond a query that are told apart (2^20). */
const MAX_NAMES = EXTRA;
const MAX_EXTRA = TIER / EXTRA - 1;

/** The tier (0, 1, 2 above) of a name matching a form, and its characters beyond the form's text. */
function tierOf(name: string, form: PrefixForm): { tier: number; extra: number } {
  const { text } = form;
  const tier = name.length === text.length ? 0 : name.charCodeAt(text.length) === 0x20 ? 1 : 2;
  return { tier, extra: Math.min(name.length - text.length, MAX_EXTRA) };
}

/** Whether a normalized name matches a form. */
const matches = (name: string, { text, wholeWord }: PrefixForm): boolean =>
  name.startsWith(text) && (!wholeWord || name.length === text.length || name.charCodeAt(text.length) === 0x20);

/**
 * One page of the codes matching `query`, after the cursor `request.after`. Throws
 * `AppError('BAD_USER_INPUT')` when that cursor is not one this search issued, and the budget's
 * error once it is spent.
 */
export function searchByName(names: PlaceNameIndex, index: SpatialIndex, query: NameQuery, request: KeyPageRequest): KeyPage {
  checkFirst(request.first);
  if (names.names.length > MAX_NAMES) throw new RangeError(`more than ${MAX_NAMES} distinct place names`);
  const forms: readonly PrefixForm[] = query.match === 'EXACT' ? [{ text: normalizePlaceName(query.name), wholeWord: true }] : prefixForms(query.name);
  const tag = searchTag(JSON.stringify(['name', query.match, forms.map((form) => form.text), query.countryCodes ?? null, query.adminCode?.toUpperCase() ?? null]));
  const filter = codeFilter(names, index, query);
  const budget = request.budget;

  // Every matching name, ranked (the forms' runs are disjoint: their texts differ before either ends).
  const ranked: number[] = [];
  let totalCount = 0;
  for (const form of forms) {
    const range: NameRange = query.match === 'EXACT' ? names.exact(form.text) : names.beginningWith(form);
    budget?.charge(range.end - range.start);
    for (let name = range.start; name < range.end; name++) {
      const codes = names.codeRange(name);
      let count = codes.end - codes.start;
      if (filter) {
        budget?.charge(count);
        count = 0;
        for (let i = codes.start; i < codes.end; i++) if (filter(names.idAt(i))) count++;
      }
      if (count === 0) continue;
      totalCount += count;
      const { tier, extra } = tierOf(at(names.names, name), form);
      ranked.push(tier * TIER + extra * EXTRA + name);
    }
  }

  // Where the cursor is: its name's rank, and the first id after it among that name's codes.
  let from = { rank: -1, id: 0 };
  if (request.after) {
    const [name, countryCode, postalCode] = decodeKeyCursor(tag, request.after, 3, OTHER_SEARCH) as [string, string, string];
    const form = forms.find((f) => matches(name, f));
    if (form === undefined) throw new Error(`a cursor of this search holds ${JSON.stringify(name)}, which it does not match`);
    const position = names.lowerBound(name, 0);
    const { tier, extra } = tierOf(name, form);
    // A name no longer held sorts just before the name that took its place.
    from = names.names[position] === name ? { rank: tier * TIER + extra * EXTRA + position, id: index.idAfter(countryCode, postalCode) } : { rank: tier * TIER + extra * EXTRA + position - 0.5, id: 0 };
  }

  const following = Float64Array.from(ranked.filter((rank) => rank >= from.rank)).sort();
  const ids: number[] = [];
  const idName: number[] = [];
  const limit = request.first + 1;
  for (const rank of following) {
    const name = rank % EXTRA;
    const codes = names.codeRange(name);
    for (let i = codes.start; i < codes.end && ids.length < limit; i++) {
      const id = names.idAt(i);
      if (rank === from.rank && id < from.id) continue;
      if (filter && !filter(id)) continue;
      ids.push(id);
      idName.push(name);
    }
    if (ids.length === limit) break;
  }
  const hasNextPage = ids.length > request.first;
  if (hasNextPage) ids.pop();
  budget?.charge(ids.length);
  const nameOfId = new Map(ids.map((id, i) => [id, at(idName, i)]));
  const { countries, countryOf, postalCodes } = index;
  return {
    ids,
    totalCount,
    hasNextPage,
    cursor: (id) => encodeKeyCursor(tag, [at(names.names, nameOfId.get(id) ?? -1), at(countries, at(countryOf, id)), at(postalCodes, id)]),
  };
}

/** Whether a code passes `countryCodes` and `adminCode`; undefined when neither is given. */
function codeFilter(names: PlaceNameIndex, index: SpatialIndex, query: NameQuery): ((id: number) => boolean) | undefined {
  const { countryCodes, adminCode } = query;
  if (countryCodes === undefined && adminCode === undefined) return undefined;
  const countries = new Uint8Array(index.countries.length);
  for (const code of countryCodes ?? index.countries) {
    const country = index.countryIndex(code);
    if (country !== undefined) countries[country] = 1;
  }
  // An admin code no loaded code has matches nothing (-1 is no code's).
  const admin = adminCode === undefined ? undefined : (names.adminId(adminCode) ?? -1);
  return (id) => countries[at(index.countryOf, id)] === 1 && (admin === undefined || names.adminOfId(id) === admin);
}
