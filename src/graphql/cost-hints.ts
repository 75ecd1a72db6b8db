/**
 * Cost hints for routers with demand control: the `@listSize(assumedSize:)` of schema.graphql, set from the limits this
 * service runs with, so a router's estimates follow `MAX_DISTANCE_PAIRS` and `MAX_MATRIX_CELLS` (docs/federation.md).
 */
import { Kind, visit, type ConstArgumentNode, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { MAX_DATASETS } from '../gazetteer/datasets.js';

/** The limits the hints follow (a subset of `Limits`, limits.ts). */
export interface ListSizeLimits {
  readonly maxDistancePairs: number;
  readonly maxMatrixCells: number;
}

/** For a list as long as an input list (the cost spec sizes by `Int` arguments only): the geometric middle of 1 and the limit. */
export const assumedLength = (limit: number): number => Math.max(1, Math.round(Math.sqrt(limit)));

/** The side assumed for a matrix: rows × columns is {@link assumedLength} of the cell limit. */
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

/** `typeDefs` with each {@link LIST_SIZES} field's `assumedSize` set from `limits`; throws if a field has none to set. */
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

function withAssumedSize(directive: ConstDirectiveNode, size: number, found: () => void): ConstDirectiveNode {
  const args = directive.arguments?.map((arg): ConstArgumentNode => {
    if (arg.name.value !== 'assumedSize') return arg;
    found();
    return { ...arg, value: { kind: Kind.INT, value: String(size) } };
  });
  return { ...directive, arguments: args };
}
