/**
 * The loaded codes inside an area (`Query.locationsInArea`), by country then postal code, one page at
 * a time. Pure. A code on the boundary is inside: kdbush's `range` is inclusive, and a polygon keeps
 * what point-in-polygon-hao finds inside or on an edge (a hole's too); it uses robust orientation
 * predicates and tells on-edge from inside, the one library weighed that does both (turf builds on it).
 * `totalCount` counts every member, so a page costs what the whole area does; the page is the
 * `first` smallest ids after the cursor's key (country, postal code).
 */
import inside from 'point-in-polygon-hao';
import quickselect from 'quickselect';
import { at } from '../arrays.js';
import type { Area } from './area.js';
import { decodeKeyCursor, encodeKeyCursor, searchTag } from './cursor.js';
import { checkFirst, type KeyPage, type KeyPageRequest } from './key-page.js';
import type { SpatialIndex } from './spatial-index.js';

export interface AreaQuery {
  readonly area: Area;
  readonly countryCodes?: readonly string[] | undefined;
}

/** Polygon edges tested per unit of work (WORK_BUDGET's unit: about one geodesic); a candidate costs at least one. */
export const EDGES_PER_UNIT = 400;

const OTHER_SEARCH =
  '`after` is a cursor from another search: a cursor only continues the search that issued it (the same `boundingBox` or `polygon`, and `countryCodes`). Repeat that search with the same arguments, or omit `after` to start at the first page.';

/** One page inside `query.area`: `BAD_USER_INPUT` for another search's cursor; the budget's error once spent. */
export function searchArea(index: SpatialIndex, query: AreaQuery, request: KeyPageRequest): KeyPage {
  checkFirst(request.first);
  const { area, countryCodes } = query;
  const tag = searchTag(JSON.stringify(['area', area.kind === 'box' ? area.boxes : area.rings, countryCodes ?? null]));
  const after = request.after ? decodeKeyCursor(tag, request.after, 2, OTHER_SEARCH) : undefined;
  const firstId = after ? index.idAfter(at(after, 0), at(after, 1)) : 0;
  const countries = countryCodes === undefined ? index.countries.map((_, country) => country) : countryCodes.flatMap((code) => index.countryIndex(code) ?? []);
  const boxes = area.kind === 'box' ? area.boxes : [area.box];
  const unitsPerCandidate = area.kind === 'polygon' ? Math.max(1, Math.ceil(area.edges / EDGES_PER_UNIT)) : 1;
  // The library's types ask for mutable arrays; it only reads them.
  const rings = area.kind === 'polygon' ? (area.rings as unknown as number[][][]) : undefined;
  const point = [0, 0];

  let totalCount = 0;
  const following: number[] = [];
  for (const country of countries) {
    const { tree, firstId: countryFirstId, box } = at(index.trees, country);
    for (const [west, south, east, north] of boxes) {
      if (west > box[2] || east < box[0] || south > box[3] || north < box[1]) continue; // no code of this country is in this box
      const candidates = tree.range(west, south, east, north);
      request.budget?.charge(candidates.length * unitsPerCandidate);
      for (const local of candidates) {
        const id = countryFirstId + local;
        if (rings) {
          point[0] = at(index.longitudes, id);
          point[1] = at(index.latitudes, id);
          if (inside(point, rings) === false) continue; // true inside, 0 on the boundary
        }
        totalCount++;
        if (id >= firstId) following.push(id);
      }
    }
  }

  const { first } = request;
  // The first + 1 smallest ids, in order: one more than the page, to know whether another follows.
  if (following.length > first + 1) quickselect(following, first);
  const ids = following.slice(0, first + 1).sort((a, b) => a - b);
  const hasNextPage = ids.length > first;
  if (hasNextPage) ids.pop();
  request.budget?.charge(ids.length);
  const { countries: countryCodeOf, countryOf, postalCodes } = index;
  return {
    ids,
    totalCount,
    hasNextPage,
    cursor: (id) => encodeKeyCursor(tag, [at(countryCodeOf, at(countryOf, id)), at(postalCodes, id)]),
  };
}
