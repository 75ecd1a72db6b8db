/** The `LocationEdge` type: served from its model (spatial/spatial-search.ts) but for its cursor. */
import type { LocationEdgeResolvers } from '../../generated/resolvers-types.js';
import { edgeCursor } from '../../spatial/search.js';

export const LocationEdge: LocationEdgeResolvers = {
  // Computed only when asked for: a cursor costs two hashes, and most clients read only `endCursor`.
  cursor: ({ search, position }) => edgeCursor(search, position),
};
