import type { Resolvers } from '../../generated/resolvers-types.js';
import { Location } from './location.js';
import { LocationEdge } from './location-edge.js';
import { LocationMatchEdge } from './location-match-edge.js';
import { Query } from './query.js';

/**
 * Every resolver, assembled explicitly. Distance, DistanceMatrix, DistanceMatrixRow,
 * LocationConnection, LocationMatchConnection and LocationPageInfo use default resolvers.
 */
export const resolvers = { Query, Location, LocationEdge, LocationMatchEdge } satisfies Resolvers;
