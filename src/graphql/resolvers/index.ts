import type { Resolvers } from '../../generated/resolvers-types.js';
import { Location } from './location.js';
import { LocationEdge } from './location-edge.js';
import { Query } from './query.js';

/**
 * Every resolver, assembled explicitly. Distance, DistanceMatrix, DistanceMatrixRow,
 * LocationConnection and LocationPageInfo use default resolvers.
 */
export const resolvers = { Query, Location, LocationEdge } satisfies Resolvers;
