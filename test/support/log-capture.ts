/** A pino logger whose lines tests can read back. */
import { pino, type Logger } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export function captureLogs(level: keyof typeof LEVEL = 'debug'): { logger: Logger; lines: LogLine[]; messages(min?: keyof typeof LEVEL): string[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines, messages: (min = 'debug') => lines.filter((l) => l.level >= LEVEL[min]).map((l) => l.msg) };
}
