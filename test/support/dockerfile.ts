/**
 * Reads the Dockerfile's final stage, so that the package test runs what the image runs rather than
 * a copy of it: its environment, its production install, its CMD and its HEALTHCHECK. Only the
 * forms the Dockerfile uses are understood (exec-form JSON arrays, unquoted `ENV KEY=VALUE`).
 */
import { readFileSync } from 'node:fs';

export const DOCKERFILE = new URL('../../Dockerfile', import.meta.url);

export interface RuntimeStage {
  /** Every `ENV` of the stage, in order. */
  readonly env: Readonly<Record<string, string>>;
  /** The `npm ci …` command of a `RUN`, as words. */
  readonly install: readonly string[];
  /** `CMD`, exec form. */
  readonly cmd: readonly string[];
  /** `HEALTHCHECK … CMD`, exec form. */
  readonly healthcheck: readonly string[];
}

/** Instructions of the last stage, continuation lines joined and comments dropped. */
function lastStage(text: string): string[] {
  const lines = text.split('\n').filter((line) => !/^\s*#/.test(line));
  const instructions = lines.join('\n').replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter(Boolean);
  const from = instructions.findLastIndex((line) => /^FROM\s/i.test(line));
  return instructions.slice(from);
}

function execForm(instruction: string, json: string | undefined): string[] {
  const parsed: unknown = JSON.parse(json ?? 'null');
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) throw new Error(`not an exec-form JSON array: ${instruction}`);
  return parsed;
}

/** The final stage of the Dockerfile (or of `text`); throws when it lacks one of the instructions above. */
export function readRuntimeStage(text = readFileSync(DOCKERFILE, 'utf8')): RuntimeStage {
  const stage = lastStage(text);
  const env: Record<string, string> = {};
  for (const line of stage.filter((l) => /^ENV\s/.test(l))) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`unsupported ENV form: ${line}`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  const install = stage
    .filter((l) => /^RUN\s/.test(l))
    // A RUN's own flags (`--mount=type=cache,…`) come before its command.
    .flatMap((l) => l.slice(4).replace(/^\s*(?:--\S+\s+)+/, '').split('&&'))
    .map((command) => command.trim())
    .find((command) => command.startsWith('npm ci '));
  const cmd = stage.find((l) => /^CMD\s/.test(l));
  const healthcheck = stage.find((l) => /^HEALTHCHECK\s/.test(l));
  if (install === undefined || cmd === undefined || healthcheck === undefined) throw new Error('the Dockerfile\'s last stage lacks an `npm ci`, a CMD or a HEALTHCHECK');
  return {
    env,
    install: install.split(/\s+/),
    cmd: execForm(cmd, cmd.slice(4)),
    healthcheck: execForm(healthcheck, /\sCMD\s+(\[.*\])$/.exec(healthcheck)?.[1]),
  };
}
