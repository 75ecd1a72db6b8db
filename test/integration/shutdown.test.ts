/**
 * Shutting down as orchestrators expect (src/server/shutdown.ts), on the built service in its own
 * process and with a real SIGTERM: no request that reached the socket is lost. Run several times,
 * since a lost request is a race, not a certainty.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runService } from '../support/service-process.js';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
}

/** POSTs a one-distance query; resolves with the status and headers, or rejects with the socket error (ECONNRESET...). */
function ask(url: string, agent: Agent | false): Promise<Answer> {
  const body = JSON.stringify({ query: '{ distance(from: "90210", to: "10001") { miles } }' });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown', () => {
  it('answers every request sent just before SIGTERM, in five runs of 30 fresh connections each', async () => {
    for (let run = 0; run < 5; run++) {
      const service = runService({ PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DELAY_MS: '0' });
      const url = String((await service.phase('listen')).url);
      await service.phase('ready');
      const answers = Array.from({ length: 30 }, () => ask(url, false).then((a) => a.status, (error: NodeJS.ErrnoException) => error.code ?? 'error'));
      await sleep(20);
      service.child.kill('SIGTERM');
      expect(await Promise.all(answers)).toEqual(Array(30).fill(200));
      expect(await service.exited).toBe(0);
    }
  });

  it('during SHUTDOWN_DELAY_MS keeps serving with Connection: close, while /readyz answers 503', async () => {
    const service = runService({ PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DELAY_MS: '600' });
    const url = String((await service.phase('listen')).url);
    const base = url.replace(/\/graphql$/, '');
    await service.phase('ready');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await ask(url, agent);
      expect(before).toMatchObject({ status: 200, headers: { connection: 'keep-alive' } });
      service.child.kill('SIGTERM');
      await service.phase('shutdown');
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      // The kept-alive socket is answered once more, told to close; the next request opens a new one.
      for (let i = 0; i < 3; i++) expect(await ask(url, agent)).toMatchObject({ status: 200, headers: { connection: 'close' } });
      expect(await service.exited).toBe(0);
      expect(service.output().stdout).toMatch(/"msg":"not ready; still serving while load balancers stop sending"/);
    } finally {
      agent.destroy();
      service.child.kill('SIGKILL');
    }
  });
});
