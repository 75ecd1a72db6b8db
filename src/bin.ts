#!/usr/bin/env node
/**
 * The package's command (package.json `bin`): `serve` (the default) loads main.ts, `data <command>` the data
 * command, in this process, so signals and exit codes are theirs. An unknown command: usage on stderr, exit 2.
 */
import { readFileSync } from 'node:fs';

const USAGE = `Usage: postal-distance-subgraph [serve]          serve GraphQL (PORT, default 4001; settings from the environment)
       postal-distance-subgraph data <command>   add, list, update or remove GeoNames datasets in DATA_DIR
                                                 (data add DE, data list, data --help)
       postal-distance-subgraph --version | --help
`;

const USAGE_ERROR = 2;

/** The bundle of src/data/cli.ts beside this file once built: a string, as TypeScript has no module to resolve it to. */
const DATA_BUNDLE = './data.js';

function version(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : 'unknown';
}

const [command, ...rest] = process.argv.slice(2);
// Makes the command lines both commands print name this command, not `npm run data --` (PACKAGE_COMMAND_ENV
// in src/data/invocation.ts; not imported, as dist/data/ is not in the package).
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
