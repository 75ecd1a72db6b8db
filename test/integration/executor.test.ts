/**
 * The compiled executor (src/graphql/executor.ts): which executor serves which request, counted by
 * `graphql_executions_total`, and answers identical to graphql-js's, errors included.
 * Every server here has the response cache off, so each request executes.
 */
import { Trace } from '@apollo/usage-reporting-protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, scrape } from '../support/metrics.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';

const NO_RESPONSE_CACHE = { RESPONSE_CACHE_MAX_BYTES: '0' };
const TRACE = { 'apollo-federation-include-trace': 'ftv1' };

type Counts = Record<'compiled' | 'trace' | 'new-operation' | 'not-compilable' | 'invalid-variables', number>;

/** Executions by reason since the server started. */
async function executions(server: TestServer): Promise<Counts> {
  const text = await scrape(server.url);
  const count = (executor: string, reason: string) => sample(text, 'graphql_executions_total', { executor, reason });
  return {
    compiled: count('jit', 'compiled'),
    trace: count('graphql-js', 'trace'),
    'new-operation': count('graphql-js', 'new-operation'),
    'not-compilable': count('graphql-js', 'not-compilable'),
    'invalid-variables': count('graphql-js', 'invalid-variables'),
  };
}

/** What `run` added to each count. */
async function counting(server: TestServer, run: () => Promise<void>): Promise<Counts> {
  const before = await executions(server);
  await run();
  const after = await executions(server);
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof Counts]])) as Counts;
}

const none: Counts = { compiled: 0, trace: 0, 'new-operation': 0, 'not-compilable': 0, 'invalid-variables': 0 };

/** The field names of a trace's tree, nested as the response is. */
type FieldTree = (string | FieldTree)[];
function fieldTree(node: Trace.INode): FieldTree {
  return (node.child ?? []).flatMap((child) => {
    const name = child.responseName ?? `[${child.index}]`;
    return child.child?.length ? [name, fieldTree(child)] : [name];
  });
}

const DISTANCES = 'query Distances($pairs: [DistancePairInput!]!) { distances(pairs: $pairs) { miles from { postalCode } } }';
const PAIRS = { pairs: [{ from: '90210', to: '10001' }, { from: '00000', to: '10001' }, { from: 'x', to: '10001' }] };

describe('with the default admission (JIT_COMPILE_AFTER=1)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...NO_RESPONSE_CACHE, JIT_COMPILE_AFTER: '1' });
  });
  afterAll(() => server.stop());

  it('runs an operation on graphql-js the first time, then compiled from the second time on', async () => {
    const query = '{ location(postalCode: "90210") { placeName } }';
    const answers: GraphQLResponse[] = [];
    const counts = await counting(server, async () => {
      for (let i = 0; i < 3; i++) answers.push(await server.graphql(query));
    });
    expect(counts).toEqual({ ...none, 'new-operation': 1, compiled: 2 });
    expect(answers.map((a) => a.body)).toEqual(Array(3).fill({ data: { location: { placeName: 'Beverly Hills' } } }));
  });

  it('compiles per operation of a document: each operation name is its own', async () => {
    const query = 'query A { location(postalCode: "90210") { placeName } } query B { location(postalCode: "10001") { placeName } }';
    const op = (operationName: string) =>
      fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, operationName }) }).then(
        async (res) => (await res.json()) as GraphQLResponse['body'],
      );
    const answers: GraphQLResponse['body'][] = [];
    const counts = await counting(server, async () => {
      for (const name of ['A', 'B', 'A', 'B']) answers.push(await op(name));
    });
    expect(counts).toEqual({ ...none, 'new-operation': 2, compiled: 2 });
    expect(answers.map((a) => a.data?.location.placeName)).toEqual(['Beverly Hills', 'New York', 'Beverly Hills', 'New York']);
  });
});

describe('compiled execution', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(NO_RESPONSE_CACHE);
  });
  afterAll(() => server.stop());

  it('serves every request of a repeated operation compiled, partial results and error paths included', async () => {
    const counts = await counting(server, async () => {
      for (let i = 0; i < 3; i++) {
        const { status, body } = await server.graphql(DISTANCES, PAIRS);
        expect(status).toBe(200);
        expect(body.data!.distances[0]).toMatchObject({ from: { postalCode: '90210' } });
        expect(body.data!.distances.slice(1)).toEqual([null, null]);
        expect(body.errors!.map((e) => [e.path, e.extensions?.code, e.locations])).toEqual([
          [['distances', 1], 'POSTAL_CODE_NOT_FOUND', [{ line: 1, column: 50 }]],
          [['distances', 2], 'BAD_USER_INPUT', [{ line: 1, column: 50 }]],
        ]);
      }
    });
    expect(counts).toEqual({ ...none, compiled: 3 });
  });

  it('runs a request for an inline trace on graphql-js, with every field in the trace, and the next ones compiled again', async () => {
    const query = '{ location(postalCode: "90210") { postalCode latitude distanceTo(postalCode: "10001") { miles } } }';
    let traced: GraphQLResponse | undefined;
    const counts = await counting(server, async () => {
      await server.graphql(query); // compiled now: only the trace sends it back to graphql-js
      traced = await server.graphql(query, undefined, TRACE);
      const after = await server.graphql(query);
      expect(after.body.extensions).toBeUndefined();
    });
    expect(counts).toEqual({ ...none, compiled: 2, trace: 1 });
    expect(traced!.body.errors).toBeUndefined();
    const trace = Trace.decode(Buffer.from(traced!.body.extensions!.ftv1 as string, 'base64'));
    expect(fieldTree(trace.root!)).toEqual(['location', ['postalCode', 'latitude', 'distanceTo', ['miles']]]);
  });

  it('answers variables that fail coercion as graphql-js does: 400, BAD_USER_INPUT, nothing resolved', async () => {
    let answer: GraphQLResponse | undefined;
    const counts = await counting(server, async () => {
      await server.graphql(DISTANCES, PAIRS);
      answer = await server.graphql(DISTANCES, { pairs: [{ from: 90210 }] });
    });
    expect(counts).toEqual({ ...none, compiled: 1, 'invalid-variables': 1 });
    expect(answer!.status).toBe(400);
    expect(answer!.body.data).toBeUndefined();
    expect(answer!.body.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });

  it('leaves an operation it cannot compile to graphql-js, which names the problem', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: 'C' }),
    });
    const body = (await res.json()) as GraphQLResponse['body'];
    expect(res.status).toBe(400);
    expect(body.errors!.map((e) => [e.message, e.extensions?.code])).toEqual([['Unknown operation named "C".', 'OPERATION_RESOLUTION_FAILURE']]);
  });
});

describe('the same answers as graphql-js', () => {
  let jit: TestServer;
  let graphqlJs: TestServer;
  beforeAll(async () => {
    [jit, graphqlJs] = await Promise.all([startTestServer(NO_RESPONSE_CACHE), startTestServer({ ...NO_RESPONSE_CACHE, JIT_MAX_OPERATIONS: '0' })]);
  });
  afterAll(() => Promise.all([jit.stop(), graphqlJs.stop()]));

  const cases: [string, string, Record<string, unknown>?][] = [
    ['distances with failing pairs', DISTANCES, PAIRS],
    [
      '_entities with bad representations',
      'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Location { postalCode placeName distanceTo(postalCode: "10001") { miles } } } }',
      { r: [{ __typename: 'Location', postalCode: '90210', countryCode: 'US' }, { __typename: 'Location', postalCode: '00000', countryCode: 'US' }, { __typename: 'Location', postalCode: 90210 }] },
    ],
    [
      'a matrix with an unknown destination, aliases, fragments and @include',
      'query($d: [String!]!, $more: Boolean!) { m: distanceMatrix(origins: ["90210", "60601"], destinations: $d) { rows { origin { ...Place } distances { to { ...Place } miles @include(if: $more) } } } } fragment Place on Location { postalCode placeName }',
      { d: ['10001', '00000'], more: true },
    ],
    ['a malformed code beside a good one', '{ a: location(postalCode: "90210") { placeName } b: location(postalCode: "!!") { placeName } }'],
    ['the SDL', '{ _service { sdl } }'],
    ['variables of the wrong type', DISTANCES, { pairs: 'nope' }],
    ['a missing variable', DISTANCES, {}],
  ];

  for (const [title, query, variables] of cases) {
    it(`${title}: same status, Cache-Control and body`, async () => {
      // Twice on each: the first request runs on graphql-js while the compiled server admits the operation.
      await Promise.all([jit.graphql(query, variables), graphqlJs.graphql(query, variables)]);
      const before = (await executions(jit)).compiled;
      const [a, b] = await Promise.all([jit.graphql(query, variables), graphqlJs.graphql(query, variables)]);
      expect([a.status, a.headers.get('cache-control')]).toEqual([b.status, b.headers.get('cache-control')]);
      expect(sortErrors(a.body)).toEqual(sortErrors(b.body));
      // The compiled path answered unless graphql-js had to (variables it rejects).
      expect((await executions(jit)).compiled - before).toBe(a.status === 200 ? 1 : 0);
    });
  }

  it('with JIT_MAX_OPERATIONS=0, nothing is compiled', async () => {
    await graphqlJs.graphql(DISTANCES, PAIRS);
    await graphqlJs.graphql(DISTANCES, PAIRS);
    expect(await executions(graphqlJs)).toEqual(none);
  });
});

describe('bounds', () => {
  it('keeps at most JIT_MAX_OPERATIONS compiled operations, least recently used evicted first', async () => {
    const server = await startTestServer({ ...NO_RESPONSE_CACHE, JIT_MAX_OPERATIONS: '1', JIT_COMPILE_AFTER: '1' });
    try {
      const a = '{ location(postalCode: "90210") { placeName } }';
      const b = '{ location(postalCode: "10001") { placeName } }';
      const ran: string[] = [];
      for (const query of [a, a, b, b, a]) {
        const counts = await counting(server, async () => void (await server.graphql(query)));
        ran.push(Object.entries(counts).find(([, n]) => n === 1)![0]);
      }
      // b's compilation evicts a, which starts over: one run on graphql-js, then compiled again.
      expect(ran).toEqual(['new-operation', 'compiled', 'new-operation', 'compiled', 'new-operation']);
    } finally {
      await server.stop();
    }
  });
});

/** Errors in path order: graphql-js and graphql-jit may record concurrent failures in a different order. */
function sortErrors(body: GraphQLResponse['body']): GraphQLResponse['body'] {
  if (!body.errors) return body;
  return { ...body, errors: [...body.errors].sort((x, y) => JSON.stringify(x.path).localeCompare(JSON.stringify(y.path))) };
}
