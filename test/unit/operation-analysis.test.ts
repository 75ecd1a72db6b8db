import { buildSchema, getNamedType, isInputObjectType, isListType, isNonNullType, Kind, parse, type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../src/errors.js';
import { OperationAnalyzer } from '../../src/graphql/operation/analysis.js';
import { RULE_COORDINATES, type SizeLimits, type Verdict } from '../../src/graphql/operation/size.js';
import { createSchema } from '../../src/graphql/schema.js';

const schema = createSchema();
const LIMITS: SizeLimits = {
  maxDistancePairs: 1_000,
  maxMatrixCells: 2_500,
  maxEntities: 1_000,
  maxNearbyResults: 1_000,
  maxNearbySearches: 100,
  maxAreaVertices: 10_000,
  maxAreaRings: 100,
  minPlacePrefix: 2,
  maxResponseFields: 100_000,
};

function analyse(query: string, limits: SizeLimits = LIMITS, on: GraphQLSchema = schema, maxPlanFields = 10_000) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return new OperationAnalyzer({ toCanonical: (c) => c, limits, maxPlanFields, maxHeldFields: 1_000_000 }).analyse(on, document, operation);
}

/** The fields an operation's response holds at most; fails the test if anything is refused. */
function measure(query: string, variables: Record<string, unknown> = {}, limits: SizeLimits = LIMITS): number {
  const size = analyse(query, limits).size(variables);
  expect(size.verdicts === undefined ? [] : [...size.verdicts.values()].map((v) => v.error.message)).toEqual([]);
  return size.fields;
}

/** The verdict of the one root field an operation refuses. */
function verdict(query: string, variables: Record<string, unknown> = {}, limits: SizeLimits = LIMITS): Verdict {
  const verdicts = [...(analyse(query, limits).size(variables).verdicts?.values() ?? [])];
  expect(verdicts).toHaveLength(1);
  return verdicts[0]!;
}
const refusal = (query: string, variables: Record<string, unknown> = {}, limits: SizeLimits = LIMITS): AppError => verdict(query, variables, limits).error;

const codes = (n: number) => Array.from({ length: n }, (_, i) => String(10_000 + i));
const entities = (n: number) => codes(n).map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));

describe('the size of an operation, before it runs', () => {
  it('counts every field once per list item it appears in, aliases and fragments included', () => {
    expect(measure('{ distance(from: "1", to: "2") { miles } }')).toBe(2);
    expect(measure('query($p: [DistancePairInput!]!) { distances(pairs: $p) { miles from { postalCode } } }', { p: codes(10).map((c) => ({ from: c, to: c })) })).toBe(10 + 10 + 10 + 10);
    expect(measure('{ a: location(postalCode: "1") { placeName } b: location(postalCode: "2") { ...F } } fragment F on Location { placeName adminName }')).toBe(2 + 1 + 2);
  });

  it('counts a matrix as its sides, its rows and every cell with what it selects', () => {
    const matrix = 'query($o: [String!]!, $d: [String!]!) { distanceMatrix(origins: $o, destinations: $d) { origins { postalCode } rows { distances { miles } } } }';
    expect(measure(matrix, { o: codes(3), d: codes(4) })).toBe(1 + (3 + 3) + (3 + 3 * 4 + 3 * 4));
  });

  it('counts _entities as the list, then what each representation selects', () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName d: distanceTo(postalCode: "1") { miles } } } }';
    expect(measure(query, { r: entities(5) })).toBe(5 + 5 + 5 + 5);
  });

  it('reads list sizes from literals as well as variables', () => {
    expect(measure('{ distanceMatrix(origins: ["1", "2"], destinations: ["3"]) { rows { distances { miles } } } }')).toBe(1 + 2 + 2 + 2);
  });

  it('leaves out what @skip or @include drop, on fields and on fragments', () => {
    expect(measure('query($s: Boolean!) { distance(from: "1", to: "2") { miles kilometers @skip(if: $s) } }', { s: true })).toBe(2);
    expect(measure('query($s: Boolean!) { distance(from: "1", to: "2") { miles kilometers @include(if: $s) } }', { s: true })).toBe(3);
    expect(measure('query($s: Boolean!) { distance(from: "1", to: "2") { miles ... @skip(if: $s) { kilometers meters } } }', { s: true })).toBe(2);
  });

  it('sizes the edges of a spatial search by its `first`: given, defaulted or sent as a variable', () => {
    const page = 'edges { distance node { postalCode } }';
    expect(measure(`{ nearestLocations(latitude: 0, longitude: 0, first: 7) { totalCount ${page} } }`)).toBe(1 + 1 + 7 + 7 + 7 + 7);
    expect(measure(`{ nearestLocations(latitude: 0, longitude: 0) { ${page} } }`)).toBe(1 + 4 * 10);
    expect(measure(`query($n: Int!) { nearestLocations(latitude: 0, longitude: 0, first: $n) { ${page} } }`, { n: 300 })).toBe(1 + 4 * 300);
    // A variable that was not sent, and has no default, leaves the argument to its own default.
    expect(measure(`query($n: Int) { location(postalCode: "1") { nearby(radius: 1, first: $n) { ${page} } } }`)).toBe(2 + 4 * 20);
  });

  it('sizes the edges of an area or place-name search by its `first`, and counts each as a search', () => {
    const page = 'edges { cursor node { postalCode } }';
    expect(measure(`{ locationsByPlace(name: "Springfield", first: 7) { totalCount ${page} } }`)).toBe(1 + 1 + 4 * 7);
    expect(measure(`{ locationsInArea(boundingBox: { west: 0, south: 0, east: 1, north: 1 }) { ${page} } }`)).toBe(1 + 4 * 20);
    const size = analyse('query($p: [[[Float!]!]!]) { a: locationsInArea(polygon: $p, first: 3) { totalCount } b: locationsByPlace(name: "x1") { totalCount } }').size({ p: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
    expect([size.searches, size.verdicts]).toEqual([2, undefined]);
  });

  it("multiplies a nearby under another search's edges", () => {
    const nested = (a: number, b: number) => `{ nearestLocations(latitude: 0, longitude: 0, first: ${a}) { edges { node { nearby(radius: 5, first: ${b}) { edges { node { postalCode } } } } } } }`;
    expect(measure(nested(10, 20))).toBe(1 + 10 + 10 + 10 + 10 * 20 * 3);
    expect(measure(nested(99, 1))).toBe(1 + 3 * 99 + 3 * 99);
  });

  it('sizes introspection by the schema, and answers it', () => {
    expect(measure('{ __schema { types { name fields { name args { name } } } } }', {}, { ...LIMITS, maxResponseFields: 1_000_000 })).toBeGreaterThan(0);
  });

  it('has a rule for every list field and every list argument of the schema, so none is refused as unsizable', () => {
    const covered = new Set(RULE_COORDINATES);
    const missing: string[] = [];
    const isList = (type: GraphQLInputType | unknown): boolean => isListType(isNonNullType(type) ? type.ofType : type);
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || isInputObjectType(type) || !('getFields' in type)) continue;
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        const listArgument = 'args' in field && field.args.some((arg) => isList(arg.type) || isList(getNamedType(arg.type)));
        if ((isList(field.type) || listArgument) && !covered.has(coordinate)) missing.push(coordinate);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('refusals, as verdicts on the root field that breaks a bound', () => {
  const matrix = 'query($o: [String!]!, $d: [String!]!) { distanceMatrix(origins: $o, destinations: $d) { rows { origin { postalCode } } } }';

  it('refuses a matrix side over the limit even when the other side is empty', () => {
    expect(refusal(matrix, { o: [], d: codes(2_501) }).message).toBe('Too many destinations: 2501 given, at most 2500 per call. Split the matrix.');
    expect(refusal(matrix, { o: codes(2_501), d: [] }).message).toBe('Too many origins: 2501 given, at most 2500 per call. Split the matrix.');
  });

  it('refuses a matrix of more cells than the limit', () => {
    expect(refusal(matrix, { o: codes(51), d: codes(51) }).message).toMatch(/^Matrix too large: 51 × 51 = 2601 cells, at most 2500/);
  });

  it('refuses more pairs than the limit', () => {
    expect(refusal('query($p: [DistancePairInput!]!) { distances(pairs: $p) { miles } }', { p: codes(1_001).map((c) => ({ from: c, to: c })) }).message).toMatch(/^Too many pairs: 1001 given, at most 1000/);
  });

  it('refuses only the root field over a bound: the others run', () => {
    const size = analyse('query($p: [DistancePairInput!]!) { a: distances(pairs: $p) { miles } b: location(postalCode: "1") { placeName } }').size({ p: codes(1_001).map((c) => ({ from: c, to: c })) });
    expect([...size.verdicts!.keys()]).toEqual(['a']);
    expect(size.fields).toBe(2);
  });

  it('refuses the root field whose response would push the operation past MAX_RESPONSE_FIELDS', () => {
    const small = { ...LIMITS, maxResponseFields: 50 };
    const pairs = { p: codes(10).map((c) => ({ from: c, to: c })) };
    expect(measure('query($p: [DistancePairInput!]!) { distances(pairs: $p) { miles kilometers } }', pairs, small)).toBe(30);
    const size = analyse('query($p: [DistancePairInput!]!) { a: distances(pairs: $p) { miles kilometers } b: distances(pairs: $p) { miles kilometers } }', small).size(pairs);
    expect([...size.verdicts!].map(([key, v]) => [key, v.error.code, v.error.message.match(/more than 50 fields \(MAX_RESPONSE_FIELDS\)/) !== null])).toEqual([['b', 'BAD_USER_INPUT', true]]);
  });

  it('refuses a nested search page over MAX_NEARBY_SEARCHES or MAX_RESPONSE_FIELDS', () => {
    const nested = (a: number, b: number) => `{ nearestLocations(latitude: 0, longitude: 0, first: ${a}) { edges { node { nearby(radius: 5, first: ${b}) { edges { node { postalCode } } } } } } }`;
    expect(refusal(nested(1_000, 1_000), {}, { ...LIMITS, maxNearbySearches: 10_000 }).message).toMatch(/^This operation would return more than 100000 fields \(MAX_RESPONSE_FIELDS\)/);
    expect(refusal(nested(100, 1)).message).toMatch(/^This operation would run more than 100 spatial searches \(MAX_NEARBY_SEARCHES\)/);
  });

  it('checks the arguments of a spatial search as execution will see them', () => {
    expect(refusal('{ location(postalCode: "1") { nearby(radius: 0) { totalCount } } }').message).toBe('`radius` must be a distance above zero, got 0 KILOMETERS.');
    expect(refusal('query($r: Float!) { location(postalCode: "1") { nearby(radius: $r, unit: MILES) { totalCount } } }', { r: 12_430 }).message).toMatch(/^`radius` must be at most 12,430\.\d+ MILES|^`radius` must be at most/);
    expect(refusal('{ nearestLocations(latitude: 0, longitude: 0, first: 1001) { totalCount } }').message).toBe('`first` must be an integer from 1 to 1,000, got 1001.');
    expect(refusal('{ nearestLocations(latitude: 0, longitude: 0, first: 5) { totalCount } }', {}, { ...LIMITS, maxNearbyResults: 4 }).message).toBe('`first` must be an integer from 1 to 4, got 5.');
    expect(refusal('{ nearestLocations(latitude: -91, longitude: 0) { totalCount } }').message).toBe('`latitude` must be in degrees from -90 to 90, got -91.');
    expect(refusal('{ nearestLocations(latitude: 0, longitude: 0, countryCodes: ["US", "XYZ"]) { totalCount } }').message).toMatch(/^`countryCodes`: /);
    // One value where a list is expected is coerced to a list of one, as execution coerces it.
    expect(refusal('query($c: [String!]) { nearestLocations(latitude: 0, longitude: 0, countryCodes: $c) { totalCount } }', { c: 'XYZ' }).message).toMatch(/^`countryCodes`: /);
  });

  it("counts a polygon's positions against MAX_AREA_VERTICES and its rings against MAX_AREA_RINGS before any code is tested", () => {
    const square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
    const query = 'query($p: [[[Float!]!]!]) { locationsInArea(polygon: $p) { totalCount } }';
    expect(refusal(query, { p: [square, square] }, { ...LIMITS, maxAreaVertices: 9 }).message).toBe('`polygon` has 10 positions, at most 9 (MAX_AREA_VERTICES), every ring together; simplify it.');
    expect(refusal(query, { p: [square, square] }, { ...LIMITS, maxAreaRings: 1 }).message).toBe('`polygon` has 2 rings, at most 1 (MAX_AREA_RINGS): the outer boundary and 0 holes.');
    expect(measure(query, { p: [square, square] }, { ...LIMITS, maxAreaVertices: 10 })).toBe(2);
  });

  it('checks an area ring by ring, and position by position, as execution will see it', () => {
    expect(refusal('{ locationsInArea(polygon: [[[0, 0], [1, 0], [1, 1], [0, 2]]]) { totalCount } }').message).toMatch(/^`polygon` ring 0 \(the outer boundary\) is not closed: its last position \(3\)/);
    expect(refusal('query($p: [[[Float!]!]!]) { locationsInArea(polygon: $p) { totalCount } }', { p: [[[0, 0], [1, 0], [1, 100], [0, 0]]] }).message).toMatch(/^`polygon` ring 0 \(the outer boundary\), position 2: the latitude/);
    expect(refusal('{ locationsInArea(boundingBox: { west: 0, south: 0, east: 1, north: 1 }, polygon: [[[0, 0], [1, 0], [1, 1], [0, 0]]]) { totalCount } }').message).toBe('Give exactly one area, `boundingBox` or `polygon`; got both.');
  });

  it('checks the arguments of a place-name search as execution will see them', () => {
    expect(refusal('{ locationsByPlace(name: "s", match: PREFIX) { totalCount } }').message).toMatch(/^`name` must have at least 2 characters for PREFIX/);
    expect(refusal('{ locationsByPlace(name: "sp", match: PREFIX) { totalCount } }', {}, { ...LIMITS, minPlacePrefix: 3 }).message).toMatch(/^`name` must have at least 3 characters for PREFIX/);
    expect(refusal('{ locationsByPlace(name: "Springfield", adminCode: "I.L") { totalCount } }').message).toMatch(/^`adminCode` must be the code/);
    expect(refusal('query($n: String!) { locationsByPlace(name: $n) { totalCount } }', { n: 'y'.repeat(201) }).message).toBe('`name` must be at most 200 characters, got 201.');
  });

  it('refuses every root field when the variables fail coercion, with graphql-js\'s message', () => {
    const error = refusal('query($r: Float!, $u: DistanceUnit!) { location(postalCode: "1") { nearby(radius: $r, unit: $u) { totalCount } } }', { r: 'far', u: 'FURLONGS' });
    expect([error.code, error.message]).toEqual(['BAD_USER_INPUT', 'Variable "$r" got invalid value "far"; Float cannot represent non numeric value: "far"']);
  });
});

describe('values from every channel: the same size whichever way it arrives', () => {
  const deep = 'edges { distance meters initialBearing cursor node { postalCode countryCode placeName adminName adminCode latitude longitude } }';

  it('reads a variable left to its default as execution will: the 292-byte operation of the report is refused', () => {
    const query = `query($f: Int! = 1000) { nearestLocations(latitude: 40.75, longitude: -73.99, first: $f) { edges { node { nearby(radius: 20000, first: $f) { ${deep} } } } } }`;
    expect(refusal(query).message).toMatch(/more than 100000 fields|more than 100 spatial searches/);
  });

  it('reads list defaults: a matrix of defaulted sides is refused', () => {
    const query = `query($o: [String!]! = ${JSON.stringify(codes(60))}, $d: [String!]! = ${JSON.stringify(codes(60))}) { distanceMatrix(origins: $o, destinations: $d) { rows { distances { miles } } } }`;
    expect(refusal(query).message).toMatch(/^Matrix too large: 60 × 60/);
  });

  it('reads defaulted representations of _entities', () => {
    const reps = JSON.stringify(entities(3)).replace(/"(\w+)":/g, '$1:');
    const query = `query($r: [_Any!]! = ${reps}) { _entities(representations: $r) { ... on Location { nearby(radius: 100, first: 1000) { totalCount } } } }`;
    const partial = verdict(query, {}, { ...LIMITS, maxNearbySearches: 2 });
    expect(partial.kind === 'partial' && partial.allowed).toBe(2);
  });

  it('counts a list sent for a counted argument without coercing it, as long as coercion would keep it', () => {
    const query = 'query($p: [DistancePairInput!]!) { distances(pairs: $p) { miles } }';
    // Items that coercion would refuse: the size needs only the count; execution refuses the values.
    expect(refusal(query, { p: Array.from({ length: 1_001 }, () => ({ wrong: true })) }).message).toMatch(/^Too many pairs: 1001 given, at most 1000/);
    const pair = { from: '1', to: '2' };
    expect(measure(query, { p: [{ wrong: true }, { wrong: true }] })).toBe(measure(query, { p: [pair, pair] }));
    // A lone pair, which coercion makes a list of one, is coerced as before.
    expect(measure(query, { p: pair })).toBe(measure(query, { p: [pair] }));
  });

  it('coerces a counted variable that is also read elsewhere', () => {
    const query = 'query($c: [String!]!) { distanceMatrix(origins: $c, destinations: ["1"]) { origins { postalCode } } nearestLocations(latitude: 0, longitude: 0, countryCodes: $c) { totalCount } }';
    const verdicts = [...(analyse(query).size({ c: [7] }).verdicts?.values() ?? [])];
    expect(verdicts.map((v) => v.error.message)).toEqual([expect.stringMatching(/^Variable "\$c" got invalid value 7/), expect.stringMatching(/^Variable "\$c" got invalid value 7/)]);
  });

  it('reads @skip conditions from variable defaults', () => {
    expect(measure('query($s: Boolean! = true) { distance(from: "1", to: "2") { miles kilometers @skip(if: $s) } }')).toBe(2);
  });

  it('does not measure again an operation into which no variable enters', () => {
    const analysis = analyse('query($f: String!, $t: String!) { distance(from: $f, to: $t) { miles } }');
    expect(analysis.size({ f: '1', t: '2' })).toBe(analysis.size({ f: '3', t: '4' }));
  });
});

describe('_entities, refused item by item', () => {
  const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName } } }';

  it('resolves the first MAX_ENTITIES representations and refuses the rest', () => {
    const partial = verdict(query, { r: entities(1_001) });
    expect([partial.kind, partial.kind === 'partial' && partial.allowed, partial.error.message]).toEqual([
      'partial',
      1_000,
      'Too many representations: 1001 given, at most 1000 per call. Send at most MAX_ENTITIES (1000) per _entities call: the first 1000 were resolved.',
    ]);
  });

  it('resolves as many representations as MAX_RESPONSE_FIELDS leaves room for', () => {
    const partial = verdict(query, { r: entities(30) }, { ...LIMITS, maxResponseFields: 41 });
    expect(partial.kind === 'partial' && partial.allowed).toBe(20);
  });

  it('refuses every item when what each selects is refused', () => {
    const partial = verdict('query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { nearby(radius: 0) { totalCount } } } }', { r: entities(2) });
    expect([partial.kind, partial.kind === 'partial' && partial.allowed]).toEqual(['partial', 0]);
  });
});

describe('what the plan refuses whole', () => {
  it('an operation whose fragments expand past the most fields an operation may select', () => {
    const fragments = Array.from({ length: 20 }, (_, i) => `fragment F${i} on Location { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const analysis = analyse(`{ location(postalCode: "1") { ...F0 } } ${fragments} fragment F20 on Location { placeName }`);
    expect(analysis.refusal?.message).toBe('This operation selects more than 10000 fields once its fragments are expanded; select each field once.');
  });

  it('a list no rule can size (on a schema without one)', () => {
    const other = buildSchema('type Query { things: [Int] }');
    const size = analyse('{ things }', LIMITS, other).size({});
    expect([...size.verdicts!.values()].map((v) => v.error.message)).toEqual(['This subgraph cannot size the list Query.things before running it, so it does not run it.']);
  });
});

describe('labels and policies', () => {
  it('labels an operation by the root fields it selects, sorted', () => {
    expect(analyse('{ b: location(postalCode: "1") { placeName } a: distance(from: "1", to: "2") { miles } }').label).toBe('distance+location');
  });
});
