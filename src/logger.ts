/** Structured logs: JSON lines in production, readable lines in development. */
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { defineSettings } from './settings.js';

export type { Logger };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const logSettings = defineSettings({
  title: 'Logging',
  variables: {
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info').describe('Least severe level logged: fatal, error, warn, info, debug, trace, or silent.'),
  },
  read: (env) => ({ level: env.LOG_LEVEL as LogLevel }),
});

export interface LoggerOptions {
  readonly production: boolean;
  readonly log: { readonly level: LogLevel };
}

/** The longest line written, in characters; a longer one is replaced by a short line saying so (see {@link boundLine}). */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * A log line of at most {@link MAX_LINE_LENGTH}: a longer one (a value nobody bounded at its source)
 * becomes a valid JSON line with the original's level, time and start, and its length. Logging must
 * never be the way a single request fills a disk or stalls the process on a 30 MB write.
 */
export function boundLine(line: string): string {
  if (line.length <= MAX_LINE_LENGTH) return line;
  const level = /"level":(\d+)/.exec(line.slice(0, 200))?.[1];
  const time = /"time":(\d+)/.exec(line.slice(0, 200))?.[1];
  const shortened = { level: Number(level ?? 50), time: Number(time ?? Date.now()), msg: 'log line too long: shortened', length: line.length, head: line.slice(0, 2_048) };
  return `${JSON.stringify(shortened)}\n`;
}

export function createLogger({ production, log }: LoggerOptions): Logger {
  return pino({
    level: log.level,
    base: { service: 'postal-distance' },
    hooks: { streamWrite: boundLine },
    // pino-pretty is a dev dependency: production never loads it.
    // Tests run silent: no pretty-printing worker for them.
    ...(production || log.level === 'silent' ? {} : { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' } } }),
  });
}
