/**
 * How the user runs the data command, so every command line it prints (usage, hints, the service's
 * advice after a failed download) is one they can paste: `npm run data -- add DE` in a checkout run
 * through npm, `node dist/data.js add DE` otherwise (a built image, which has no npm scripts to
 * lean on). The one place that knows the prefix.
 */

/** The prefix of a data command line, for a process started with `env`: through npm (`npm run data`, `npm start`) or not. */
export function dataCommandPrefix(env: NodeJS.ProcessEnv): string {
  return env.npm_lifecycle_event === undefined ? 'node dist/data.js' : 'npm run data --';
}

/** A whole data command line: `dataCommandLine('add DE', env)` is `npm run data -- add DE` or `node dist/data.js add DE`. */
export function dataCommandLine(args: string, env: NodeJS.ProcessEnv): string {
  return `${dataCommandPrefix(env)} ${args}`;
}
