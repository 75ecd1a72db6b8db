/**
 * How the example programs start: each port from a variable of the environment, and one line on
 * standard error with exit code 1, never a stack, when a setting is wrong or a port cannot be
 * listened on (in use, say), naming the variable to change.
 */
import { isListenError, listenFailure, type ListenTarget } from '../src/server/http/listen.js';

/** The port in `variable`, or `fallback` when it is unset; anything but 0 to 65535 ends `program` with one line. */
export function portFromEnv(program: string, variable: string, fallback: number): number {
  const text = process.env[variable];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  return fail(program, `${variable}=${JSON.stringify(text)} is not a TCP port: a whole number from 0 to 65535 (0 picks a free one)`);
}

/** Runs `start`, which listens on `target`; a failure to listen ends `program` with one line naming the port, its variable and what to do. */
export async function startOrExit<T>(program: string, target: ListenTarget, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    // The service's own ListenError names PORT: said again here with the example's variable.
    const failure = listenFailure(isListenError(error) ? error.cause : error, target);
    if (!failure) throw error;
    return fail(program, `${failure.message} (${failure.code})`);
  }
}

/** Ends `program` with `message` on one line of standard error, exit code 1. */
export function fail(program: string, message: string): never {
  process.stderr.write(`${program}: ${message}\n`);
  process.exit(1);
}
