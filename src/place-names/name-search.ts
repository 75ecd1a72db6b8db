/**
 * The place-name search (`Query.locationsByPlace`) over a name index, one page at a time; pure.
 * Order (docs/search.md): EXACT by country code, then postal code. PREFIX by how well the name
 * matches, then country and postal code; how well, first to last: (1) the name is the query, (2) the
 * query ends a word of it, (3) it ends inside a word; (4) fewer characters beyond the query; (5) the
 * normalized names' string order, so one name's codes are never split by another's. A name matched
 * through an abbreviation (`st`) ranks against the word it abbreviates (`saint`). A cursor holds
 * its edge's normalized name, country and postal code.
 */
import { at } from '../arrays.js';
import { decodeKeyCursor, encodeKeyCursor, searchTag } from '../spatial/cursor.js';
import { checkFirst, type KeyPage, type KeyPageRequest } from '../spatial/key-page.js';
import type { SpatialIndex } from '../spatial/spatial-index.js';
import type { NameRange, PlaceNameIndex } from './name-index.js';
import { normalizePlaceName, prefixForms, type PrefixForm } from './normalize.js';

export type PlaceMatch = 'EXACT' | 'PREFIX';

export interface NameQuery {
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

/** The rank of a name matching a form, but for its index among the names: its tier ((1) to (3) above) and characters beyond the form's text. */
function rankOf(name: string, { text }: PrefixForm): number {
  const tier = name.length === text.length ? 0 : name.charCodeAt(text.length) === 0x20 ? 1 : 2;
  return tier * TIER + Math.min(name.length - text.length, MAX_EXTRA) * EXTRA;
}

const matches = (name: string, { text, wholeWord }: PrefixForm): boolean =>
  name.startsWith(text) && (!wholeWord || name.length === text.length || name.charCodeAt(text.length) === 0x20);

/** One page of the codes matching `query` after `request.after`; throws `AppError('BAD_USER_INPUT')` for a cursor this search did not issue. */
export function searchByName(names: PlaceNameIndex, index: SpatialIndex, query: NameQuery, request: KeyPageRequest): KeyPage {
  checkFirst(request.first);
  if (names.names.length > MAX_NAMES) throw new RangeError(`more than ${MAX_NAMES} distinct place names`);
  const forms: readonly PrefixForm[] = query.match === 'EXACT' ? [{ text: normalizePlaceName(query.name), wholeWord: true }] : prefixForms(query.name);
  const tag = searchTag(JSON.stringify(['name', query.match, forms.map((form) => form.text), query.countryCodes ?? null, query.adminCode?.toUpperCase() ?? null]));
  const filter = codeFilter(names, index, query);
  const budget = request.budget;

  // Every matching name, ranked (the forms' runs are disjoint: their texts differ before either ends).
  const ranges = forms.map((form): NameRange => (query.match === 'EXACT' ? names.exact(form.text) : names.beginningWith(form)));
  const ranked = new Float64Array(ranges.reduce((sum, { start, end }) => sum + end - start, 0));
  let matched = 0;
  let totalCount = 0;
  for (const [i, range] of ranges.entries()) {
    const form = at(forms, i);
    budget?.charge(range.end - range.start);
    if (!filter) totalCount += names.codesIn(range);
    for (let name = range.start; name < range.end; name++) {
      if (filter) {
        const start = names.codesStart(name);
        const end = names.codesStart(name + 1);
        budget?.charge(end - start);
        let count = 0;
        for (let position = start; position < end; position++) if (filter(names.idAt(position))) count++;
        if (count === 0) continue;
        totalCount += count;
      }
      ranked[matched++] = rankOf(at(names.names, name), form) + name;
    }
  }

  let from = { rank: -1, id: 0 };
  if (request.after) {
    const [name, countryCode, postalCode] = decodeKeyCursor(tag, request.after, 3, OTHER_SEARCH) as [string, string, string];
    const form = forms.find((f) => matches(name, f));
    if (form === undefined) throw new Error(`a cursor of this search holds ${JSON.stringify(name)}, which it does not match`);
    const position = names.lowerBound(name, 0);
    const rank = rankOf(name, form) + position;
    // A name no longer held sorts just before the name that took its place.
    from = names.names[position] === name ? { rank, id: index.idAfter(countryCode, postalCode) } : { rank: rank - 0.5, id: 0 };
  }

  const following = ranked.subarray(0, matched).filter((rank) => rank >= from.rank).sort();
  const ids: number[] = [];
  const idName: number[] = [];
  const limit = request.first + 1;
  for (const rank of following) {
    const name = rank % EXTRA;
    const end = names.codesStart(name + 1);
    for (let position = names.codesStart(name); position < end && ids.length < limit; position++) {
      const id = names.idAt(position);
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
