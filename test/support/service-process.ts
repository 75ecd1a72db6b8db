/** The built service as a separate process, as a user starts it: `node dist/main.js` (npm test builds first). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { EMPTY_DATA_DIR } from './server.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Starts `dist/main.js` in production mode (JSON logs) with `env`, collecting its output; as another user when `user` says so. */
export function runService(env: Record<string, string>, user: { uid?: number; gid?: number } = {}) {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATA_DIR: EMPTY_DATA_DIR, SHUTDOWN_DELAY_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number);
  /** Resolves with the first log line (as JSON) whose `phase` matches. */
  const phase = async (name: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const line = stdout.split('\n').find((l) => l.includes(`"phase":"${name}"`));
      if (line) return JSON.parse(line) as Record<string, unknown>;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { child, exited, phase, output: () => ({ stdout, stderr }) };
}

