/** Structured logs: JSON lines in production, readable lines in development. */
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

export function createLogger(config: Pick<Config, 'production' | 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'postal-distance' },
    // pino-pretty is a dev dependency: production never loads it.
    // Tests run silent: no pretty-printing worker for them.
    ...(config.production || config.logLevel === 'silent' ? {} : { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' } } }),
  });
}
