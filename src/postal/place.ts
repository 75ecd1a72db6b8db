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
}
