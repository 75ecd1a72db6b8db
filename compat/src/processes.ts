/**
 * Child processes the suite starts: the built service, the example stores subgraph, the routers'
 * CLIs. Each is started with a small environment of its own (no telemetry: the machine is
 * offline), is ready when its output says so, and is stopped by its own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, SERVICE_MAIN, STORES_MAIN } from './paths.js';

export interface RunningProcess {
  /** Where it serves GraphQL, e.g. `http://127.0.0.1:40123/graphql`. */
  readonly url: string;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  stop(): Promise<void>;
}

/** No telemetry and no update check (wgc fails when it cannot reach its registry): the machine is offline. */
export const OFFLINE_ENV = { DO_NOT_TRACK: '1', COSMO_TELEMETRY_DISABLED: 'true', DISABLE_UPDATE_CHECK: 'true' } as const;

/** An empty directory of its own, for the files a CLI reads. */
export const scratchDir = (prefix: string): string => mkdtempSync(path.join(tmpdir(), `compat-${prefix}-`));

/** A port free at the time of asking, for CLIs that take one (`--port`). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SpawnOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Reads the output so far: the GraphQL URL once the process is ready, else undefined. */
  readonly readyUrl: (output: string) => string | undefined;
  /** What the process is, for messages. */
  readonly label: string;
  readonly timeoutMs?: number;
}

/** Starts a process and resolves once `readyUrl` finds its URL; rejects with its output if it exits or times out first. */
export async function startProcess({ command, args, env = {}, cwd = PROJECT_ROOT, readyUrl, label, timeoutMs = 60_000 }: SpawnOptions): Promise<RunningProcess> {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...OFFLINE_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = once(child, 'exit');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = readyUrl(output);
    if (url !== undefined) return { url, output: () => output, stop: () => stopProcess(child, exited) };
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      await stopProcess(child, exited);
      throw new Error(`${label} was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Text without terminal colours, for CLIs that colour their output. */
export const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

/**
 * The built service (`dist/main.js`), as a user starts it, with the embedded US data, on an
 * ephemeral port; ready when it logs `ready to serve`. `env` adds settings (`SCHEMA_PREFIX`, limits).
 */
export function startService(env: Record<string, string> = {}): Promise<RunningProcess> {
  const dataDir = scratchDir('data');
  return startProcess({
    command: process.execPath,
    args: [SERVICE_MAIN],
    env: { NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, SHUTDOWN_DELAY_MS: '0', LOG_LEVEL: 'info', ...env },
    label: 'the service (dist/main.js)',
    readyUrl: (output) => (output.includes('"phase":"ready"') ? /"phase":"listen","url":"([^"]+)"/.exec(output)?.[1] : undefined),
  });
}

/** The example stores subgraph (examples/stores), run by the project's own tsx on an ephemeral port. */
export function startStores(): Promise<RunningProcess> {
  return startProcess({
    command: process.execPath,
    args: ['--import', 'tsx', STORES_MAIN],
    env: { PORT: '0' },
    label: 'the stores subgraph (examples/stores)',
    readyUrl: (output) => /listening on (http:\/\/\S+)/.exec(output)?.[1]?.replace('localhost', '127.0.0.1'),
  });
}
