/** The `LocationMatchEdge` type: served from its model (spatial/spatial-search.ts) but for its cursor. */
import type { LocationMatchEdgeResolvers } from '../../generated/resolvers-types.js';

export const LocationMatchEdge: LocationMatchEdgeResolvers = {
  // Computed only when asked for: a cursor costs two hashes, and most clients read only `endCursor`.
  cursor: ({ id, page }) => page.cursor(id),
};
