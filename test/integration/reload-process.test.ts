/**
 * The built service (`node dist/main.js`, built by `npm test` first) and its data files: SIGHUP
 * loads them again while every request is answered, and a bad DATA_OVERRIDES file stops start-up.
 */
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../support/geonames-mirror.js';
import { runService } from '../support/service-process.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'reload-process-'));

const QUERY = '{ berlin: location(postalCode: "10115", countryCode: "DE") { latitude source } hills: location(postalCode: "90210") { placeName } }';

async function ask(url: string): Promise<{ status: number; body: { data?: { berlin: { latitude: number; source: string } | null }; errors?: unknown[] } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
  return { status: res.status, body: (await res.json()) as never };
}

describe('the service process and its data files', () => {
  it('on SIGHUP loads the files again and answers from them, every request meanwhile answered in full', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'DE.txt'), fixture('DE.txt'));
    const p = runService({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir });
    try {
      const url = String((await p.phase('listen')).url);
      await p.phase('ready');
      expect((await ask(url)).body.data!.berlin).toEqual({ latitude: 52.5323, source: 'DE' });

      // A new DE.txt, renamed into place as the data command does.
      const next = path.join(dir, '.DE.txt.tmp');
      writeFileSync(next, fixture('DE.txt').replace('52.5323', '52.5423'));
      renameSync(next, path.join(dir, 'DE.txt'));

      const answers: Awaited<ReturnType<typeof ask>>[] = [];
      let reloading = true;
      const client = (async () => {
        while (reloading) answers.push(await ask(url));
      })();
      p.child.kill('SIGHUP');
      while (!p.output().stdout.includes('"msg":"reloaded the data')) await new Promise((resolve) => setTimeout(resolve, 10));
      const duringReload = answers.length;
      reloading = false;
      await client;

      expect(duringReload).toBeGreaterThan(0);
      const failed = answers.filter((a) => a.status !== 200 || a.body.errors !== undefined || a.body.data?.berlin === null);
      expect(failed).toEqual([]);
      expect((await ask(url)).body.data!.berlin).toEqual({ latitude: 52.5423, source: 'DE' });
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  });

  it('refuses to start on a bad DATA_OVERRIDES row: one line naming the file, the line and what is wrong, exit 1, nothing loaded', async () => {
    const file = path.join(tempDir(), 'fixes.txt');
    writeFileSync(file, 'US\t10001\tNew York\tNew York\tNY\t\t\t\t\t40.75\t-73.99\t1\nUS\t10002\tNew York\tNew York\tNY\t\t\t\t\t40.71\t-73.99\t12\n');
    const p = runService({ PORT: '0', HOST: '127.0.0.1', DATA_OVERRIDES: file });
    expect(await p.exited).toBe(1);
    const { stdout } = p.output();
    const fatal = stdout.split('\n').filter((line) => line.includes('"level":60')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(fatal.map(({ phase, code, msg }) => ({ phase, code, msg }))).toEqual([
      { phase: 'start', code: 'BAD_OVERRIDES', msg: `the DATA_OVERRIDES file ${file}: line 2 has accuracy "12", expected a blank or a whole number from 1 to 6 (GeoNames' scale)` },
    ]);
    expect(stdout).not.toMatch(/"phase":"(dataset|listen)"/);
  });
});
