/**
 * The HTTP layer against slow and many clients (src/server/http/connections.ts): requests not whole
 * by their deadline are answered 408 and closed, the connection cap makes room for new connections
 * by closing the slowest, and kept-alive connections between requests are left alone.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { Geocoder } from '../../src/geocoding/geocoder.js';
import { sample, scrape } from '../support/metrics.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { openFileLimit, openSlowClients, probe, slowBodyStart, type ProbeResult, type SlowClients } from '../support/slow-clients.js';

const servers: TestServer[] = [];
const attacks: SlowClients[] = [];
const start = async (env: Record<string, string>, geocoder?: Geocoder) => {
  const server = await startTestServer(env, geocoder);
  servers.push(server);
  return server;
};
afterEach(async () => {
  for (const attack of attacks.splice(0)) attack.stop();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const refusals = async (url: string, reason: string) => sample(await scrape(url), 'http_refusals_total', { reason });
/** Read in the process, not over HTTP: a scrape would open one more connection, which the cap counts. */
const refusalsOf = async (server: TestServer) => Object.fromEntries((await server.app.metrics.httpRefusals.get()).values.map((v) => [v.labels.reason, v.value]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('deadlines', () => {
  it('answers a request whose body is not whole by HTTP_REQUEST_TIMEOUT_MS with 408 REQUEST_TIMEOUT, and closes it', async () => {
    const server = await start({ HTTP_REQUEST_TIMEOUT_MS: '500' });
    const attack = await openSlowClients(server.url, 1, { first: slowBodyStart(100) });
    attacks.push(attack);
    await attack.clients[0]!.closed;
    const [head, body] = attack.clients[0]!.received.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(body!)).toEqual({ errors: [{ message: 'The request was not received whole within 500 ms (HTTP_REQUEST_TIMEOUT_MS).', extensions: { code: 'REQUEST_TIMEOUT' } }] });
    expect(await refusals(server.url, 'body_timeout')).toBe(1);
  });

  it('closes a connection that sends no whole headers within HTTP_HEADERS_TIMEOUT_MS, counted as headers_timeout', async () => {
    const server = await start({ HTTP_HEADERS_TIMEOUT_MS: '300' });
    const attack = await openSlowClients(server.url, 2, { first: 'POST /graphql HTTP/1.1\r\n', drip: 'x', everyMs: 50 });
    attacks.push(attack);
    await Promise.all(attack.clients.map((c) => c.closed));
    expect(attack.closedByServer()).toBe(2);
    expect(await refusals(server.url, 'headers_timeout')).toBe(2);
  });

  it('keeps a kept-alive connection open between requests for longer than the headers and request timeouts', async () => {
    const server = await start({ HTTP_HEADERS_TIMEOUT_MS: '200', HTTP_REQUEST_TIMEOUT_MS: '200' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = async (): Promise<{ status: number; reused: boolean }> => {
      const req = request(`${server.url}/healthz`, { agent });
      req.end();
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      res.resume();
      await once(res, 'end');
      return { status: res.statusCode ?? 0, reused: req.reusedSocket };
    };
    try {
      expect(await get()).toEqual({ status: 200, reused: false });
      await sleep(1_000);
      expect(await get()).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });
});

describe('the connection cap', () => {
  it('at HTTP_MAX_CONNECTIONS, a new connection closes the oldest one still sending its request, and is answered', async () => {
    const server = await start({ HTTP_MAX_CONNECTIONS: '20' });
    const attack = await openSlowClients(server.url, 20, { first: 'POST /graphql HTTP/1.1\r\n' });
    attacks.push(attack);
    expect((await probe(`${server.url}/healthz`)).status).toBe(200);
    await attack.clients[0]!.closed;
    expect(attack.clients.map((c) => c.closedByServer)).toEqual([true, ...Array<boolean>(19).fill(false)]);
    expect(await refusalsOf(server)).toEqual({ displaced_waiting: 1 });
  });

  it('closes an idle kept-alive connection to make room when none is waiting on its client', async () => {
    const server = await start({ HTTP_MAX_CONNECTIONS: '5' });
    const agent = new Agent({ keepAlive: true, maxSockets: 5 });
    try {
      // Five requests at once open five connections, kept alive afterwards.
      const answers = await Promise.all(Array.from({ length: 5 }, () => getStatus(`${server.url}/healthz`, agent)));
      expect(answers).toEqual([200, 200, 200, 200, 200]);
      expect((await probe(`${server.url}/healthz`)).status).toBe(200);
      expect(await refusalsOf(server)).toEqual({ displaced_idle: 1 });
    } finally {
      agent.destroy();
    }
  });

  it('closes a new connection at once when every open one is being answered, and finishes those', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    const held: Geocoder = {
      name: 'held',
      maxBatchSize: Infinity,
      ready: async () => {},
      geocode: async (keys) => {
        asked += keys.length;
        await gate;
        return keys.map(() => ({ kind: 'notFound' }) as const);
      },
    };
    const server = await start({ HTTP_MAX_CONNECTIONS: '3' }, held);
    const agent = new Agent({ keepAlive: false, maxSockets: 3 });
    try {
      // One code each, so that the geocoder has been asked three codes once all three are being answered.
      const busy = ['90210', '10001', '60601'].map((code) => postStatus(`${server.url}/graphql`, JSON.stringify({ query: `{ location(postalCode: "${code}") { placeName } }` }), agent));
      await waitFor(() => asked === 3);
      expect((await probe(`${server.url}/healthz`)).status).not.toBe(200);
      expect(await refusalsOf(server)).toEqual({ over_capacity: 1 });
      release();
      expect(await Promise.all(busy)).toEqual([200, 200, 200]);
    } finally {
      release();
      agent.destroy();
    }
  });
});

describe('2,000 connections trickling their bodies', () => {
  it('are closed at the deadline while /healthz answers every probe, and the server still serves afterwards', { timeout: 120_000 }, async () => {
    // Each connection costs two descriptors here (client and server in one process): size the attack to fit.
    const limit = openFileLimit() ?? 4_096;
    const count = Math.min(2_000, Math.floor((limit - 1_000) / 2));
    expect(count, `ulimit -n is ${limit}: too low for a meaningful attack`).toBeGreaterThanOrEqual(500);
    const server = await start({ HTTP_REQUEST_TIMEOUT_MS: '3000' });

    const probes: ProbeResult[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        probes.push(await probe(`${server.url}/healthz`));
        await sleep(50);
      }
    })();
    const attack = await openSlowClients(server.url, count, { first: slowBodyStart(1_000), drip: ' ', everyMs: 250 });
    attacks.push(attack);
    await Promise.all(attack.clients.map((c) => c.closed));
    probing = false;
    await prober;

    expect(attack.closedByServer()).toBe(count);
    expect(probes.length).toBeGreaterThan(10);
    expect(probes.map((p, i) => [i, p.status]).filter(([, status]) => status !== 200)).toEqual([]);
    expect(await refusals(server.url, 'body_timeout')).toBe(count);
    const { status, body } = await server.graphql('{ location(postalCode: "90210") { placeName } }');
    expect([status, body.data]).toEqual([200, { location: { placeName: 'Beverly Hills' } }]);
  });
});

async function getStatus(url: string, agent: Agent): Promise<number> {
  const req = request(url, { agent });
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  res.resume();
  await once(res, 'end');
  return res.statusCode ?? 0;
}

async function postStatus(url: string, body: string, agent: Agent): Promise<number> {
  const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  req.end(body);
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  res.resume();
  await once(res, 'end');
  return res.statusCode ?? 0;
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}
