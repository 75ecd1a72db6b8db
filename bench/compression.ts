/**
 * What compressing /graphql answers costs and saves: `npm run bench:compression`.
 *
 * For the answers of the shapes docs/federation.md tabulates (one distance, 10 pairs, a 2 × 2 and a
 * 20 × 20 matrix, `nearby` first 20 and first 1,000, 100 entities with `distanceTo`), made by the
 * service itself (`executeOperation`, no HTTP), it prints the bytes on the wire as they are, gzip-
 * and brotli-encoded at the levels worth considering, and the CPU each encoding takes, beside the
 * CPU of answering the request in the first place (the baseline, measured in the same run).
 * Medians of ROUNDS interleaved rounds; the CPU is µs per answer, on the calling thread (zlib's
 * synchronous calls: the service runs the same work on zlib's thread pool).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { defaultUsDataFile } from '../src/gazetteer/loaded-data.js';
import { createService } from '../src/app.js';
import { readGeoNames } from './lib/shapes.js';
import { int, median, table } from './lib/stats.js';

const ROUNDS = 7;
const REPEAT = 50;

const rows = readGeoNames(defaultUsDataFile());
const codes = [...new Set(rows.map((row) => row.postalCode))];
const pick = (n: number, step: number) => Array.from({ length: n }, (_, i) => codes[(i * step + 11) % codes.length]!);

const SHAPES: { title: string; query: string; variables?: Record<string, unknown> }[] = [
  { title: 'one distance', query: '{ distance(from: "90210", to: "10001") { miles kilometers initialBearing } }' },
  { title: '10 pairs', query: 'query($p: [DistancePairInput!]!) { distances(pairs: $p) { miles kilometers initialBearing } }', variables: { p: pick(10, 13).map((from, i) => ({ from, to: pick(10, 29)[i] })) } },
  { title: '2 × 2 matrix', query: 'query($o: [String!]!, $d: [String!]!) { distanceMatrix(origins: $o, destinations: $d) { rows { distances { miles } } } }', variables: { o: pick(2, 31), d: pick(2, 37) } },
  { title: '20 × 20 matrix', query: 'query($o: [String!]!, $d: [String!]!) { distanceMatrix(origins: $o, destinations: $d) { rows { distances { miles } } } }', variables: { o: pick(20, 31), d: pick(20, 37) } },
  { title: 'nearby first 20', query: '{ location(postalCode: "10001") { nearby(radius: 50, first: 20) { edges { distance node { postalCode placeName } } } } }' },
  { title: 'nearby first 1,000', query: '{ location(postalCode: "10001") { nearby(radius: 200, first: 1000) { edges { distance node { postalCode placeName } } } } }' },
  {
    title: '100 entities with distanceTo',
    query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName distanceTo(postalCode: "10001") { miles } } } }',
    variables: { r: pick(100, 41).map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' })) },
  },
];

const ENCODERS: { name: string; encode: (body: Buffer) => Buffer }[] = [
  { name: 'gzip 1', encode: (b) => gzipSync(b, { level: 1 }) },
  { name: 'gzip 5', encode: (b) => gzipSync(b, { level: 5 }) },
  { name: 'gzip 6', encode: (b) => gzipSync(b, { level: 6 }) },
  { name: 'br 1', encode: (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }) },
  { name: 'br 4', encode: (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }) },
  { name: 'br 5', encode: (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }) },
];

const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
const service = createService({ config, logger: pino({ level: 'silent' }) });
await service.apollo.start();
await service.ready;

const answer = async (shape: (typeof SHAPES)[number], i: number): Promise<Buffer> => {
  const response = await service.apollo.executeOperation({ query: shape.query, variables: shape.variables ?? {} }, { contextValue: service.context(`c${i}`) });
  if (response.body.kind !== 'single' || response.body.singleResult.errors) throw new Error(`${shape.title}: ${JSON.stringify(response.body)}`);
  return Buffer.from(`${JSON.stringify(response.body.singleResult)}\n`);
};

const cpu = new Map<string, { serve: number[]; encode: Map<string, number[]> }>();
const sizes = new Map<string, Map<string, number>>();
for (let round = 0; round < ROUNDS; round++) {
  for (const shape of SHAPES) {
    let started = performance.now();
    let body: Buffer = Buffer.alloc(0);
    for (let i = 0; i < REPEAT; i++) body = await answer(shape, i);
    const serve = ((performance.now() - started) * 1000) / REPEAT;
    const entry = cpu.get(shape.title) ?? { serve: [], encode: new Map<string, number[]>() };
    entry.serve.push(serve);
    const size = sizes.get(shape.title) ?? new Map<string, number>([['identity', body.length]]);
    for (const encoder of ENCODERS) {
      started = performance.now();
      let encoded: Buffer = body;
      for (let i = 0; i < REPEAT; i++) encoded = encoder.encode(body);
      entry.encode.set(encoder.name, [...(entry.encode.get(encoder.name) ?? []), ((performance.now() - started) * 1000) / REPEAT]);
      size.set(encoder.name, encoded.length);
    }
    cpu.set(shape.title, entry);
    sizes.set(shape.title, size);
  }
}
await service.apollo.stop();

console.log(`## Bytes on the wire (identity, and encoded)\n`);
console.log(table(['answer', 'identity', ...ENCODERS.map((e) => e.name)], SHAPES.map(({ title }) => [title, int(sizes.get(title)!.get('identity')!), ...ENCODERS.map((e) => int(sizes.get(title)!.get(e.name)!))])));
console.log(`\n## CPU per answer, µs (medians of ${ROUNDS} rounds of ${REPEAT}), and each encoding as a share of serving the request\n`);
console.log(
  table(
    ['answer', 'serve (baseline)', ...ENCODERS.map((e) => e.name)],
    SHAPES.map(({ title }) => {
      const { serve, encode } = cpu.get(title)!;
      const base = median(serve);
      return [title, int(base), ...ENCODERS.map((e) => `${int(median(encode.get(e.name)!))} (${((median(encode.get(e.name)!) / base) * 100).toFixed(0)}%)`)];
    }),
  ),
);
