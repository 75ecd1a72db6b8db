import type { Resolvers } from '../../generated/resolvers-types.js';
import { Location } from './location.js';
import { LocationEdge } from './location-edge.js';
import { LocationMatchEdge } from './location-match-edge.js';
import { Query } from './query.js';

/** Every resolver, assembled explicitly; every other type is served by default resolvers from its model. */
export const resolvers = { Query, Location, LocationEdge, LocationMatchEdge } satisfies Resolvers;
