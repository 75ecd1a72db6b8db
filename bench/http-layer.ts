/**
 * HTTP-layer benchmark: what serving the same GraphQL schema through different HTTP layers costs,
 * measured here rather than quoted. One query, `{ distance(from: "90210", to: "10001") { miles kilometers } }`
 * (answered from the locator's cache after the first request), against:
 *
 *   (a) the service as built: `node dist/main.js`, production mode (node:http + executeHTTPGraphQLRequest);
 *   (b) the same Apollo Server (schema, plugins, context) via `startStandaloneServer`;
 *   (c) the same via Express 5 + `@as-integrations/express5`;
 *   (d) raw `node:http` sending the precomputed response body: the ceiling, no GraphQL at all.
 *
 * Each server runs in its own child process; the load generator (autocannon, 32 connections) runs
 * in this process. Both share the machine's 2 cores, so every figure includes the client's cost and
 * the ceiling (d) is as much the client's limit as the server's.
 *
 * Runs are interleaved a, b, c, d, a, b, c, d, … for `--rounds` rounds (default 3), each a
 * `--warmup`-second run that is discarded (default 3) then a `--duration`-second run (default 10).
 * Reported: median requests/s, p50 and p99 latency, and each server's ratio to (b) as the median of
 * the per-round ratios (runs of a round are adjacent in time, so they share the machine's state).
 *
 * Usage: npm run bench:http-layer [-- --rounds 3 --duration 10 --warmup 3 --connections 32]
 */
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { machineLine, median, pollReady, serviceUrl, spawnNode, spawnService, table, type Child } from './service-process.js';

const SERVER_SCRIPT = fileURLToPath(new URL('./http-layer-server.js', import.meta.url));
const QUERY = '{ distance(from: "90210", to: "10001") { miles kilometers } }';
const BODY = JSON.stringify({ query: QUERY });
const HEADERS = { 'content-type': 'application/json' };

interface Server {
  readonly key: 'a' | 'b' | 'c' | 'd';
  readonly label: string;
  readonly child: Child;
  readonly url: string;
}

interface Sample {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  /** Connection errors, timeouts and non-2xx responses: any of these makes the run suspect. */
  readonly failures: number;
}

/** One POST of the query; resolves with status and body. */
function post(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...HEADERS, 'content-length': Buffer.byteLength(BODY) }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url} in 10 s`)));
    req.end(BODY);
  });
}

async function load(url: string, seconds: number, connections: number): Promise<Sample> {
  const result = await autocannon({ url, method: 'POST', headers: HEADERS, body: BODY, connections, duration: seconds });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

// Every layer compared here runs the same Apollo Server; the service's response cache (in its HTTP
// layer) would answer the repeated query without it, so it is off for this comparison.
const NO_RESPONSE_CACHE = { RESPONSE_CACHE_MAX_BYTES: '0' };

async function startHelper(kind: 'standalone' | 'express' | 'raw', rawBody: string): Promise<{ child: Child; url: string }> {
  const child = spawnNode({ script: SERVER_SCRIPT, args: [kind], env: { NODE_ENV: 'production', LOG_LEVEL: 'info', RAW_BODY: rawBody } });
  const line = await child.waitForLine((l) => typeof l.benchServer === 'string', 60_000, `${kind} server's address`);
  return { child, url: String(line.benchServer) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
    },
  });
  const rounds = Number(values.rounds);
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  if (![rounds, duration, connections].every((n) => Number.isInteger(n) && n >= 1) || !Number.isInteger(warmup) || warmup < 0) {
    throw new Error('usage: http-layer [--rounds N] [--duration SECONDS] [--warmup SECONDS] [--connections N]');
  }
  if (rounds * 4 * (duration + warmup) > 20 * 60) throw new Error('that would run for over 20 minutes: fewer rounds or shorter runs');

  // (a) first: its answer is the body every other server must reproduce and (d) sends.
  const service = spawnService(NO_RESPONSE_CACHE);
  const serviceBase = await serviceUrl(service);
  await pollReady(service, serviceBase, 60_000);
  const expected = await post(`${serviceBase}/graphql`);
  if (expected.status !== 200 || !expected.body.includes('"distance":{"miles"')) {
    throw new Error(`the service answered ${expected.status}: ${expected.body}`);
  }
  const [standalone, express, raw] = await Promise.all([
    startHelper('standalone', expected.body),
    startHelper('express', expected.body),
    startHelper('raw', expected.body),
  ]);
  const servers: Server[] = [
    { key: 'a', label: '(a) this service: node:http + executeHTTPGraphQLRequest', child: service, url: `${serviceBase}/graphql` },
    { key: 'b', label: '(b) same Apollo Server, startStandaloneServer', ...standalone },
    { key: 'c', label: '(c) same Apollo Server, Express 5 + @as-integrations/express5', ...express },
    { key: 'd', label: '(d) raw node:http, precomputed body (ceiling)', ...raw },
  ];
  for (const server of servers) {
    const answer = await post(server.url);
    if (answer.status !== 200 || answer.body !== expected.body) {
      throw new Error(`${server.label} answered ${answer.status} ${answer.body}, not ${expected.body}`);
    }
  }

  process.stdout.write(`${await machineLine()}\n`);
  process.stdout.write(`query: ${QUERY}\nresponse (identical from all four): ${expected.body}\n`);
  process.stdout.write(
    `autocannon: ${connections} connections, ${warmup} s warm-up (discarded) + ${duration} s measured per run; ` +
      `${rounds} rounds interleaved a,b,c,d; servers in child processes, load generator in this one, all on the same cores\n`,
  );

  const samples = new Map<Server, Sample[]>(servers.map((s) => [s, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const server of servers) {
      if (warmup > 0) await load(server.url, warmup, connections);
      const sample = await load(server.url, duration, connections);
      samples.get(server)?.push(sample);
      process.stdout.write(
        `  round ${round}/${rounds} ${server.key}: ${Math.round(sample.requestsPerSecond)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms` +
          `${sample.failures ? `, ${sample.failures} FAILED requests` : ''}\n`,
      );
    }
  }

  const b = samples.get(servers[1] as Server) ?? [];
  const rows = servers.map((server) => {
    const s = samples.get(server) ?? [];
    const rps = s.map((x) => x.requestsPerSecond);
    const ratio = median(s.map((x, i) => x.requestsPerSecond / (b[i]?.requestsPerSecond ?? Number.NaN)));
    return [
      server.label,
      Math.round(median(rps)).toLocaleString('en-US'),
      `${Math.round(Math.min(...rps)).toLocaleString('en-US')}–${Math.round(Math.max(...rps)).toLocaleString('en-US')}`,
      String(median(s.map((x) => x.p50))),
      String(median(s.map((x) => x.p99))),
      `${ratio.toFixed(2)}×`,
      String(s.reduce((n, x) => n + x.failures, 0)),
    ];
  });
  process.stdout.write(`\n${table(['server', 'req/s (median)', 'min–max', 'p50 ms', 'p99 ms', 'vs (b)', 'failed'], rows)}\n`);
  process.stdout.write(
    'Note: 2 shared cores, noisy neighbours, and the load generator competes with the server for them: ratios within this run are the result;\n' +
      'absolute figures move from run to run. "vs (b)" is the median of per-round ratios; latencies are medians over runs\n' +
      'of autocannon\'s percentiles, which it records in whole milliseconds (0 means under a millisecond).\n',
  );

  // Shut everything down and check each server stops cleanly.
  const exits = await Promise.all(servers.map(async (server) => [server.key, await server.child.stop()] as const));
  const bad = exits.filter(([, code]) => code !== 0);
  process.stdout.write(bad.length === 0 ? 'all four servers exited 0 on SIGTERM\n' : `servers that did not exit 0 on SIGTERM: ${JSON.stringify(bad)}\n`);
  if (bad.length > 0 || rows.some((r) => r[6] !== '0')) process.exitCode = 1;
}

// Bounded even if something hangs: above the longest allowed run plus start-up.
setTimeout(() => {
  process.stderr.write('http-layer benchmark: overall time limit reached, stopping\n');
  process.exit(2);
}, 25 * 60_000).unref();

await main();
