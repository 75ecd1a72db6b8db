/**
 * Root queries. Each looks every code up at once so they batch, and is synchronous when every code
 * is cached (see maybe-promise.ts). Sizes were checked before execution (operation/size.ts).
 */
import type { QueryResolvers } from '../../generated/resolvers-types.js';
import type { Located } from '../../geocoding/locator.js';
import { all, andThen, type MaybePromise } from '../../maybe-promise.js';
import { distanceBetween } from '../models/distance.js';
import { buildMatrix } from '../models/distance-matrix.js';

/** The country a code belongs to when the caller names none (also the schema's default). */
const DEFAULT_COUNTRY = 'US';

export const Query: QueryResolvers = {
  // An explicit `null` overrides a schema default, hence the `??` below despite the generated types.
  location: (_, { postalCode, countryCode }, { lookups }) => lookups.locate(postalCode, countryCode ?? DEFAULT_COUNTRY),

  distance: (_, { from, to, fromCountry, toCountry, method }, { lookups, budget }) => {
    const fromCc = fromCountry ?? DEFAULT_COUNTRY;
    const places = all([lookups.locate(from, fromCc), lookups.locate(to, toCountry ?? fromCc)]);
    return andThen(places, ([a, b]) => distanceBetween(a!, b!, method, budget));
  },

  distances: (_, { pairs, method }, { lookups, budget }) => {
    // Awaited as one list: graphql-js then completes plain values rather than a promise per pair.
    const located = new Array<MaybePromise<Located>>(pairs.length * 2);
    for (let i = 0; i < pairs.length; i++) {
      const { from, to, fromCountry, toCountry } = pairs[i]!;
      const fromCc = fromCountry ?? DEFAULT_COUNTRY;
      located[2 * i] = lookups.locate(from, fromCc);
      located[2 * i + 1] = lookups.locate(to, toCountry ?? fromCc);
    }
    return andThen(all(located), (places) => pairs.map((_pair, i) => distanceBetween(places[2 * i]!, places[2 * i + 1]!, method, budget)));
  },

  distanceMatrix: (_, { origins, destinations, originCountry, destinationCountry, method }, { lookups, budget }) => {
    const originCc = originCountry ?? DEFAULT_COUNTRY;
    const destinationCc = destinationCountry ?? originCc;
    // Both lists asked before either is awaited, so they share a batch.
    const located = [...origins.map((code) => lookups.locate(code, originCc)), ...destinations.map((code) => lookups.locate(code, destinationCc))];
    return andThen(all(located), (places) => buildMatrix(places.slice(0, origins.length), places.slice(origins.length), method, budget));
  },

  // No lookup: the point is given, and the codes found are built from the loaded data.
  nearestLocations: (_, args, { spatial, budget }) => spatial.nearest(args, budget),

  // A copy: the gazetteer's list is read-only, and the generated resolver type wants a mutable array.
  datasets: (_, _args, { datasets }) => [...datasets()],

  locationsInArea: (_, args, { spatial, budget }) => spatial.inArea(args, budget),

  locationsByPlace: (_, args, { names, budget }) => names.byName(args, budget),
};
