/**
 * Slow clients against the built service: `npm run bench:slow-clients` (builds first).
 *
 * Starts `node dist/main.js` (production, default settings unless the environment says otherwise),
 * opens BENCH_CONNECTIONS (2,000) connections that each send a POST's headers and then one byte of
 * its body every 250 ms, never enough to finish it, and meanwhile probes `/healthz` on a fresh
 * connection every 100 ms and reads the service's RSS every 250 ms. It waits until the service has
 * closed every attacking connection, or for BENCH_WAIT_MS (60,000) after they are all open, then checks
 * that the service still answers GraphQL.
 *
 *   BENCH_COMPARE=main=../postal-distance-at-main/dist/main.js   also attack another build (bench/build-at.sh)
 *   HTTP_REQUEST_TIMEOUT_MS=... (and any service variable)      passed to every build attacked
 */
import { fileURLToPath } from 'node:url';
import { memoryOf, serviceUrl, spawnService, pollReady, killAllChildren } from './service-process.js';
import { int, mb, median, table } from './lib/stats.js';
import { openSlowClients, openFileLimit, probe, slowBodyStart, type ProbeResult } from '../test/support/slow-clients.js';

/** Run with tsx from bench/, not from dist-bench/ (service-process.ts's SERVICE_MAIN assumes the latter). */
const SERVICE_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2_000);
const WAIT_MS = Number(process.env.BENCH_WAIT_MS ?? 60_000);
/** Service variables given to every build (HTTP_*, MAX_BODY_BYTES...). */
const SERVICE_ENV = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => /^(HTTP_|MAX_BODY_BYTES$)/.test(entry[0]) && entry[1] !== undefined));

interface Run {
  readonly label: string;
  readonly rssReady: number;
  readonly rssPeak: number;
  readonly rssAfter: number;
  readonly closed: number;
  /** Seconds from the start of the attack to each close by the service. */
  readonly closedAfterS: readonly number[];
  readonly probes: readonly ProbeResult[];
  readonly graphqlAfter: number | string;
}

async function attack(label: string, main: string): Promise<Run> {
  const service = spawnService(SERVICE_ENV, [], main);
  try {
    const url = await serviceUrl(service);
    await pollReady(service, url, 60_000);
    const rssReady = memoryOf(service.pid).rss;
    let rssPeak = rssReady;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, memoryOf(service.pid).rss)), 250);
    const probes: ProbeResult[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        probes.push(await probe(`${url}/healthz`));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const started = performance.now();
    const clients = await openSlowClients(url, CONNECTIONS, { first: slowBodyStart(1_000), drip: ' ', everyMs: 250 });
    const closedAfterS: number[] = [];
    for (const client of clients.clients) void client.closed.then(() => client.closedByServer && closedAfterS.push((performance.now() - started) / 1000));
    await Promise.race([Promise.all(clients.clients.map((c) => c.closed)), new Promise((resolve) => setTimeout(resolve, WAIT_MS))]);
    const closed = clients.closedByServer();
    clients.stop();
    probing = false;
    await prober;
    clearInterval(sampler);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rssAfter = memoryOf(service.pid).rss;
    const answer = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ location(postalCode: \\"90210\\") { placeName } }"}' }).then(
      (res) => res.status,
      (error: unknown) => String((error as { cause?: { code?: string } }).cause?.code ?? error),
    );
    return { label, rssReady, rssPeak, rssAfter, closed, closedAfterS, probes, graphqlAfter: answer };
  } finally {
    await service.stop();
  }
}

const builds: [string, string][] = [
  ['this build', SERVICE_MAIN],
  ...(process.env.BENCH_COMPARE ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=') as [string, string]),
];
console.log(`${CONNECTIONS} connections trickling a body (a byte every 250 ms); open-file limit here ${openFileLimit() ?? 'unknown'}; service variables: ${JSON.stringify(SERVICE_ENV)}`);
const runs: Run[] = [];
try {
  for (const [label, main] of builds) runs.push(await attack(label, main));
} finally {
  killAllChildren();
}
const seconds = (values: readonly number[], pick: (sorted: number[]) => number | undefined): string => {
  const sorted = [...values].sort((a, b) => a - b);
  const value = pick(sorted);
  return value === undefined ? '-' : value.toFixed(1);
};
console.log(
  table(
    ['build', 'closed by the service', 'first / last close (s)', 'RSS ready', 'RSS peak', 'RSS after', '/healthz probes', 'not 200', 'probe median / max (ms)', 'GraphQL after'],
    runs.map((r) => [
      r.label,
      `${int(r.closed)} of ${int(CONNECTIONS)}`,
      `${seconds(r.closedAfterS, (s) => s[0])} / ${seconds(r.closedAfterS, (s) => s.at(-1))}`,
      mb(r.rssReady),
      mb(r.rssPeak),
      mb(r.rssAfter),
      int(r.probes.length),
      int(r.probes.filter((p) => p.status !== 200).length),
      `${median(r.probes.map((p) => p.ms)).toFixed(1)} / ${Math.max(...r.probes.map((p) => p.ms)).toFixed(1)}`,
      String(r.graphqlAfter),
    ]),
  ),
);
