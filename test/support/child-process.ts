/** A program run to its end as a child process, with what it printed. */
import { spawn, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';

export interface Ran {
  /** The exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` with `args`, stdin closed, until it exits and its output is read to the end. */
export async function runToEnd(command: string, args: readonly string[], options: Omit<SpawnOptions, 'stdio'> = {}): Promise<Ran> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
  // 'close', not 'exit': output can still be in the pipes when the process has exited.
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}
