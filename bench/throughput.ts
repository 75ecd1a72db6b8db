/**
 * The warm throughput section of `npm run bench`: every operation shape against our service and
 * its two baselines, interleaved, medians over rounds.
 *
 * Targets, each its own process on 127.0.0.1:
 *  - the service, as a user starts it: `node dist/main.js`, NODE_ENV=production, PORT=0;
 *  - bare Apollo (`baselines/bare-apollo.ts`): the framework's floor;
 *  - raw node:http (`baselines/raw-http.ts`) answering our service's own response bodies: the ceiling.
 * The headline drives the service and bare Apollo with random codes: every request the same
 * operation with codes drawn uniformly from the whole US dataset (shapes.ts), as a router serving
 * many users sends them, so neither a response cache nor a memo of distances can answer it.
 * Secondary rows, labelled for what they measure: the service with the same request over and over
 * (a page many users load: the response cache answers), with the same request made distinct only
 * by a nonce (`extensions.nonce`: the cache misses, but every distance repeats), and raw node:http
 * answering fixed bodies (the ceiling).
 * `BENCH_COMPARE=label=path/to/main.js,...` adds other builds of the service (bench/compare.sh
 * builds one from any commit) as extra random-code targets, for before/after figures from one run;
 * `BENCH_BASELINES=0` leaves the two baselines out, `BENCH_SECONDARY=0` the secondary rows.
 *
 * Each round visits every shape and, within it, every target (in an order rotated per round),
 * with a short unmeasured warm-up before each measured run. Caches are warm: each target answers
 * every shape once before the first round.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer, stopAll, waitFor200, type Child } from './lib/children.js';
import { load, type LoadResult } from './lib/load.js';
import type { Shape } from './lib/shapes.js';
import { int, mb, median, ms, ratio, table } from './lib/stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ThroughputOptions {
  readonly shapes: readonly Shape[];
  readonly rounds: number;
  readonly connections: number;
  readonly durationS: number;
  /** Unmeasured seconds before each measured run (the first visit of each target gets twice as long). */
  readonly warmupS: number;
  /** Extra service builds to measure beside `dist/main.js`: label → path of their main.js. */
  readonly compare: ReadonlyMap<string, string>;
  /** Whether to run the bare Apollo and raw node:http baselines (default true). */
  readonly baselines: boolean;
  /** Whether to add the secondary rows: repeated and nonce-distinct requests, and raw node:http (default true). */
  readonly secondary: boolean;
  /** Printed as each measured run ends. */
  readonly progress: (line: string) => void;
}

export interface Target {
  readonly name: string;
  /** The URL to POST a shape to. */
  readonly urlFor: (shape: Shape) => string;
  readonly child: Child;
  /** The service itself, another build of it, or a baseline. */
  readonly kind: 'service' | 'bare' | 'raw' | 'compare';
  /** What each request carries: fresh random codes, the shape's fixed body, or the fixed body with a unique nonce. */
  readonly mode: 'random' | 'repeated' | 'nonce';
}

/** The load options of a target's requests for a shape. */
function requestsOf(target: Target, shape: Shape): { body: string; idReplacement: boolean; makeBody?: () => string } {
  if (target.mode === 'random') return { body: shape.body, idReplacement: false, makeBody: shape.random };
  if (target.mode === 'nonce') return { body: distinctBody(shape.body), idReplacement: true };
  return { body: shape.body, idReplacement: false };
}

/** The shape's body with a unique nonce per request: GraphQL ignores unknown `extensions`, caches keyed by the body miss. */
const distinctBody = (body: string): string => `${body.slice(0, -1)},"extensions":{"nonce":"[<id>]"}}`;

export interface ShapeResult {
  readonly shape: Shape;
  /** Per target: the measured runs, in round order. */
  readonly runs: ReadonlyMap<Target, readonly LoadResult[]>;
  readonly responseBytes: number;
}

export interface ThroughputResult {
  readonly targets: readonly Target[];
  readonly shapes: readonly ShapeResult[];
  readonly rssAfter: ReadonlyMap<Target, number | null>;
}

/** Starts `node <main>` as a user would, and resolves once `/readyz` answers 200. */
export async function startService(name: string, main: string, env: Record<string, string> = {}): Promise<Child> {
  const child = await spawnServer({
    name,
    command: process.execPath,
    args: [main],
    env: { NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: '0', ...env },
    urlFrom: (line) => {
      if (!line.includes('"phase":"listen"')) return null;
      return new URL(String((JSON.parse(line) as { url: string }).url)).origin;
    },
  });
  await waitFor200(`${child.url}/readyz`);
  return child;
}

/** Starts a TypeScript bench script under tsx; it prints `{"url": ...}` once listening. */
function startScript(name: string, script: string, args: readonly string[] = []): Promise<Child> {
  return spawnServer({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT, script), ...args],
    env: { NODE_ENV: 'production' },
    urlFrom: (line) => (line.startsWith('{"url"') ? new URL((JSON.parse(line) as { url: string }).url).origin : null),
  });
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

async function post(url: string, body: string): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** Fails loudly unless the answer is a 200 with data, no errors, and the shape's item count. */
function check(target: string, shape: Shape, answer: Answer): void {
  const json = JSON.parse(answer.text) as { data?: Record<string, unknown>; errors?: unknown };
  const items = json.data ? shape.count(json.data) : -1;
  if (answer.status !== 200 || json.errors || (shape.atLeast ? items < shape.items : items !== shape.items)) {
    throw new Error(`${target} answered ${shape.id} with ${answer.status}, ${items} items: ${answer.text.slice(0, 300)}`);
  }
}

export async function runThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const { shapes } = options;
  const children: Child[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const service = await startService('service', path.join(ROOT, 'dist', 'main.js'));
    children.push(service);
    const graphql = (child: Child) => () => `${child.url}/graphql`;
    const targets: Target[] = [{ name: 'service', kind: 'service', mode: 'random', child: service, urlFor: graphql(service) }];
    for (const [label, main] of options.compare) {
      const child = await startService(`service@${label}`, path.resolve(ROOT, main));
      children.push(child);
      targets.push({ name: `service@${label}`, kind: 'compare', mode: 'random', child, urlFor: graphql(child) });
      if (options.secondary) {
        targets.push({ name: `service@${label}, repeated request`, kind: 'compare', mode: 'repeated', child, urlFor: graphql(child) });
        targets.push({ name: `service@${label}, nonce only`, kind: 'compare', mode: 'nonce', child, urlFor: graphql(child) });
      }
    }
    if (options.baselines) {
      const bare = await startScript('bare Apollo', 'bench/baselines/bare-apollo.ts');
      children.push(bare);
      targets.push({ name: 'bare Apollo subgraph', kind: 'bare', mode: 'random', child: bare, urlFor: () => `${bare.url}/` });
    }
    if (options.secondary) {
      targets.push({ name: 'service, repeated request', kind: 'service', mode: 'repeated', child: service, urlFor: graphql(service) });
      targets.push({ name: 'service, nonce only', kind: 'service', mode: 'nonce', child: service, urlFor: graphql(service) });
    }

    // The ceiling answers exactly what our service answers: capture it (this also warms the service's caches).
    const bodies: Record<string, { body: string; headers: Record<string, string> }> = {};
    for (const shape of shapes) {
      if (shape.baseline === false) continue;
      const answer = await post(`${service.url}/graphql`, shape.body);
      check('service', shape, answer);
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'cache-control']) {
        const value = answer.headers.get(name);
        if (value) headers[name] = value;
      }
      bodies[`/${shape.id}`] = { body: answer.text, headers };
    }
    if (options.baselines && options.secondary) {
      const bodiesFile = path.join(tmp, 'bodies.json');
      writeFileSync(bodiesFile, JSON.stringify(bodies));
      const raw = await startScript('raw node:http', 'bench/baselines/raw-http.ts', [bodiesFile]);
      children.push(raw);
      targets.push({ name: 'raw node:http (ceiling)', kind: 'raw', mode: 'repeated', child: raw, urlFor: (shape) => `${raw.url}/${shape.id}` });
    }

    const serves = (target: Target, shape: Shape): boolean => shape.baseline !== false || (target.kind !== 'bare' && target.kind !== 'raw');
    for (const target of targets) {
      for (const shape of shapes) {
        if (!serves(target, shape)) continue;
        const { body, makeBody } = requestsOf(target, shape);
        check(target.name, shape, await post(target.urlFor(shape), makeBody ? makeBody() : body.replace('[<id>]', 'check')));
      }
    }

    const runs = new Map<Shape, Map<Target, LoadResult[]>>(shapes.map((s) => [s, new Map(targets.map((t) => [t, []]))]));
    const visited = new Set<string>();
    for (let round = 0; round < options.rounds; round++) {
      for (const shape of shapes) {
        // Rotating the order spreads any drift (another job on the machine, a GC) over every target.
        const order = targets.map((_, i) => targets[(i + round) % targets.length]!).filter((target) => serves(target, shape));
        for (const target of order) {
          const key = `${target.name}/${shape.id}`;
          const base = { url: target.urlFor(shape), ...requestsOf(target, shape), connections: options.connections };
          await load({ ...base, durationS: visited.has(key) ? options.warmupS : 2 * options.warmupS });
          visited.add(key);
          const result = await load({ ...base, durationS: options.durationS });
          runs.get(shape)!.get(target)!.push(result);
          options.progress(
            `  round ${round + 1}/${options.rounds}  ${shape.id.padEnd(9)}  ${target.name.padEnd(28)} ${int(result.rps).padStart(7)} req/s  p50 ${ms(result.p50)} ms  p99 ${ms(result.p99)} ms${result.failures ? `  FAILURES ${result.failures}` : ''}`,
          );
        }
      }
    }
    return {
      targets,
      shapes: shapes.map((shape) => ({ shape, runs: runs.get(shape)!, responseBytes: Buffer.byteLength(bodies[`/${shape.id}`]?.body ?? '') })),
      rssAfter: new Map(targets.map((t) => [t, t.child.rssBytes()])),
    };
  } finally {
    await stopAll(children);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Median over rounds of the per-round ratio a ÷ b (same round, so drift cancels). */
function ratioOfRuns(a: readonly LoadResult[], b: readonly LoadResult[]): number {
  return median(a.map((r, i) => r.rps / b[i]!.rps));
}

export function formatThroughput(result: ThroughputResult): string {
  const out: string[] = [];
  const service = result.targets.find((t) => t.kind === 'service' && t.mode === 'random')!;
  const bare = result.targets.find((t) => t.kind === 'bare');
  for (const { shape, runs, responseBytes } of result.shapes) {
    out.push(`${shape.title}  (fixed request ${int(Buffer.byteLength(shape.body))} B${responseBytes > 0 ? `, response ${int(responseBytes)} B` : ''})`);
    const rows = result.targets.filter((target) => runs.get(target)!.length > 0).map((target) => {
      const r = runs.get(target)!;
      return [
        `${target.name}${target.mode === 'random' ? ', random codes' : ''}`,
        int(median(r.map((x) => x.rps))),
        ms(median(r.map((x) => x.p50))),
        ms(median(r.map((x) => x.p99))),
        r.map((x) => int(x.rps)).join(' / '),
        ...(bare ? [runs.get(bare)!.length > 0 ? ratio(ratioOfRuns(r, runs.get(bare)!)) : 'n/a'] : []),
        String(r.reduce((n, x) => n + x.failures, 0)),
      ];
    });
    const header = ['target', 'req/s', 'p50 ms', 'p99 ms', 'req/s per round', ...(bare ? ['÷ bare'] : []), 'failures'];
    out.push(table(header, rows));
    out.push('');
  }
  const rss = new Map(result.targets.map((t) => [t.child, `${t.name.split(',')[0]} ${mb(result.rssAfter.get(t) ?? null)}`]));
  out.push(`RSS after the load: ${[...rss.values()].join(', ')}`);
  if (!bare) return out.join('\n');
  out.push('');
  out.push('Headline: random codes in every request, the service against the bare Apollo subgraph (bar: ≥ 1.00× on one distance, ≥ 2× on the list shapes, p99 no worse)');
  const rows = result.shapes.filter(({ runs }) => runs.get(bare)!.length > 0).map(({ shape, runs }) => {
    const p99 = median(runs.get(service)!.map((x) => x.p99));
    const p99b = median(runs.get(bare)!.map((x) => x.p99));
    return [shape.title, ratio(ratioOfRuns(runs.get(service)!, runs.get(bare)!)), ms(p99), ms(p99b), p99 <= p99b ? 'yes' : 'no'];
  });
  out.push(table(['shape', 'service ÷ bare', 'p99 ms', 'bare p99 ms', 'p99 ok'], rows));
  return out.join('\n');
}
