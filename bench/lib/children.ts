/**
 * Child processes for the benchmarks: servers started as a user would start them, each announcing
 * where it listens, and all of them killed when the bench ends, on error, on Ctrl-C, or when the
 * whole run outlives its deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Base URL the child listens on, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Resident set size of the child now, in bytes (Linux `/proc`); `null` where unavailable. */
  rssBytes(): number | null;
  /** SIGTERM, then SIGKILL after a grace period; resolves when it has exited. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  /** Extracts the listening URL from one line of the child's stdout, or `null` if the line does not say. */
  readonly urlFrom: (line: string) => string | null;
  /** Longest wait for the URL, in ms. Default 30 s. */
  readonly timeoutMs?: number;
}

const running = new Set<ChildProcess>();

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

// Whatever happens to the bench, no server outlives it.
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Ends the bench (and every child) if it runs past `ms`: a bench must stop by itself. */
export function deadline(ms: number): void {
  setTimeout(() => {
    process.stderr.write(`bench: still running after ${Math.round(ms / 1000)} s; stopping everything.\n`);
    killAll();
    process.exit(2);
  }, ms).unref();
}

export async function spawnServer(options: SpawnOptions): Promise<Child> {
  const child = spawn(options.command, [...options.args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = once(child, 'exit');
  void exited.then(() => running.delete(child));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`${options.name} did not announce its URL within ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const found = options.urlFrom(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (found) {
          clearTimeout(timer);
          child.off('exit', onExit);
          // Keep draining stdout so a chatty child never blocks on a full pipe.
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          return resolve(found);
        }
      }
    };
    const onExit = (code: number | null): void => fail(new Error(`${options.name} exited (${code}) before listening:\n${stderr}`));
    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });

  return {
    name: options.name,
    process: child,
    url,
    rssBytes: () => rssOf(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Stops every child given, in parallel, ignoring ones that already exited. */
export async function stopAll(children: readonly (Child | undefined)[]): Promise<void> {
  await Promise.all(children.map((c) => c?.stop()));
}

function rssOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Polls `url` until it answers 200, up to `timeoutMs`. */
export async function waitFor200(url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
