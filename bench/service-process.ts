/**
 * Child processes for the benchmarks: the built service (`node dist/main.js`) and helper servers,
 * with their JSON log lines parsed as they arrive, and a guarantee that none outlives the benchmark
 * (killed on normal exit, on an uncaught error and on Ctrl-C).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';

/** The repository's built entry point (dist-bench/bench/ → ../../dist/main.js). */
export const SERVICE_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export type LogLine = Readonly<Record<string, unknown>>;

const live = new Set<ChildProcess>();
let guarded = false;

/** Kills every child still running. Synchronous, so it also works inside an `exit` handler. */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

function guard(): void {
  if (guarded) return;
  guarded = true;
  // 'exit' also fires after an uncaught exception or unhandled rejection has been printed.
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAllChildren();
      process.exit(130);
    });
  }
}

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** `performance.now()` just before `spawn`. */
  readonly spawnedAt: number;
  /** Every JSON line printed on stdout so far (other lines are kept in `text`). */
  readonly lines: LogLine[];
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Resolves with the first line (past or future) matching `match`; rejects on exit or after `timeoutMs`. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs: number, what?: string): Promise<LogLine>;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** SIGTERM, then SIGKILL if it is still running after `timeoutMs`; resolves with the exit code or signal. */
  stop(timeoutMs?: number): Promise<number | NodeJS.Signals>;
}

export interface SpawnOptions {
  /** Script to run with `node`. */
  readonly script: string;
  readonly args?: readonly string[];
  /** Extra arguments for node itself (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
  /** The child's whole environment besides PATH: nothing else is inherited (no stray NODE_OPTIONS). */
  readonly env: Readonly<Record<string, string>>;
  /** The Node.js binary; default this process's own. */
  readonly node?: string;
}

/** Starts `node [nodeArgs] script [args]` with piped stdout/stderr, tracked so it cannot outlive us. */
export function spawnNode(options: SpawnOptions): Child {
  guard();
  const spawnedAt = performance.now();
  const child = spawn(options.node ?? process.execPath, [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${options.script}`);
  live.add(child);

  const lines: LogLine[] = [];
  const waiters = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  let partial = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) !== -1) {
      const text = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { text };
      }
      lines.push(line);
      for (const waiter of waiters) if (waiter.match(line)) waiter.resolve(line);
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr += chunk));

  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'SIGKILL');
    });
  });

  const waitForLine = (match: (line: LogLine) => boolean, timeoutMs: number, what = 'log line'): Promise<LogLine> => {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (line: LogLine) => {
          cleanup();
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
      }, timeoutMs);
      const onExit = (code: number | NodeJS.Signals): void => {
        cleanup();
        reject(new Error(`process exited (${code}) before the ${what}; stderr: ${stderr.slice(-2000)}`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
      void exited.then(onExit);
    });
  };

  const stop = async (timeoutMs = 15_000): Promise<number | NodeJS.Signals> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };

  return { process: child, pid: child.pid, spawnedAt, lines, stderr: () => stderr, waitForLine, exited, stop };
}

/**
 * Starts the built service (or another build's main.js) in production mode on an ephemeral port of
 * 127.0.0.1, with this process's Node.js unless `node` names another binary.
 */
export function spawnService(env: Readonly<Record<string, string>> = {}, nodeArgs: readonly string[] = [], main = SERVICE_MAIN, node?: string): Child {
  return spawnNode({
    script: main,
    nodeArgs,
    env: { NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: '0', ...env },
    ...(node !== undefined && { node }),
  });
}

/** The service's base URL, from its `listen` log line (`{"phase":"listen","url":"http://127.0.0.1:PORT/graphql"}`). */
export async function serviceUrl(service: Child, timeoutMs = 30_000): Promise<string> {
  const listen = await service.waitForLine((l) => l.phase === 'listen', timeoutMs, '"listen" log line');
  return String(listen.url).replace(/\/graphql$/, '');
}

/** The status code of one GET, or 0 if the connection failed. */
export function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(5_000, () => req.destroy());
  });
}

/** Polls `GET /readyz` every `everyMs` until it answers 200; resolves with `performance.now()` at that answer. */
export async function pollReady(service: Child, baseUrl: string, timeoutMs: number, everyMs = 10): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (service.process.exitCode !== null) throw new Error(`service exited (${service.process.exitCode}) before it was ready: ${service.stderr().slice(-2000)}`);
    if ((await httpStatus(`${baseUrl}/readyz`)) === 200) return performance.now();
    if (performance.now() > deadline) throw new Error(`/readyz not 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Resident set size now and its peak (high-water mark), in bytes, from /proc (Linux). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]) * 1024;
  };
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/**
 * CPU time the process has used so far, in ms: the sum over its live threads of the time each spent
 * on a CPU (`/proc/<pid>/task/<tid>/schedstat`, nanoseconds; Linux). Less sensitive than wall time
 * to other processes on a shared machine, which delay a process without adding to its CPU time.
 * Threads that have already exited are not counted (Node's own threads live as long as it does).
 */
export function cpuTimeOf(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ns / 1e6;
}

// ---------------------------------------------------------------------------------------------
// Statistics and tables

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Renders rows as a plain-text table: columns of numbers right-aligned, others left-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.every((r) => /^[-+]?[\d,.]*[×%]?$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Machine facts to print beside any figure: they are only comparable on the same machine. */
export async function machineLine(): Promise<string> {
  const os = await import('node:os');
  const cpus = os.cpus();
  return `machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), shared and noisy; Node ${process.version}; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}
