/**
 * Entry point of the data command, `npm run data -- add DE` (bundled as dist/data.js, which runs
 * without dev dependencies; see build/bundle.ts). The command itself is command.ts.
 *
 * SIGINT (Ctrl-C) or SIGTERM cancels the download in progress and those queued after it: their
 * temporary files are removed and the process exits 130. A second signal exits at once, after
 * removing those files synchronously, so even an impatient second Ctrl-C leaves nothing behind.
 */
import { EXIT, runDataCommand } from './command.js';
import { removeStagedFilesSync } from './data-dir.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) {
      removeStagedFilesSync();
      process.exit(EXIT.interrupted);
    }
    controller.abort();
  });
}

process.exitCode = await runDataCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal });
