/**
 * `npm run bench:profile -- SHAPE [SECONDS]`: where the service's CPU time goes under one shape.
 *
 * Starts `node --cpu-prof dist/main.js` (production), drives it with autocannon at 32 connections
 * (after a warm-up that is not profiled away: V8 profiles the whole process, so the warm-up is
 * short and counted), stops it so V8 writes the profile, then prints self time by package and the
 * functions with the most self time. The `.cpuprofile` is kept for Chrome DevTools or speedscope.
 *
 *   SHAPE    distance | distances | entities | matrix (default distances)
 *   SECONDS  measured load (default 10)
 *   PROFILE_MODE  random (default: fresh random codes in every request, as the bench's headline),
 *                 repeated (the same body: the response cache answers), or nonce (the same body with a
 *                 unique extensions.nonce: the cache misses, the distances repeat)
 *   PROFILE_MAIN  another build's main.js to profile (default dist/main.js), or a `.ts` server run
 *                 under tsx that prints `{"url": ...}` (e.g. bench/baselines/bare-apollo.ts)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultUsDataFile } from '../src/gazetteer/loaded-data.js';
import { deadline, spawnServer, waitFor200 } from './lib/children.js';
import { load } from './lib/load.js';
import { buildShapes, readGeoNames } from './lib/shapes.js';
import { int, ms, table } from './lib/stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const shapeId = process.argv[2] ?? 'distances';
const seconds = Number(process.argv[3] ?? 10);
const main = path.resolve(ROOT, process.env.PROFILE_MAIN ?? 'dist/main.js');
const shape = buildShapes(readGeoNames(defaultUsDataFile())).find((s) => s.id === shapeId);
if (!shape) throw new Error(`unknown shape ${shapeId}`);
deadline((seconds + 60) * 1000);

interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, as are columns. */
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const dir = path.join(ROOT, 'profiles', `${shapeId}-${Date.now()}`);
mkdirSync(dir, { recursive: true });
const child = await spawnServer({
  name: 'service',
  command: process.execPath,
  args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...(main.endsWith('.ts') ? ['--import', 'tsx'] : []), main],
  env: { NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: '0' },
  urlFrom: (line) =>
    line.includes('"phase":"listen"') || line.startsWith('{"url"') ? new URL(String((JSON.parse(line) as { url: string }).url)).origin : null,
});
const isService = !main.endsWith('.ts');
if (isService) await waitFor200(`${child.url}/readyz`);
const url = isService ? `${child.url}/graphql` : `${child.url}/`;
const mode = process.env.PROFILE_MODE ?? 'random';
if (!['random', 'repeated', 'nonce'].includes(mode)) throw new Error(`PROFILE_MODE must be random, repeated or nonce, got ${mode}`);
const requests =
  mode === 'random'
    ? { body: shape.body, makeBody: shape.random }
    : mode === 'nonce'
      ? { body: `${shape.body.slice(0, -1)},"extensions":{"nonce":"[<id>]"}}`, idReplacement: true }
      : { body: shape.body };
await load({ url, ...requests, connections: 32, durationS: 2 });
const result = await load({ url, ...requests, connections: 32, durationS: seconds });
await child.stop();

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile;

// Self time per node, in µs: each sample's delta goes to the node that was on top of the stack.
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

/**
 * dist/service.js is one esbuild bundle (build/bundle.ts): a frame in it is mapped through its source
 * map back to the file it came from, so packages and our own modules are told apart again.
 */
const sourceMaps = new Map<string, SourceMap | null>();
function original(frame: CallFrame): CallFrame {
  if (!frame.url.startsWith('file:')) return frame;
  let map = sourceMaps.get(frame.url);
  if (map === undefined) {
    const mapFile = `${fileURLToPath(frame.url)}.map`;
    map = existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]) : null;
    sourceMaps.set(frame.url, map);
  }
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
  if (!entry || !('originalSource' in entry)) return frame;
  const url = new URL(entry.originalSource, pathToFileURL(`${fileURLToPath(frame.url)}.map`)).href;
  return { ...frame, url, lineNumber: entry.originalLine, columnNumber: entry.originalColumn };
}

/** Which package (or part of the runtime) a frame belongs to. */
function owner({ url, functionName }: ProfileNode['callFrame']): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8)';
  if (url.startsWith('node:')) return 'node: core';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return url.includes('/dist') || url.includes('/src/') ? 'service' : url;
}

const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of self) {
  const callFrame = original(byId.get(id)!.callFrame);
  const o = owner(callFrame);
  byOwner.set(o, (byOwner.get(o) ?? 0) + us);
  const where = callFrame.url ? `${callFrame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/(dist|src)\//, '$1/')}:${callFrame.lineNumber + 1}` : '';
  const name = `${callFrame.functionName || '(anonymous)'} ${where}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);

console.log(`Profile of ${path.relative(ROOT, main)} under "${shape.title}", ${mode} requests: ${int(result.rps)} req/s, p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms over ${seconds} s`);
console.log(`(${path.relative(ROOT, path.join(dir, file))}; the whole process life, start-up and warm-up included)\n`);
console.log(table(['self time by package', 'share'], top(byOwner, 15).map(([k, v]) => [k, pct(v)])));
console.log('');
console.log(table(['function (self time)', 'share'], top(byFunction, 30).map(([k, v]) => [k.length > 110 ? `${k.slice(0, 107)}...` : k, pct(v)])));
