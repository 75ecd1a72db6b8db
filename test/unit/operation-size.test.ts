import { getNamedType, isInputObjectType, isListType, isNonNullType, Kind, parse, type FragmentDefinitionNode, type GraphQLInputType, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { itemsIn, measureOperation, RULE_COORDINATES, type SizeLimits } from '../../src/graphql/operation-size.js';
import { createSchema } from '../../src/graphql/schema.js';

const schema = createSchema();
const LIMITS: SizeLimits = { maxDistancePairs: 1_000, maxMatrixCells: 2_500, maxEntities: 1_000, maxNearbyResults: 1_000, maxNearbySearches: 100, maxResponseFields: 100_000 };

function measure(query: string, variables: Record<string, unknown> = {}, limits: SizeLimits = LIMITS): number {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  return measureOperation(schema, operation, fragments, variables, limits).fields;
}

function refusal(query: string, variables: Record<string, unknown> = {}, limits: SizeLimits = LIMITS): AppError {
  try {
    measure(query, variables, limits);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const codes = (n: number) => Array.from({ length: n }, (_, i) => String(10_000 + i));

describe('the size of an operation, before it runs', () => {
  it('counts every field once per list item it appears in, aliases and fragments included', () => {
    expect(measure('{ distance(from: "1", to: "2") { miles } }')).toBe(2);
    expect(measure('query($p: [DistancePairInput!]!) { distances(pairs: $p) { miles from { postalCode } } }', { p: codes(10).map((c) => ({ from: c, to: c })) })).toBe(10 + 10 + 10 + 10);
    expect(measure('{ a: location(postalCode: "1") { placeName } b: location(postalCode: "2") { ...F } } fragment F on Location { placeName adminName }')).toBe(2 + 1 + 2);
    // A matrix: the matrix, its sides, its rows, and every cell with what it selects.
    const matrix = 'query($o: [String!]!, $d: [String!]!) { distanceMatrix(origins: $o, destinations: $d) { origins { postalCode } rows { distances { miles } } } }';
    expect(measure(matrix, { o: codes(3), d: codes(4) })).toBe(1 + (3 + 3) + (3 + 3 * 4 + 3 * 4));
    // Entities: the list, then what each selects.
    const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName d: distanceTo(postalCode: "1") { miles } } } }';
    expect(measure(entities, { r: codes(5).map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' })) })).toBe(5 + 5 + 5 + 5);
  });

  it('reads list sizes from literals as well as variables, and leaves out what @skip or @include drop', () => {
    expect(measure('{ distanceMatrix(origins: ["1", "2"], destinations: ["3"]) { rows { distances { miles } } } }')).toBe(1 + 2 + 2 + 2);
    expect(measure('query($s: Boolean!) { distance(from: "1", to: "2") { miles kilometers @skip(if: $s) } }', { s: true })).toBe(2);
    expect(measure('query($s: Boolean!) { distance(from: "1", to: "2") { miles kilometers @include(if: $s) } }', { s: true })).toBe(3);
  });

  it('bounds each list on its own: an empty partner does not lift a matrix side', () => {
    const matrix = 'query($o: [String!]!, $d: [String!]!) { distanceMatrix(origins: $o, destinations: $d) { rows { origin { postalCode } } } }';
    expect(refusal(matrix, { o: [], d: codes(2_501) }).message).toBe('Too many destinations: 2501 given, at most 2500 per call. Split the matrix.');
    expect(refusal(matrix, { o: codes(2_501), d: [] }).message).toBe('Too many origins: 2501 given, at most 2500 per call. Split the matrix.');
    expect(refusal(matrix, { o: codes(51), d: codes(51) }).message).toMatch(/^Matrix too large: 51 × 51 = 2601 cells, at most 2500/);
    expect(refusal('query($p: [DistancePairInput!]!) { distances(pairs: $p) { miles } }', { p: codes(1_001) }).message).toMatch(/^Too many pairs: 1001 given, at most 1000/);
    expect(refusal('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: codes(1_001) }).message).toMatch(/^Too many representations: 1001 given, at most 1000/);
  });

  it('refuses an operation whose response would hold more than MAX_RESPONSE_FIELDS fields, with the code the client can act on', () => {
    const small = { ...LIMITS, maxResponseFields: 50 };
    const pairs = { p: codes(10).map((c) => ({ from: c, to: c })) };
    expect(measure('query($p: [DistancePairInput!]!) { distances(pairs: $p) { miles kilometers } }', pairs, small)).toBe(30);
    const error = refusal('query($p: [DistancePairInput!]!) { a: distances(pairs: $p) { miles kilometers } b: distances(pairs: $p) { miles kilometers } }', pairs, small);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/more than 50 fields \(MAX_RESPONSE_FIELDS\)/);
    // The attack, at the default limits: fifteen aliased distanceTo under 1,000 entities.
    const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: distanceTo(postalCode: "10001") { meters kilometers miles nauticalMiles initialBearing method from { postalCode } to { postalCode } }`).join(' ');
    const representations = codes(1_000).map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
    expect(refusal(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { ${aliases} } } }`, { r: representations }).message).toMatch(/more than 100000 fields/);
  });

  it('sizes the edges of a spatial search by its `first`, given, defaulted or sent as a variable', () => {
    const page = 'edges { distance node { postalCode } }';
    // The search, its edges, and what each edge selects.
    expect(measure(`{ nearestLocations(latitude: 0, longitude: 0, first: 7) { totalCount ${page} } }`)).toBe(1 + 1 + 7 + 7 + 7 + 7);
    expect(measure(`{ nearestLocations(latitude: 0, longitude: 0) { ${page} } }`)).toBe(1 + 4 * 10);
    expect(measure(`query($n: Int!) { nearestLocations(latitude: 0, longitude: 0, first: $n) { ${page} } }`, { n: 300 })).toBe(1 + 4 * 300);
    // A variable that was not sent leaves the argument to its default.
    expect(measure(`query($n: Int) { location(postalCode: "1") { nearby(radius: 1, first: $n) { ${page} } } }`)).toBe(2 + 4 * 20);
  });

  it('multiplies a nearby under another search\'s edges, so MAX_RESPONSE_FIELDS and MAX_NEARBY_SEARCHES bound the nesting', () => {
    const nested = (a: number, b: number) =>
      `{ nearestLocations(latitude: 0, longitude: 0, first: ${a}) { edges { node { nearby(radius: 5, first: ${b}) { edges { node { postalCode } } } } } } }`;
    expect(measure(nested(10, 20))).toBe(1 + 10 + 10 + 10 + 10 * 20 * 3);
    const many = { ...LIMITS, maxNearbySearches: 10_000 };
    expect(refusal(nested(1_000, 1_000), {}, many).message).toMatch(/^This operation would return more than 100000 fields \(MAX_RESPONSE_FIELDS\)/);
    expect(refusal(nested(100, 1)).message).toMatch(/^This operation would run more than 100 spatial searches \(MAX_NEARBY_SEARCHES\)/);
    expect(measure(nested(99, 1))).toBe(1 + 3 * 99 + 3 * 99);
  });

  it('checks the arguments of a spatial search as sent, and leaves values of the wrong type to coercion', () => {
    expect(refusal('{ location(postalCode: "1") { nearby(radius: 0) { totalCount } } }').message).toBe('`radius` must be a distance above zero, got 0 KILOMETERS.');
    expect(refusal('query($r: Float!) { location(postalCode: "1") { nearby(radius: $r, unit: MILES) { totalCount } } }', { r: 12_430 }).message).toMatch(/^`radius` must be at most 12,429.86 MILES/);
    expect(refusal('{ nearestLocations(latitude: 0, longitude: 0, first: 1001) { totalCount } }').message).toBe('`first` must be an integer from 1 to 1,000, got 1001.');
    expect(refusal('{ nearestLocations(latitude: 0, longitude: 0, first: 5) { totalCount } }', {}, { ...LIMITS, maxNearbyResults: 4 }).message).toBe('`first` must be an integer from 1 to 4, got 5.');
    expect(refusal('{ nearestLocations(latitude: -91, longitude: 0) { totalCount } }').message).toBe('`latitude` must be in degrees from -90 to 90, got -91.');
    expect(refusal('{ nearestLocations(latitude: 0, longitude: 0, countryCodes: ["US", "XYZ"]) { totalCount } }').message).toMatch(/^`countryCodes`: /);
    expect(refusal('query($c: [String!]) { nearestLocations(latitude: 0, longitude: 0, countryCodes: $c) { totalCount } }', { c: 'XYZ' }).message).toMatch(/^`countryCodes`: /);
    // Not numbers, not strings: GraphQL's coercion refuses these after the measure, with its own message.
    expect(measure('query($r: Float!, $u: DistanceUnit!) { location(postalCode: "1") { nearby(radius: $r, unit: $u) { totalCount } } }', { r: 'far', u: 'FURLONGS' })).toBe(3);
    expect(measure('query($c: [String!]) { nearestLocations(latitude: 0, longitude: 0, countryCodes: $c) { totalCount } }', { c: [1, 2] })).toBe(2);
  });

  it('counts a list argument as coercion will see it: a single value is one item, null none', () => {
    expect([itemsIn(['a', 'b']), itemsIn('a'), itemsIn(null), itemsIn(undefined)]).toEqual([2, 1, 0, 0]);
  });

  it('has a rule for every list field and every list argument of the schema, so none is counted as one item by mistake', () => {
    const covered = new Set(RULE_COORDINATES);
    const missing: string[] = [];
    const isList = (type: GraphQLInputType | unknown): boolean => isListType(isNonNullType(type) ? type.ofType : type);
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || isInputObjectType(type) || !('getFields' in type)) continue;
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        const listArgument = 'args' in field && field.args.some((arg) => isList(arg.type));
        if ((isList(field.type) || listArgument) && !covered.has(coordinate)) missing.push(coordinate);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('what a measure depends on', () => {
  const read = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    return measureOperation(schema, operation, new Map(), variables, LIMITS).readVariables;
  };

  it('says when no variable entered it, so the operation need not be measured again', () => {
    expect(read('query($f: String!, $t: String!) { distance(from: $f, to: $t) { miles } }', { f: '1', t: '2' })).toBe(false);
    expect(read('query($p: [DistancePairInput!]!) { distances(pairs: $p) { miles } }', { p: [] })).toBe(true);
    expect(read('query($s: Boolean!) { distance(from: "1", to: "2") { miles @skip(if: $s) } }', { s: false })).toBe(true);
  });
});
