/**
 * Cost hints for routers: the `@listSize(assumedSize:)` of schema.graphql, set from the limits
 * this service is configured with.
 *
 * Routers with demand control (Apollo Router, Hive Gateway) read `@cost` and `@listSize` from the
 * subgraph schemas to estimate an operation before they plan it. The sizes written in
 * schema.graphql are the limits' defaults; a deployment that changes `MAX_DISTANCE_PAIRS`,
 * `MAX_MATRIX_CELLS` or `MAX_NEARBY_RESULTS` serves, and prints (`npm run schema:print`), the sizes it enforces instead,
 * so what a router estimates and what this subgraph refuses cannot drift apart.
 */
import { Kind, visit, type ConstArgumentNode, type ConstDirectiveNode, type DocumentNode } from 'graphql';

/** The limits the hints state (a subset of `Limits`, limits.ts). */
export interface ListSizeLimits {
  /** Most pairs in one `distances` call. */
  readonly maxDistancePairs: number;
  /** Most cells (origins × destinations) in one `distanceMatrix` call. */
  readonly maxMatrixCells: number;
  /** Largest page of a spatial search. */
  readonly maxNearbyResults: number;
}

/**
 * The side of the square matrix with `cells` cells, rounded up: a matrix's rows and each row's
 * distances are both sized at it, so their product (what the router multiplies) is at least the
 * cell limit. Either side alone may be longer in a narrow matrix (1 × 2,500); the total may not.
 */
export const matrixSide = (cells: number): number => Math.ceil(Math.sqrt(cells));

/** The `assumedSize` of each list-sized field, by canonical coordinate. */
export const LIST_SIZES: Readonly<Record<string, (limits: ListSizeLimits) => number>> = {
  'Query.distances': (limits) => limits.maxDistancePairs,
  'Query.distanceMatrix': (limits) => matrixSide(limits.maxMatrixCells),
  'DistanceMatrixRow.distances': (limits) => matrixSide(limits.maxMatrixCells),
  // Routers size these by `first` (their slicing argument); the assumed size is for one that does not.
  'Location.nearby': (limits) => limits.maxNearbyResults,
  'Query.nearestLocations': (limits) => limits.maxNearbyResults,
};

/**
 * The canonical `typeDefs` with the `assumedSize` of every field in {@link LIST_SIZES} set from
 * `limits`. Throws if one of those fields has no `@listSize(assumedSize:)` to set (a schema edit
 * that forgot the table, caught by the tests).
 */
export function withListSizes(typeDefs: DocumentNode, limits: ListSizeLimits): DocumentNode {
  const pending = new Set(Object.keys(LIST_SIZES));
  let parent = '';
  const document = visit(typeDefs, {
    ObjectTypeDefinition: { enter: (node) => void (parent = node.name.value) },
    ObjectTypeExtension: { enter: (node) => void (parent = node.name.value) },
    FieldDefinition(node) {
      const coordinate = `${parent}.${node.name.value}`;
      const size = LIST_SIZES[coordinate];
      if (!size) return undefined;
      const directives = node.directives?.map((directive) => (directive.name.value === 'listSize' ? withAssumedSize(directive, size(limits), () => pending.delete(coordinate)) : directive));
      return { ...node, directives };
    },
  });
  if (pending.size > 0) throw new Error(`No @listSize(assumedSize:) to set on ${[...pending].join(', ')}`);
  return document;
}

// Private: the directive with its `assumedSize` argument set to `size`; `found` is called if it had one.
function withAssumedSize(directive: ConstDirectiveNode, size: number, found: () => void): ConstDirectiveNode {
  const args = directive.arguments?.map((arg): ConstArgumentNode => {
    if (arg.name.value !== 'assumedSize') return arg;
    found();
    return { ...arg, value: { kind: Kind.INT, value: String(size) } };
  });
  return { ...directive, arguments: args };
}
