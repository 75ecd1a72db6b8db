/** The `Location` entity: resolved by key for routers, and measured from with `distanceTo`. */
import { AppError } from '../../errors.js';
import type { LocationResolvers } from '../../generated/resolvers-types.js';
import { distanceBetween } from './distance.js';

export const Location: LocationResolvers = {
  /**
   * A router's `_entities` call resolves every representation here in the same tick,
   * so the locator's DataLoader turns hundreds of them into one geocoder batch.
   */
  __resolveReference: (reference, { locator }) => {
    // `_Any` is not validated by @apollo/subgraph: a representation may lack either key field.
    const { postalCode, countryCode } = reference as { postalCode?: unknown; countryCode?: unknown };
    if (typeof postalCode !== 'string' || typeof countryCode !== 'string') {
      return new AppError('BAD_USER_INPUT', 'A Location representation needs string fields postalCode and countryCode.');
    }
    return locator.locate(postalCode, countryCode);
  },

  // A `then` rather than an async function: one promise per location instead of two (100 per `_entities` call).
  distanceTo: (from, { postalCode, countryCode, method }, { locator }) =>
    locator.locate(postalCode, countryCode ?? from.countryCode).then((to) => distanceBetween(from, to, method)),
};
