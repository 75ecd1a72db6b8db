/**
 * Every limit, through every channel a value can arrive by: each size the schema takes (a list
 * argument, a page size, a radius) is sent over its bound as a literal, as a variable, as a
 * variable's default, as list items that are variables, and its field is selected plainly, under an
 * alias, in an inline fragment, in a named fragment, nested under another field and under
 * `_entities`. Each combination is refused before it runs: its root field answers null with
 * BAD_USER_INPUT, and no unit of work is spent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

const LIMITS = { MAX_DISTANCE_PAIRS: '3', MAX_MATRIX_CELLS: '4', MAX_NEARBY_RESULTS: '5', MAX_NEARBY_SEARCHES: '2', MAX_RESPONSE_FIELDS: '50', MAX_ENTITIES: '3' };

beforeAll(async () => {
  server = await startTestServer(LIMITS);
});
afterAll(() => server.stop());

const workUnits = async (): Promise<number> => Number(/^graphql_work_units_total (\S+)$/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1] ?? 0);

/** An argument over its bound: its GraphQL type, its value as JSON and as a literal. */
interface Oversized {
  readonly type: string;
  readonly value: unknown;
  /** When the value is a list: its item type, for the channel that sends each item as a variable. */
  readonly itemType?: string;
}

/** A limit: a selection with one argument left to the channel (`$ARG`), and the value that breaks it. */
interface Limit {
  readonly name: string;
  /** The selection, on Location when `onLocation`, else on Query. */
  readonly selection: string;
  readonly onLocation?: true;
  readonly argument: Oversized;
}

const codes = (n: number) => Array.from({ length: n }, (_, i) => ['90210', '10001', '60601', '94105', '02134', '30301'][i % 6]!);
const literal = (value: unknown): string => (Array.isArray(value) ? `[${value.map(literal).join(', ')}]` : typeof value === 'object' && value !== null ? `{ ${Object.entries(value).map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} }` : JSON.stringify(value));

const LIMITS_UNDER_TEST: readonly Limit[] = [
  { name: 'MAX_DISTANCE_PAIRS', selection: 'distances(pairs: $ARG) { miles }', argument: { type: '[DistancePairInput!]!', itemType: 'DistancePairInput!', value: codes(4).map((c) => ({ from: c, to: '10001' })) } },
  { name: 'MAX_MATRIX_CELLS (one side)', selection: 'distanceMatrix(origins: $ARG, destinations: []) { rows { origin { postalCode } } }', argument: { type: '[String!]!', itemType: 'String!', value: codes(5) } },
  { name: 'MAX_MATRIX_CELLS (the product)', selection: 'distanceMatrix(origins: $ARG, destinations: ["10001", "60601"]) { rows { distances { miles } } }', argument: { type: '[String!]!', itemType: 'String!', value: codes(3) } },
  { name: 'MAX_NEARBY_RESULTS (nearby)', onLocation: true, selection: 'nearby(radius: 5, first: $ARG) { totalCount }', argument: { type: 'Int!', value: 6 } },
  { name: 'MAX_NEARBY_RESULTS (nearestLocations)', selection: 'nearestLocations(latitude: 40.75, longitude: -73.99, first: $ARG) { totalCount }', argument: { type: 'Int!', value: 6 } },
  { name: 'the largest radius (nearby)', onLocation: true, selection: 'nearby(radius: $ARG) { totalCount }', argument: { type: 'Float!', value: 20_005 } },
  { name: 'the largest radius (within)', selection: 'nearestLocations(latitude: 0, longitude: 0, within: $ARG) { totalCount }', argument: { type: 'Float', value: 20_005 } },
  { name: 'MAX_RESPONSE_FIELDS', onLocation: true, selection: 'nearby(radius: 50, first: $ARG) { edges { distance meters initialBearing cursor node { postalCode placeName adminName adminCode latitude longitude countryCode } } }', argument: { type: 'Int!', value: 5 } },
  { name: 'MAX_NEARBY_SEARCHES', selection: 'nearestLocations(latitude: 40.75, longitude: -73.99, first: $ARG) { edges { node { nearby(radius: 1) { totalCount } } } }', argument: { type: 'Int!', value: 3 } },
];

/** How the argument's value arrives: returns the argument text, the variable definitions and the variables sent. */
type ValueChannel = (argument: Oversized) => { text: string; definitions: string[]; variables: Record<string, unknown> } | undefined;

const VALUE_CHANNELS: Readonly<Record<string, ValueChannel>> = {
  'a literal': (a) => ({ text: literal(a.value), definitions: [], variables: {} }),
  'a variable': (a) => ({ text: '$v', definitions: [`$v: ${a.type}`], variables: { v: a.value } }),
  "a variable's default": (a) => ({ text: '$v', definitions: [`$v: ${a.type} = ${literal(a.value)}`], variables: {} }),
  'list items that are variables': (a) => {
    if (!Array.isArray(a.value) || !a.itemType) return undefined;
    const items = a.value as unknown[];
    return { text: `[${items.map((_, i) => `$i${i}`).join(', ')}]`, definitions: items.map((_, i) => `$i${i}: ${a.itemType}`), variables: Object.fromEntries(items.map((item, i) => [`i${i}`, item])) };
  },
};

/** Where the field is selected: returns the operation's selection and fragments, and the root key that answers for it. */
type FieldChannel = (field: string, onLocation: boolean) => { selection: string; fragments: string; root: string; entities?: true } | undefined;

const location = (inner: string) => `location(postalCode: "10001") { ${inner} }`;
const FIELD_CHANNELS: Readonly<Record<string, FieldChannel>> = {
  plainly: (field, onLocation) => ({ selection: onLocation ? location(field) : field, fragments: '', root: onLocation ? 'location' : field.slice(0, field.indexOf('(')) }),
  'under an alias': (field, onLocation) => ({ selection: onLocation ? `here: ${location(`there: ${field}`)}` : `there: ${field}`, fragments: '', root: onLocation ? 'here' : 'there' }),
  'in an inline fragment': (field, onLocation) => (onLocation ? { selection: location(`... on Location { ${field} }`), fragments: '', root: 'location' } : { selection: `... on Query { ${field} }`, fragments: '', root: field.slice(0, field.indexOf('(')) }),
  'in a named fragment': (field, onLocation) =>
    onLocation ? { selection: location('...F'), fragments: `fragment F on Location { ${field} }`, root: 'location' } : { selection: '...F', fragments: `fragment F on Query { ${field} }`, root: field.slice(0, field.indexOf('(')) },
  'nested under a search': (field, onLocation) => (onLocation ? { selection: `nearestLocations(latitude: 40.75, longitude: -73.99, first: 1) { edges { node { ${field} } } }`, fragments: '', root: 'nearestLocations' } : undefined),
  'under _entities': (field, onLocation) =>
    onLocation ? { selection: `_entities(representations: [{ __typename: "Location", postalCode: "10001", countryCode: "US" }]) { ... on Location { ${field} } }`, fragments: '', root: '_entities', entities: true } : undefined,
};

const cases = LIMITS_UNDER_TEST.flatMap((limit) =>
  Object.entries(VALUE_CHANNELS).flatMap(([valueName, valueChannel]) =>
    Object.entries(FIELD_CHANNELS).flatMap(([fieldName, fieldChannel]) => {
      const value = valueChannel(limit.argument);
      const field = value && fieldChannel(limit.selection.replace('$ARG', value.text), limit.onLocation === true);
      if (!value || !field) return [];
      const definitions = value.definitions.length > 0 ? `(${value.definitions.join(', ')})` : '';
      return [{ title: `${limit.name}, as ${valueName}, ${fieldName}`, query: `query${definitions} { ${field.selection} } ${field.fragments}`, variables: value.variables, root: field.root, entities: field.entities === true }];
    }),
  ),
);

describe('every limit through every channel', () => {
  it('covers every limit in several channels', () => {
    for (const limit of LIMITS_UNDER_TEST) expect(cases.filter((c) => c.title.startsWith(`${limit.name},`)).length, limit.name).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('$title: refused before it runs', async ({ query, variables, root, entities }) => {
    const before = await workUnits();
    const { status, body } = await server.graphql(query, variables);
    expect(status).toBe(200);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors![0]!.path).toEqual(entities ? [root, 0] : [root]);
    if (entities) expect(body.data).toEqual({ [root]: [null] });
    else expect(body.data === null || body.data![root] === null).toBe(true);
    expect(await workUnits()).toBe(before);
  });
});
