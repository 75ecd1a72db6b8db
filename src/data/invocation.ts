/**
 * How the user runs the data command, so every command line it prints (usage, hints, the service's
 * advice after a failed download) is one they can paste: `npm run data -- add DE` in a checkout run
 * through npm, `postal-distance-subgraph data add DE` through the installed package's command,
 * `node dist/data.js add DE` otherwise (a built image, which has no npm scripts to lean on). The one
 * place that knows the prefix.
 */

/** Set to `1` by the package's command (src/bin.ts) for the process it runs, `serve` or `data`. */
export const PACKAGE_COMMAND_ENV = 'POSTAL_DISTANCE_SUBGRAPH_COMMAND';

/** The prefix of a data command line, for a process started with `env`: by the package's command, through npm (`npm run data`, `npm start`), or neither. */
export function dataCommandPrefix(env: NodeJS.ProcessEnv): string {
  if (env[PACKAGE_COMMAND_ENV] === '1') return 'postal-distance-subgraph data';
  return env.npm_lifecycle_event === undefined ? 'node dist/data.js' : 'npm run data --';
}

/** A whole data command line: `dataCommandLine('add DE', env)` is `npm run data -- add DE` or `node dist/data.js add DE`. */
export function dataCommandLine(args: string, env: NodeJS.ProcessEnv): string {
  return `${dataCommandPrefix(env)} ${args}`;
}
