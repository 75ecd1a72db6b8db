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

export function createLogger({ production, log }: LoggerOptions): Logger {
  return pino({
    level: log.level,
    base: { service: 'postal-distance' },
    // pino-pretty is a dev dependency: production never loads it.
    // Tests run silent: no pretty-printing worker for them.
    ...(production || log.level === 'silent' ? {} : { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' } } }),
  });
}
