/** The model behind the GraphQL `Location`: a postal code resolved to a point and its place names, by any source. */
import type { PostalKey, PostalPrecision } from './postal-code.js';

/** The longest place or region name accepted from any source: a longer one is an attack or a broken answer. */
export const MAX_NAME_LENGTH = 200;

export interface Place extends PostalKey {
  /** The code of the row that answered: `postalCode` (the code asked), or its first part (`SW1A` of `SW1A 1AA`). */
  readonly matchedPostalCode: string;
  readonly precision: PostalPrecision;
  readonly latitude: number;
  readonly longitude: number;
  readonly placeName: string | null;
  readonly adminName: string | null;
  readonly adminCode: string | null;
  /** How the point was placed, on GeoNames' accuracy scale (docs/data.md); null when the source gives none. */
  readonly accuracy: number | null;
  /** What answered: a loaded dataset's name (`US`, `GB_full`), `overrides`, or a remote provider's (`geocodio`). */
  readonly source: string;
}
