import type { Resolvers } from '../../generated/resolvers-types.js';
import { Location } from './location.js';
import { Query } from './query.js';

/** Every resolver, assembled explicitly. Distance, DistanceMatrix and DistanceMatrixRow use default resolvers. */
export const resolvers = { Query, Location } satisfies Resolvers;
