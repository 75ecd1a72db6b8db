/** The built service as a separate process, as a user starts it: `node dist/main.js` (npm test builds first). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { EMPTY_DATA_DIR } from './server.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * Root reads and writes past file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): as root, a
 * service that must meet them starts without those two capabilities (util-linux's `setpriv`), still
 * as root, so it reaches the Node binary and the project wherever they are installed.
 */
const BOUND_BY_PERMISSIONS: readonly string[] = process.getuid?.() === 0 ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--'] : [];

/** Starts `dist/main.js` in production mode (JSON logs) with `env`, collecting its output; bound by file permissions, also as root, when `permissions` says so. */
export function runService(env: Record<string, string>, { permissions = false } = {}) {
  const [command = process.execPath, ...args] = [...(permissions ? BOUND_BY_PERMISSIONS : []), process.execPath, MAIN];
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATA_DIR: EMPTY_DATA_DIR, SHUTDOWN_DELAY_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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

