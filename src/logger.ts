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

export const MAX_LINE_LENGTH = 64 * 1024;

/** A line over {@link MAX_LINE_LENGTH} characters becomes a valid JSON line with its level, time, start and length. */
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
    // pino-pretty is a dev dependency: production, and silent tests, never load it.
    ...(production || log.level === 'silent' ? {} : { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' } } }),
  });
}
