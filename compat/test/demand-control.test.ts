/**
 * Hive Gateway's demand control on our cost hints: the estimate it computes for each shape of
 * docs/federation.md's cost table (read from `extensions.cost.estimated`, with
 * `includeExtensionMetadata`), beside the work our subgraph does for it, counted on the wire in
 * its answer: the fields it built and the distances it measured (one geodesic each). Hive
 * estimates each subgraph request from the subgraph's own schema and adds them up, refusing the
 * request that takes the total over `maxCost` before it is sent.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordingProxy, type RecordingProxy } from '../../test/support/recording-proxy.js';
import { apollo } from '../src/compose.js';
import { graphql, serviceSdl } from '../src/graphql-client.js';
import { STORES_DATA } from '../src/paths.js';
import { startService, startStores, type RunningProcess } from '../src/processes.js';
import { startHiveGateway } from '../src/routers.js';

/** The largest estimate let through: above every shape below but the page of 1,000. */
const MAX_COST = 2_000;
const CONFIG = `export const gatewayConfig = { demandControl: { maxCost: ${MAX_COST}, includeExtensionMetadata: true } };\n`;

const codes = [...new Set((JSON.parse(readFileSync(STORES_DATA, 'utf8')) as { postalCode: string }[]).slice(0, 200).map((s) => s.postalCode))];
const list = (values: readonly string[]): string => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
const matrix = (side: number): string =>
  `{ distanceMatrix(origins: ${list(codes.slice(0, side))}, destinations: ${list(codes.slice(side, 2 * side))}) { rows { distances { miles } } } }`;

/** The shapes of the docs' table, with Hive Gateway's estimate of each from our SDL and the stores'. */
export const SHAPES = [
  { shape: 'one `distance`', query: '{ distance(from: "90210", to: "10001") { miles } }', estimate: 1 },
  { shape: '`distances`, 10 pairs', query: `{ distances(pairs: [${codes.slice(0, 10).map((c) => `{ from: "${c}", to: "10001" }`).join(', ')}]) { miles } }`, estimate: 32 },
  { shape: '`distanceMatrix` 2 × 2', query: matrix(2), estimate: 57 },
  { shape: '`distanceMatrix` 20 × 20', query: matrix(20), estimate: 57 },
  { shape: '`nearby`, `first: 20`', query: '{ location(postalCode: "10001") { nearby(radius: 100, unit: MILES, first: 20) { edges { distance node { postalCode } } } } }', estimate: 52 },
  { shape: '`nearby`, `first: 1000`', query: '{ location(postalCode: "10001") { nearby(radius: 100, unit: MILES, first: 1000) { edges { distance node { postalCode } } } } }', estimate: 2_012 },
  { shape: '100 stores with `distanceTo` (100 entities)', query: '{ stores(first: 100) { location { distanceTo(postalCode: "10001") { miles } } } }', estimate: 6 },
] as const;

/** Every field of a JSON answer, `__typename` aside: what the subgraph built. */
function fieldsIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + fieldsIn(item), 0);
  if (value === null || typeof value !== 'object') return 0;
  return Object.entries(value).reduce((n, [key, item]) => n + (key === '__typename' ? 0 : 1 + fieldsIn(item)), 0);
}

/** The distances in an answer: each `miles` of a Distance and each `distance` of an edge is a geodesic solved. */
function distancesIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + distancesIn(item), 0);
  if (value === null || typeof value !== 'object') return 0;
  return Object.entries(value).reduce((n, [key, item]) => n + (key === 'miles' || key === 'distance' ? 1 : distancesIn(item)), 0);
}

let service: RunningProcess;
let stores: RunningProcess;
let ours: RecordingProxy;
let storesProxy: RecordingProxy;
let supergraphSdl: string;

beforeAll(async () => {
  [service, stores] = await Promise.all([startService(), startStores()]);
  [ours, storesProxy] = await Promise.all([startRecordingProxy(service.url), startRecordingProxy(stores.url)]);
  const composed = await apollo.compose([
    { name: 'locations', url: ours.url, sdl: await serviceSdl(service.url) },
    { name: 'stores', url: storesProxy.url, sdl: await serviceSdl(stores.url) },
  ]);
  if (composed.output === undefined) throw new Error(composed.errors.join('\n'));
  supergraphSdl = composed.output;
});
afterAll(async () => {
  await Promise.all([ours.close(), storesProxy.close()]);
  await Promise.all([service.stop(), stores.stop()]);
});

describe.each(['js', 'rust'] as const)('Hive Gateway demand control (%s planner)', (planner) => {
  let router: RunningProcess;
  /** What each shape cost our subgraph, filled by the estimate tests and read by the ratio tests. */
  const work = new Map<string, { fields: number; distances: number }>();
  beforeAll(async () => {
    router = await startHiveGateway({ supergraphSdl, planner, config: CONFIG });
  });
  afterAll(() => router.stop());
  beforeEach(() => {
    ours.exchanges.length = 0;
    storesProxy.exchanges.length = 0;
  });

  it.each(SHAPES.filter((s) => s.estimate <= MAX_COST))('estimates $shape at $estimate and lets it through', async ({ shape, query, estimate }) => {
    const body = await graphql(router.url, query);
    expect(body.errors).toBeUndefined();
    expect(body.extensions?.cost).toEqual({ estimated: estimate, max: MAX_COST });
    const answers = ours.exchanges.map((e) => e.response.body.data);
    work.set(shape, { fields: fieldsIn(answers), distances: distancesIn(answers) });
  });

  it.each(SHAPES.filter((s) => s.estimate > MAX_COST))('refuses $shape, estimated at $estimate, without a request to us', async ({ query, estimate }) => {
    const body = await graphql(router.url, query);
    expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.cost])).toEqual([['COST_ESTIMATED_TOO_EXPENSIVE', { estimated: estimate, max: MAX_COST }]]);
    expect(ours.exchanges).toHaveLength(0);
  });

  it('estimates a 2 × 2 matrix well under 1,000', () => {
    expect(SHAPES.find((s) => s.shape === '`distanceMatrix` 2 × 2')!.estimate).toBeLessThan(100);
  });

  it('estimates a page of 1,000 at about the multiple of a page of 20 that the fields it builds are', async () => {
    // The page of 1,000 is refused at MAX_COST: its work is measured through a gateway without a maximum.
    const open = await startHiveGateway({ supergraphSdl, planner, config: 'export const gatewayConfig = { demandControl: { includeExtensionMetadata: true } };\n' });
    try {
      const [small, large] = [SHAPES[4], SHAPES[5]];
      const fieldsOf = async (query: string) => {
        ours.exchanges.length = 0;
        const body = await graphql(open.url, query);
        expect(body.errors).toBeUndefined();
        return fieldsIn(ours.exchanges.map((e) => e.response.body.data));
      };
      const workRatio = (await fieldsOf(large.query)) / (await fieldsOf(small.query));
      const costRatio = large.estimate / small.estimate;
      expect(costRatio / workRatio).toBeGreaterThan(0.5);
      expect(costRatio / workRatio).toBeLessThan(2);
    } finally {
      await open.stop();
    }
  });

  it('cannot see the length of an input list: every matrix is estimated the same, whatever its cells', () => {
    expect(work.get('`distanceMatrix` 20 × 20')?.distances).toBe(400);
    expect(work.get('`distanceMatrix` 2 × 2')?.distances).toBe(4);
    expect(SHAPES[2].estimate).toBe(SHAPES[3].estimate);
  });
});
