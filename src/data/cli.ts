/**
 * Entry point of the data command (command.ts), bundled to run without dev dependencies (build/bundle.ts).
 * SIGINT or SIGTERM cancels the download in progress and those after it, removing their temporary
 * files (exit 130); a second signal removes them synchronously and exits at once: nothing is left.
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
