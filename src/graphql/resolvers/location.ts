/** The `Location` entity: resolved by key for routers, with `distanceTo`, `timeZone` and `nearby`. */
import { AppError } from '../../errors.js';
import type { LocationResolvers } from '../../generated/resolvers-types.js';
import { andThen } from '../../maybe-promise.js';
import { distanceBetween } from '../models/distance.js';

export const Location: LocationResolvers = {
  /** Every representation of an `_entities` call is resolved here in one tick, so the locator batches them into one lookup. */
  __resolveReference: (reference, { lookups }) => {
    // `_Any` is not validated by @apollo/subgraph: a representation may lack either key field.
    const { postalCode, countryCode } = reference as { postalCode?: unknown; countryCode?: unknown };
    if (typeof postalCode !== 'string' || typeof countryCode !== 'string') {
      return new AppError('BAD_USER_INPUT', 'A Location representation needs string fields postalCode and countryCode.');
    }
    return lookups.locate(postalCode, countryCode);
  },

  // Synchronous once the boundaries are loaded (geo-tz is), and with no lookup at all for a place seen before.
  timeZone: (place, _args, { timeZones }) => timeZones.zoneAt(place),

  // Not an async function: a cached target is measured synchronously, with no promise per location.
  distanceTo: (from, { postalCode, countryCode, method }, { lookups, budget }) =>
    andThen(lookups.locate(postalCode, countryCode ?? from.countryCode), (to) => distanceBetween(from, to, method, budget)),

  // Arguments were checked before execution (operation/size.ts); the search checks them again, and the countries.
  nearby: (origin, args, { spatial, budget }) => spatial.around(origin, args, budget),
};
