/**
 * The work budget (WORK_BUDGET, src/work-budget.ts): the second line behind the limits checked
 * before execution. Each lookup, geodesic and search edge costs a unit; an operation that spends
 * its budget is stopped and answered with one client error, keeping the shape a router relies on.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let tight: TestServer;

beforeAll(async () => {
  [server, tight] = await Promise.all([startTestServer(), startTestServer({ WORK_BUDGET: '500' })]);
});
afterAll(() => Promise.all([server.stop(), tight.stop()]));

const workUnits = async (target: TestServer): Promise<number> => {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  return Number(/^graphql_work_units_total (\S+)$/m.exec(text)?.[1] ?? 0);
};

const nearby = '{ location(postalCode: "10001") { nearby(radius: 200, first: 1000) { edges { node { postalCode } } } } }';
const BUDGET_ERROR = {
  message: 'This operation did more than 500 units of work (WORK_BUDGET: postal codes looked up, geodesics solved, codes tested by searches, search edges built) and was stopped; ask for fewer items per operation.',
  extensions: { code: 'WORK_BUDGET_EXCEEDED' },
};

describe('the work budget', () => {
  it('charges one unit per code looked up and per geodesic solved', async () => {
    const before = await workUnits(server);
    const res = await server.graphql('{ distance(from: "90210", to: "10001") { miles } }');
    expect(res.body.errors).toBeUndefined();
    expect((await workUnits(server)) - before).toBe(3);
  });

  it('lets a search the limits accept run in full under the default budget', async () => {
    const res = await server.graphql(nearby);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.location.nearby.edges).toHaveLength(1_000);
  });

  it('stops the same search mid-way under a budget it exceeds, answering one error and a null location', async () => {
    const res = await tight.graphql(nearby);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errors: [BUDGET_ERROR], data: { location: null } });
  });

  it('charges an area search a unit per code it tests, and stops one that tests more than the budget', async () => {
    const before = await workUnits(server);
    const box = '{ locationsInArea(boundingBox: { west: -74.02, south: 40.70, east: -73.93, north: 40.80 }, first: 5) { totalCount edges { node { postalCode } } } }';
    const res = await server.graphql(box);
    expect(res.body.errors).toBeUndefined();
    // Every code in the box is a candidate and a member: totalCount units, and 5 for the edges.
    expect((await workUnits(server)) - before).toBe(res.body.data!.locationsInArea.totalCount + 5);
    expect(await tight.graphql('{ locationsInArea(boundingBox: { west: -125, south: 25, east: -66, north: 50 }, first: 1) { totalCount } }')).toMatchObject({
      status: 200,
      body: { errors: [BUDGET_ERROR], data: null },
    });
  });

  it('charges a polygon a unit per code for every 400 of its edges, so a detailed polygon spends the budget sooner', async () => {
    const circle = Array.from({ length: 2_000 }, (_, i) => [-87.75 + 0.25 * Math.cos((2 * Math.PI * i) / 2_000), 41.85 + 0.25 * Math.sin((2 * Math.PI * i) / 2_000)]);
    const polygon = [[...circle, circle[0]]];
    const query = 'query($p: [[[Float!]!]!]) { locationsInArea(polygon: $p, first: 1) { totalCount } }';
    const before = await workUnits(server);
    const res = await server.graphql(query, { p: polygon });
    expect(res.body.errors).toBeUndefined();
    const spent = (await workUnits(server)) - before;
    // 2,000 edges: 5 units for each code in the box around the circle, and one edge.
    expect((spent - 1) % 5).toBe(0);
    expect(spent).toBeGreaterThan(500);
    expect((await tight.graphql(query, { p: polygon })).body).toEqual({ errors: [BUDGET_ERROR], data: null });
  });

  it('answers an _entities call that spends its budget with as many nulls as representations', async () => {
    const representations = ['10001', '90210', '60601'].map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
    const res = await tight.graphql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { nearby(radius: 300, first: 400) { totalCount } } } }', { r: representations });
    expect(res.body).toEqual({ errors: [BUDGET_ERROR], data: { _entities: [null, null, null] } });
  });

  it('lets go of what a stopped operation built: the heap comes back to where it was', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const query = '{ nearestLocations(latitude: 40.75, longitude: -73.99, first: 1000) { edges { cursor node { postalCode placeName adminName latitude longitude } } } }';
    await tight.graphql(query); // warm: compiled operation, analysis
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 50; i++) expect((await tight.graphql(query)).body.errors?.[0]?.extensions?.code).toBe('WORK_BUDGET_EXCEEDED');
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1024 * 1024);
  });
});
