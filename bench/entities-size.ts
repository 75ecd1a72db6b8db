/**
 * What one large call costs, per item: `_entities` with `distanceTo` (what a router sends for a
 * list of stores with their distance to a point, never split) and `distanceMatrix`, at about
 * 1,000, 5,000 and 10,000 items. For choosing MAX_ENTITIES, MAX_MATRIX_CELLS and MAX_POSTAL_CODES
 * (docs/federation.md, "Router limits").
 *
 *  - Time: one service (the built `dist/main.js`, production mode, limits lifted, response cache
 *    off), every size in each round, the sizes in a shuffled order; the median of the warm rounds
 *    (every code already in the locator's cache) and the first, cold call (codes not yet cached),
 *    both after a warm-up that compiled the operations and grew the heap with calls as large on
 *    other codes; timed from the client's side of HTTP (JSON encoding included), divided by the items.
 *  - Memory: a fresh service per size, warmed with a one-item call; then its peak RSS (VmHWM) grows
 *    by what the largest of a few calls of that size needed at once: the request, the parsed
 *    variables, the response and the garbage the collector had not yet reclaimed. Divided by the items.
 *
 * The representations are distinct US codes spread over the file (Hive Gateway sends each distinct
 * one once; Apollo Gateway repeats duplicates, which cost the same as distinct ones once cached).
 *
 * Usage: npm run build && npx tsx bench/entities-size.ts [--rounds 7]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { usRows } from '../test/support/geonames.js';
import { machineLine, median, memoryOf, pollReady, serviceUrl, spawnService, table, type Child } from './service-process.js';
import { int } from './lib/stats.js';

/** The built service, relative to this file run with tsx (bench/ → ../dist/main.js). */
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const ROUNDS = Number(values.rounds);

/** Limits lifted far past the sizes measured, and nothing answered from the response cache. */
const ENV = {
  MAX_ENTITIES: '100000',
  MAX_POSTAL_CODES: '1000000',
  MAX_MATRIX_CELLS: '1000000',
  MAX_RESPONSE_FIELDS: '100000000',
  MAX_BODY_BYTES: '100000000',
  RESPONSE_CACHE_MAX_BYTES: '0',
};

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Location { placeName distanceTo(postalCode: "10001") { miles } } } }';
const MATRIX = 'query($o: [String!]!, $d: [String!]!) { distanceMatrix(origins: $o, destinations: $d) { rows { distances { miles } } } }';

const codes = [...new Set(usRows().map((row) => row.postalCode))];
/** `count` distinct codes spread evenly over the file. */
const spread = (count: number, offset = 0): string[] => Array.from({ length: count }, (_, i) => codes[(offset + Math.floor((i * codes.length) / count)) % codes.length]!);

interface Shape {
  readonly label: string;
  readonly items: number;
  readonly body: string;
  /** Items in a parsed response. */
  readonly count: (data: Record<string, unknown>) => number;
}

const entities = (n: number, offset = 0): Shape => ({
  label: `_entities + distanceTo, ${int(n)}`,
  items: n,
  body: JSON.stringify({ query: ENTITIES, variables: { r: spread(n, offset).map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' })) } }),
  count: (data) => (data._entities as unknown[]).length,
});
const matrix = (side: number, offset = 7): Shape => ({
  label: `distanceMatrix ${side} × ${side} (${int(side * side)} cells)`,
  items: side * side,
  body: JSON.stringify({ query: MATRIX, variables: { o: spread(side, offset), d: spread(side, offset + 6) } }),
  count: (data) => ((data.distanceMatrix as { rows: { distances: unknown[] }[] }).rows ?? []).reduce((n, row) => n + row.distances.length, 0),
});
const SHAPES: readonly Shape[] = [entities(1_000), entities(5_000), entities(10_000), matrix(32), matrix(71), matrix(100)];
/** Before the rounds: each operation compiled (its second run, JIT_COMPILE_AFTER=1), and the heap grown by calls as large, on other codes. */
const WARM_UP = [entities(1), entities(1), matrix(1), matrix(1), entities(10_000, 2), matrix(100, 3)];
const TINY = [entities(1), matrix(1)];

async function post(url: string, shape: Shape): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: shape.body });
  const text = await res.text();
  const elapsed = performance.now() - started;
  const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors || !body.data || shape.count(body.data) !== shape.items) throw new Error(`${shape.label}: ${text.slice(0, 300)}`);
  return { ms: elapsed, bytes: text.length };
}

async function start(): Promise<{ child: Child; url: string }> {
  const child = spawnService(ENV, [], MAIN);
  const url = await serviceUrl(child);
  await pollReady(child, url, 30_000);
  return { child, url };
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

console.log(await machineLine());

// Time: one service, every shape each round.
const timing = await start();
const cold = new Map<Shape, number>();
const warm = new Map<Shape, number[]>(SHAPES.map((shape) => [shape, []]));
const bytes = new Map<Shape, number>();
for (const shape of WARM_UP) await post(timing.url, shape);
for (let round = 0; round <= ROUNDS; round++) {
  for (const shape of shuffled(SHAPES, round + 1)) {
    const { ms, bytes: size } = await post(timing.url, shape);
    if (round === 0) cold.set(shape, ms);
    else warm.get(shape)!.push(ms);
    bytes.set(shape, size);
  }
}
await timing.child.stop();

// Memory: a fresh service per shape.
const peak = new Map<Shape, number>();
for (const shape of SHAPES) {
  const { child, url } = await start();
  for (const tiny of TINY) await post(url, tiny);
  const before = memoryOf(child.pid).hwm;
  for (let i = 0; i < 3; i++) await post(url, shape);
  peak.set(shape, memoryOf(child.pid).hwm - before);
  await child.stop();
}

console.log(`rounds: ${ROUNDS} warm (median) after 1 cold; sizes shuffled within each round\n`);
console.log(
  table(
    ['call', 'cold ms', 'warm ms', 'warm µs/item', 'cold µs/item', 'response KB', 'peak RSS +MB', 'RSS KB/item'],
    SHAPES.map((shape) => {
      const w = median(warm.get(shape)!);
      const c = cold.get(shape)!;
      const p = peak.get(shape)!;
      return [
        shape.label,
        c.toFixed(1),
        w.toFixed(1),
        ((w * 1000) / shape.items).toFixed(1),
        ((c * 1000) / shape.items).toFixed(1),
        int(bytes.get(shape)! / 1024),
        (p / 1024 / 1024).toFixed(1),
        (p / 1024 / shape.items).toFixed(2),
      ];
    }),
  ),
);
