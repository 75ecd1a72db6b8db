/** The built service as a user starts it: `node dist/main.js` (npm test builds first). */
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runService as run } from '../support/service-process.js';

/** A line of a stack trace. */
const STACK = /\n\s+at /;

/** Where a test takes permissions away, the service meets them also when the tests run as root. */
const BOUND = { permissions: true };

/** The fatal lines of a JSON log, with what says why. */
const fatalLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.includes('"level":60'))
    .map((line) => {
      const { phase, code, msg } = JSON.parse(line) as Record<string, unknown>;
      return { phase, code, msg };
    });

/** Directories a test took permissions from, given back and removed at the end. */
const lockedDirs: string[] = [];
afterAll(() => {
  for (const dir of lockedDirs) {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh directory with mode `mode`. */
function lockedDir(prefix: string, mode: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, mode);
  lockedDirs.push(dir);
  return dir;
}

/** Runs `body` while another server holds a port of 127.0.0.1. */
async function withBusyPort(body: (port: number) => Promise<void>): Promise<void> {
  const holder = createServer().listen(0, '127.0.0.1');
  await once(holder, 'listening');
  try {
    await body((holder.address() as { port: number }).port);
  } finally {
    holder.close();
  }
}

describe('the service process', () => {
  it('refuses to start on a bad variable, naming it and what it accepts', async () => {
    const p = run({ PORT: 'eighty', CACHE_MAX_ENTRIES: '0' });
    expect(await p.exited).toBe(1);
    expect(p.output().stderr).toMatch(/PORT="eighty"/);
    expect(p.output().stderr).toMatch(/CACHE_MAX_ENTRIES="0": .*>=1/);
  });

  it('refuses a bad PORT in one line on stderr, exit 1', async () => {
    const p = run({ PORT: '99999' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toEqual({ stdout: '', stderr: 'Invalid configuration: PORT="99999": a TCP port: a whole number from 0 to 65535 (0 picks a free one)\n' });
  });

  it('says in one log line, without a stack, that its port is in use, how to find who holds it, and exits 1', async () => {
    await withBusyPort(async (port) => {
      const p = run({ PORT: String(port), HOST: '127.0.0.1' });
      expect(await p.exited).toBe(1);
      expect(fatalLines(p.output().stdout)).toEqual([
        {
          phase: 'listen',
          code: 'PORT_IN_USE',
          msg: `cannot listen on 127.0.0.1 port ${port}: another process is using it. Set PORT to a free port, or find the process holding it: ss -ltnp 'sport = :${port}' or lsof -i :${port}`,
        },
      ]);
      expect(p.output().stderr).toBe('');
      expect(p.output().stdout).not.toMatch(STACK);
    });
  });

  it('says it in one line in development too (npm start), with the code', async () => {
    await withBusyPort(async (port) => {
      const p = run({ NODE_ENV: 'development', PORT: String(port) });
      expect(await p.exited).toBe(1);
      const { stdout, stderr } = p.output();
      expect(stdout.split('\n').filter((line) => line.includes('FATAL'))).toEqual([expect.stringMatching(new RegExp(`FATAL: cannot listen on port ${port}: another process is using it\\. .* \\(PORT_IN_USE\\)$`))]);
      expect(`${stdout}${stderr}`).not.toMatch(STACK);
    });
  });

  it('stops in one log line, without a stack, when DATA_DIR cannot be read, and exits 1', async () => {
    const dir = lockedDir('unreadable-', 0o000);
    const p = run({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir }, BOUND);
    expect(await p.exited).toBe(1);
    expect(fatalLines(p.output().stdout)).toEqual([{ phase: 'ready', code: 'DATA_DIR_UNREADABLE', msg: expect.stringMatching(new RegExp(`^cannot read DATA_DIR \\(${dir}\\): EACCES: .*; make it a directory this user can read, or set DATA_DIR to one$`)) }]);
    expect(p.output().stdout).not.toMatch(STACK);
  });

  it('stops in one log line, without a stack, when DATA_DIR cannot be created for GEONAMES_COUNTRIES, and exits 1', async () => {
    const dir = path.join(lockedDir('read-only-', 0o555), 'geonames');
    const p = run({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, GEONAMES_COUNTRIES: 'DE', GEONAMES_BASE_URL: 'http://127.0.0.1:9' }, BOUND);
    expect(await p.exited).toBe(1);
    expect(fatalLines(p.output().stdout)).toEqual([{ phase: 'ready', code: 'DATA_DIR_UNWRITABLE', msg: expect.stringMatching(new RegExp(`^cannot write to DATA_DIR \\(${dir}\\): EACCES: .*; make it a writable directory, or set DATA_DIR to one$`)) }]);
    expect(p.output().stdout).not.toMatch(STACK);
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
