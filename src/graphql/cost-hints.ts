/**
 * Cost hints for routers: the `@listSize(assumedSize:)` of schema.graphql, set from the limits
 * this service is configured with.
 *
 * Routers with demand control (Apollo Router, Hive Gateway) read `@cost` and `@listSize` from the
 * subgraph schemas to estimate an operation before they send it. The sizes written in
 * schema.graphql follow the limits' defaults; a deployment that changes `MAX_DISTANCE_PAIRS` or
 * `MAX_MATRIX_CELLS` serves, and prints (`npm run schema:print`), the sizes that follow its own,
 * so the estimates and the limits this subgraph enforces cannot drift apart.
 */
import { Kind, visit, type ConstArgumentNode, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { MAX_DATASETS } from '../gazetteer/datasets.js';

/** The limits the hints follow (a subset of `Limits`, limits.ts). */
export interface ListSizeLimits {
  /** Most pairs in one `distances` call. */
  readonly maxDistancePairs: number;
  /** Most cells (origins × destinations) in one `distanceMatrix` call. */
  readonly maxMatrixCells: number;
}

/**
 * The size a router assumes for a list as long as an input list (`pairs`; a matrix's `origins`
 * and `destinations`): the cost spec sizes a list only by an `Int` argument, so the size cannot
 * follow the input. The geometric middle of 1 and the limit, rounded, so that no call is estimated
 * more than about √limit times off its real size either way (32 of 1,000 pairs).
 */
export const assumedLength = (limit: number): number => Math.max(1, Math.round(Math.sqrt(limit)));

/**
 * The side a router assumes for a matrix: rows × distances is {@link assumedLength} of the cell
 * limit (7 × 7 = 49 of 2,500 cells), the same middle for the cells as for `pairs`.
 */
export const matrixSide = (cells: number): number => assumedLength(assumedLength(cells));

/** The `assumedSize` of each list-sized field, by canonical coordinate. */
export const LIST_SIZES: Readonly<Record<string, (limits: ListSizeLimits) => number>> = {
  'Query.distances': (limits) => assumedLength(limits.maxDistancePairs),
  'DistanceMatrix.origins': (limits) => matrixSide(limits.maxMatrixCells),
  'DistanceMatrix.destinations': (limits) => matrixSide(limits.maxMatrixCells),
  'DistanceMatrix.rows': (limits) => matrixSide(limits.maxMatrixCells),
  'DistanceMatrixRow.distances': (limits) => matrixSide(limits.maxMatrixCells),
  // Bounded by the files the service can load, not by a setting.
  'Query.datasets': () => assumedLength(MAX_DATASETS),
  // `nearby` and `nearestLocations` are sized by `first` alone: it always has a value (a default),
  // and an `assumedSize` beside a slicing argument with a default is an error to Cosmo's composition.
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
