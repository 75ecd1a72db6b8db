/** The built service as a user starts it: `node dist/main.js` (npm test builds first). */
import { once } from 'node:events';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runService as run } from '../support/service-process.js';

describe('the service process', () => {
  it('refuses to start on a bad variable, naming it and what it accepts', async () => {
    const p = run({ PORT: 'eighty', CACHE_MAX_ENTRIES: '0' });
    expect(await p.exited).toBe(1);
    expect(p.output().stderr).toMatch(/PORT="eighty"/);
    expect(p.output().stderr).toMatch(/CACHE_MAX_ENTRIES="0": .*>=1/);
  });

  it('logs its start-up phases as JSON in production, and on SIGTERM finishes in-flight requests and exits 0', async () => {
    const p = run({ PORT: '0', HOST: '127.0.0.1' });
    const listen = await p.phase('listen');
    const ready = await p.phase('ready');
    expect(await p.phase('dataset')).toMatchObject({ rows: 41_490, duplicates: 2 });
    expect(ready.sinceProcessStartMs).toBeTypeOf('number');
    const url = String(listen.url);

    // A request provably in flight: headers and half the body sent before SIGTERM, the rest after.
    const pairs = Array.from({ length: 1_000 }, (_, i) => ({ from: String(10_001 + (i % 50)), to: '90210' }));
    const body = JSON.stringify({ query: 'query($p: [DistancePairInput!]!) { distances(pairs: $p) { meters } }', variables: { p: pairs } });
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    const response = once(req, 'response').then(async ([res]) => {
      let text = '';
      for await (const chunk of res as AsyncIterable<Buffer>) text += chunk;
      return { status: (res as { statusCode: number }).statusCode, json: JSON.parse(text) as { data: { distances: unknown[] } } };
    });
    req.write(body.slice(0, body.length / 2));
    await new Promise((resolve) => setTimeout(resolve, 200));
    p.child.kill('SIGTERM');
    await p.phase('shutdown');
    req.end(body.slice(body.length / 2));
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.json.data.distances).toHaveLength(1_000);
    expect(await p.exited).toBe(0);
    expect(p.output().stdout).toMatch(/"phase":"shutdown".*"msg":"stopped"/);
  });
});
