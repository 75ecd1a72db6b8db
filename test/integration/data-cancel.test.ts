/**
 * Stopping mid-download and what earlier runs left: SIGTERM to the service while it downloads at
 * start-up (dist/main.js), SIGTERM (once, then twice) to the data command (dist/data.js), and the
 * temporary files of a killed process, removed at the next command or start unless their process
 * still runs. The mirror trickles its answer, so a download is in flight for as long as a test needs.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runDataCommand } from '../../src/data/command.js';
import { startApp } from '../../src/app.js';
import { fixture, startMirror, type Mirror } from '../support/geonames-mirror.js';
import { trickle } from '../support/hostile-mirror.js';
import { captureLogs } from '../support/log-capture.js';
import { runService } from '../support/service-process.js';

const DATA_JS = fileURLToPath(new URL('../../dist/data.js', import.meta.url));
const SHUTDOWN_TIMEOUT_MS = 10_000;

let mirror: Mirror;
beforeAll(async () => void (mirror = await startMirror()));
afterAll(() => mirror.close());
afterEach(() => mirror.override('AT.zip', null));

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'data-cancel-'));
const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once a temporary file is in `dir`: a download has started writing. */
async function downloading(dir: string): Promise<void> {
  while (!filesIn(dir).some((name) => name.endsWith('.tmp'))) await sleep(10);
}

/** The exit code of `exited`, or 'still running' if it has not exited within `ms`. */
const exitWithin = (exited: Promise<number | null>, ms: number) => Promise.race([exited, sleep(ms).then(() => 'still running' as const)]);

describe('SIGTERM during start-up downloads', () => {
  it('stops the download in flight, starts none of the others, exits within SHUTDOWN_TIMEOUT_MS and leaves nothing in DATA_DIR', async () => {
    const dir = tempDir();
    mirror.override('AT.zip', trickle(20));
    const service = runService({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, GEONAMES_BASE_URL: mirror.baseUrl, GEONAMES_COUNTRIES: 'AT,BE,CH', SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
    try {
      await downloading(dir);
      service.child.kill('SIGTERM');
      expect(await exitWithin(service.exited, SHUTDOWN_TIMEOUT_MS)).toBe(0);
      expect(filesIn(dir)).toEqual([]);
      expect([mirror.count('AT.zip'), mirror.count('BE.zip'), mirror.count('CH.zip')]).toEqual([1, 0, 0]);
      expect(service.output().stdout).toContain('"msg":"stopped downloading AT: shutting down; nothing was written"');
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});

describe('SIGTERM to the data command mid-download', () => {
  function spawnData(args: string[], dir: string) {
    const child = spawn(process.execPath, [DATA_JS, ...args], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dir, GEONAMES_BASE_URL: mirror.baseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = once(child, 'exit').then(([code]) => code as number | null);
    return { child, exited, stderr: () => stderr };
  }

  it('exits 130, leaves nothing, and starts none of the datasets after it', async () => {
    const dir = tempDir();
    mirror.override('AT.zip', trickle(20));
    const run = spawnData(['add', 'AT', 'BE'], dir);
    try {
      await downloading(dir);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(130);
      expect(run.stderr()).toBe('error: AT: interrupted; nothing was written\n');
      expect(filesIn(dir)).toEqual([]);
      expect(mirror.count('BE.zip')).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('a second signal during the cleanup still leaves nothing', async () => {
    const dir = tempDir();
    mirror.override('AT.zip', trickle(20));
    const run = spawnData(['add', 'AT'], dir);
    try {
      await downloading(dir);
      // Two signals of different kinds: two of one kind may reach the process as one.
      run.child.kill('SIGTERM');
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      expect(filesIn(dir)).toEqual([]);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});

describe('temporary files an earlier run left', () => {
  /** A pid no process has any more, and one of a process that runs until `stop()`. */
  async function pids(): Promise<{ dead: number; live: number; stop: () => void }> {
    const gone = spawn(process.execPath, ['-e', '']);
    await once(gone, 'exit');
    const running = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    return { dead: gone.pid ?? 0, live: running.pid ?? 0, stop: () => running.kill('SIGKILL') };
  }

  it('the next command removes those of a dead process and those of its own pid it did not make, and keeps those of a running one', async () => {
    const { dead, live, stop } = await pids();
    try {
      const dir = tempDir();
      writeFileSync(path.join(dir, 'DE.txt'), fixture('DE.txt'));
      const deadFile = `.DE.zip.${dead}-0123abcd.tmp`;
      const liveFile = `.FR.zip.${live}-4567cdef.tmp`;
      // A process that had this pid before (a container's process has the same pid at each start).
      const samePidFile = `.GB.txt.${process.pid}-89abcdef.tmp`;
      for (const name of [deadFile, liveFile, samePidFile]) writeFileSync(path.join(dir, name), 'half a download');
      let stdout = '';
      const code = await runDataCommand(['list'], {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: () => undefined },
        env: { DATA_DIR: dir, GEONAMES_BASE_URL: mirror.baseUrl },
      });
      expect(code).toBe(0);
      expect(stdout.split('\n')[0]).toBe('removed 2 temporary files an interrupted run left in DATA_DIR');
      expect(filesIn(dir)).toEqual([liveFile, 'DE.txt'].sort());
    } finally {
      stop();
    }
  });

  it('the service removes those of a dead process at start, logging it, and keeps those of a running one', async () => {
    const { dead, live, stop } = await pids();
    try {
      const dir = tempDir();
      const deadFile = `.DE.txt.${dead}-0123abcd.tmp`;
      const liveFile = `.FR.txt.${live}-4567cdef.tmp`;
      for (const name of [deadFile, liveFile]) writeFileSync(path.join(dir, name), 'half a download');
      const { logger, lines } = captureLogs('info');
      const app = await startApp({ config: loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir }), logger });
      try {
        await app.ready;
        expect(filesIn(dir)).toEqual([liveFile]);
        expect(lines.filter((l) => l.removed !== undefined).map((l) => [l.msg, l.removed])).toEqual([['removed 1 temporary files an interrupted run left in DATA_DIR', [deadFile]]]);
      } finally {
        await app.stop();
      }
    } finally {
      stop();
    }
  });
});
