/**
 * Entry point of the data command, `npm run data -- add DE` (bundled as dist/data.js, which runs
 * without dev dependencies; see build/bundle.ts). The command itself is command.ts.
 *
 * Ctrl-C (or SIGTERM) aborts the download in progress: its temporary files are removed and the
 * process exits 130; a second signal exits at once.
 */
import { runDataCommand } from './command.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
}

process.exitCode = await runDataCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal });
