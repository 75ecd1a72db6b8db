#!/usr/bin/env node
/**
 * The package's command, `postal-distance-subgraph` (package.json `bin`; `npx postal-distance-subgraph`
 * once installed):
 *
 *   postal-distance-subgraph [serve]         the service, as `node dist/main.js` runs it
 *   postal-distance-subgraph data <command>  the data command, as `node dist/data.js <command>` runs it
 *
 * It only dispatches: each command is the entry point it names, loaded in this process, so the
 * service handles its signals and exit code exactly as when started directly. Settings come from the
 * environment in both cases (docs/configuration.md). Exit code 2, with the usage on stderr, for a
 * command it does not know; `--help` and `--version` exit 0.
 */
import { readFileSync } from 'node:fs';

const USAGE = `Usage: postal-distance-subgraph [serve]          serve GraphQL (PORT, default 4001; settings from the environment)
       postal-distance-subgraph data <command>   add, list or remove GeoNames datasets in DATA_DIR
                                                 (data add DE, data list, data --help)
       postal-distance-subgraph --version | --help
`;

/** The exit code of a usage error, the same as the data command's. */
const USAGE_ERROR = 2;

/**
 * dist/data.js, the esbuild bundle of src/data/cli.ts beside this file once built. Not a literal
 * import: there is no src/data.ts for TypeScript to resolve it to.
 */
const DATA_BUNDLE = './data.js';

function version(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : 'unknown';
}

const [command, ...rest] = process.argv.slice(2);
// The command lines the service and the data command print name this command (src/data/invocation.ts,
// PACKAGE_COMMAND_ENV: not imported, as dist/data/ is not in the package). npx and npm scripts
// that run it would otherwise have them say `npm run data --`.
process.env.POSTAL_DISTANCE_SUBGRAPH_COMMAND = '1';

if (command === undefined || (command === 'serve' && rest.length === 0)) {
  await import('./main.js');
} else if (command === 'data') {
  // The data command reads its arguments from process.argv after the script: drop `data` first.
  process.argv.splice(2, 1);
  await import(DATA_BUNDLE);
} else if (command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(USAGE);
} else if (command === '--version' || command === '-v') {
  process.stdout.write(`${version()}\n`);
} else {
  const problem = command === 'serve' ? `serve takes no arguments (got ${rest.join(' ')}): settings come from the environment` : `unknown command ${JSON.stringify(command)}`;
  process.stderr.write(`postal-distance-subgraph: ${problem}\n\n${USAGE}`);
  process.exitCode = USAGE_ERROR;
}
