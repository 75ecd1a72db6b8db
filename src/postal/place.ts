/** A place: a postal code resolved to a point and its place names, whoever resolved it. */
import type { PostalKey, PostalPrecision } from './postal-code.js';

/**
 * The longest place or region name accepted from a provider, a data file or the shared cache: real
 * names are well under 100 characters, and a longer "name" is an attack or a broken answer.
 */
export const MAX_NAME_LENGTH = 200;

/**
 * A postal code resolved to a point and its place: the model behind the GraphQL `Location`.
 * `postalCode` is the code asked (canonical); the data may hold only its first part.
 */
export interface Place extends PostalKey {
  /** The code of the data row that answered: `postalCode` itself, or its first part (`SW1A` for `SW1A 1AA`). */
  readonly matchedPostalCode: string;
  /** `PREFIX` when the answer is for the code's first part only. */
  readonly precision: PostalPrecision;
  readonly latitude: number;
  readonly longitude: number;
  readonly placeName: string | null;
  readonly adminName: string | null;
  readonly adminCode: string | null;
  /**
   * How the point was placed, on GeoNames' scale (its accuracy column: 1 estimated, 4 from the
   * GeoNames id of the place, 6 the centroid of the code's addresses or shape); null when the source
   * gives none (a blank column, every remote provider).
   */
  readonly accuracy: number | null;
  /**
   * What answered: a dataset in memory by its name (`US`, `DE`, `GB_full`, `allCountries`, a
   * GEONAMES_FILES file's name), `overrides` (DATA_OVERRIDES), or a remote provider's (`zippopotam`,
   * `geocodio`, `nominatim`).
   */
  readonly source: string;
}
