/**
 * A real redis-server for tests, started on a free loopback port. Where the binary is missing the
 * tests that need it are skipped with the reason; under CI (CI=true) a missing binary is a failure,
 * since .ci/run installs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export const REDIS_BINARY = spawnSync('redis-server', ['--version']).status === 0 ? 'redis-server' : null;
export const REDIS_SKIP_REASON = 'redis-server is not installed (apt-get install redis-server); CI installs it and runs these tests';

if (!REDIS_BINARY && process.env.CI) throw new Error(`CI must run the Redis tests, but ${REDIS_SKIP_REASON}`);
if (!REDIS_BINARY) console.warn(`Skipping the shared-cache tests: ${REDIS_SKIP_REASON}.`);

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Stops the server but keeps its port, to simulate an outage; `start()` brings it back. */
  pause(): Promise<void>;
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and nothing answers, as a hung Redis. `thaw()` resumes it. */
  freeze(): void;
  thaw(): void;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'local'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      out += chunk;
      if (out.includes('Ready to accept connections')) break;
    }
  };
  const stop = async (): Promise<void> => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    pause: stop,
    start,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
  };
}
