import { getNamedType, isListType, isNonNullType, isObjectType, Kind, parse, print, type GraphQLField } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { assumedLength, LIST_SIZES, matrixSide, withListSizes } from '../../src/graphql/cost-hints.js';
import { MAX_DATASETS } from '../../src/gazetteer/datasets.js';
import { createSchema, typeDefs } from '../../src/graphql/schema.js';

const defaults = loadConfig({}).limits;

/** Every `@listSize` of the schema as `Type.field: arguments`, printed. */
function listSizes(document: typeof typeDefs): string[] {
  const found: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      for (const directive of field.directives ?? []) {
        if (directive.name.value === 'listSize') found.push(`${definition.name.value}.${field.name.value}: ${print(directive)}`);
      }
    }
  }
  return found;
}

describe('cost hints from the configured limits', () => {
  it('assumes a list as long as an input list is the geometric middle of 1 and its limit', () => {
    expect([1_000, 100, 1, 0].map(assumedLength)).toEqual([32, 10, 1, 1]);
  });

  it('assumes a matrix side whose square is that middle of the cell limit', () => {
    expect([2_500, 1_000, 1, 1_000_000].map(matrixSide)).toEqual([7, 6, 1, 32]);
  });

  it('writes the default limits in schema.graphql, so the file states what an unconfigured service serves', () => {
    expect(print(withListSizes(typeDefs, defaults))).toBe(print(typeDefs));
    expect(listSizes(typeDefs)).toEqual([
      'Location.nearby: @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
      'DistanceMatrix.origins: @listSize(assumedSize: 7)',
      'DistanceMatrix.destinations: @listSize(assumedSize: 7)',
      'DistanceMatrix.rows: @listSize(assumedSize: 7)',
      'DistanceMatrixRow.distances: @listSize(assumedSize: 7)',
      'Query.distances: @listSize(assumedSize: 32)',
      'Query.nearestLocations: @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
      'Query.datasets: @listSize(assumedSize: 25)',
      'Query.locationsInArea: @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
      'Query.locationsByPlace: @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
    ]);
  });

  it('gives no @listSize both an assumedSize and a slicing argument (Cosmo refuses it when the argument has a default)', () => {
    const both = listSizes(typeDefs).filter((line) => line.includes('assumedSize') && line.includes('slicingArguments'));
    expect(both).toEqual([]);
  });

  it('assumes the datasets list the geometric middle of 1 and the most files the service can load', () => {
    expect(MAX_DATASETS).toBe(603); // the bundled file, allCountries, 250 countries' files and full-code files, 100 GEONAMES_FILES, the overrides
    expect(LIST_SIZES['Query.datasets']?.(defaults)).toBe(25);
  });

  it('states the configured limits instead', () => {
    const limits = loadConfig({ MAX_DISTANCE_PAIRS: '200', MAX_MATRIX_CELLS: '10000' }).limits;
    expect(listSizes(withListSizes(typeDefs, limits))).toEqual([
      'Location.nearby: @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
      'DistanceMatrix.origins: @listSize(assumedSize: 10)',
      'DistanceMatrix.destinations: @listSize(assumedSize: 10)',
      'DistanceMatrix.rows: @listSize(assumedSize: 10)',
      'DistanceMatrixRow.distances: @listSize(assumedSize: 10)',
      'Query.distances: @listSize(assumedSize: 14)',
      'Query.nearestLocations: @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
      'Query.datasets: @listSize(assumedSize: 25)',
      'Query.locationsInArea: @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
      'Query.locationsByPlace: @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
    ]);
  });

  it('fails loudly when a field of the table has no @listSize(assumedSize:) to set', () => {
    const bare = parse('type Query { distances: [Int] distanceMatrix: Int @listSize(sizedFields: ["a"]) } type DistanceMatrixRow { distances: [Int] @listSize(assumedSize: 1) }');
    expect(() => withListSizes(bare, defaults)).toThrow('No @listSize(assumedSize:) to set on Query.distances, DistanceMatrix.origins, DistanceMatrix.destinations, DistanceMatrix.rows');
  });

  it('gives every list the schema defines a size: its own @listSize, or its parent field sizes it', () => {
    // A list without one is sized by the router's configured default, which knows nothing of our limits.
    // Federation's own fields (`_entities`) and introspection are not ours to annotate.
    const fields = Object.values(createSchema().getTypeMap())
      .filter(isObjectType)
      .filter((type) => !type.name.startsWith('_')) // introspection's and federation's types
      .flatMap((type) => Object.values(type.getFields()).map((field: GraphQLField<unknown, unknown>) => ({ coordinate: `${type.name}.${field.name}`, field })))
      .filter(({ field }) => !field.name.startsWith('_'));
    const sized = new Set<string>();
    for (const { coordinate, field } of fields) {
      const listSize = field.astNode?.directives?.find((d) => d.name.value === 'listSize');
      if (!listSize) continue;
      sized.add(coordinate);
      const sizedFields = listSize.arguments?.find((a) => a.name.value === 'sizedFields')?.value;
      if (sizedFields?.kind === Kind.LIST) for (const item of sizedFields.values) if (item.kind === Kind.STRING) sized.add(`${getNamedType(field.type).name}.${item.value}`);
    }
    const lists = fields.filter(({ field }) => isListType(isNonNullType(field.type) ? field.type.ofType : field.type)).map(({ coordinate }) => coordinate);
    expect(lists.filter((coordinate) => !sized.has(coordinate))).toEqual([]);
    expect(lists.sort()).toEqual([
      'DistanceMatrix.destinations',
      'DistanceMatrix.origins',
      'DistanceMatrix.rows',
      'DistanceMatrixRow.distances',
      'LocationConnection.edges',
      'LocationMatchConnection.edges',
      'Query.datasets',
      'Query.distances',
    ]);
  });
});
