/**
 * The one place that knows how the user runs the data command, so every command line printed (usage,
 * hints, the service's advice after a failed download) is one they can paste: the package's command,
 * `npm run data --` in a checkout, or `node` on the bundled script (a built image has no npm scripts).
 */

/** Set to `1` by the package's command (src/bin.ts) for the process it runs, `serve` or `data`. */
export const PACKAGE_COMMAND_ENV = 'POSTAL_DISTANCE_SUBGRAPH_COMMAND';

export function dataCommandPrefix(env: NodeJS.ProcessEnv): string {
  if (env[PACKAGE_COMMAND_ENV] === '1') return 'postal-distance-subgraph data';
  return env.npm_lifecycle_event === undefined ? 'node dist/data.js' : 'npm run data --';
}

export function dataCommandLine(args: string, env: NodeJS.ProcessEnv): string {
  return `${dataCommandPrefix(env)} ${args}`;
}
