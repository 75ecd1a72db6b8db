/**
 * The checks `npm test` runs before its tests, side by side: the types, the generated resolver
 * types and configuration docs being current, and the build (only when stale: build/ensure-built.mjs).
 * They are independent, and one of them (tsc) uses one core. A check that fails has its output
 * printed whole; the exit code is then 1.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHECKS = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['codegen', 'npm', ['run', '-s', 'codegen:check']],
  ['configuration docs', 'npm', ['run', '-s', 'config:check']],
  ['build', process.execPath, ['build/ensure-built.mjs', 'test']],
];

/** Runs one check to its end; resolves with its exit code and its interleaved output. */
function run([name, command, args]) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ name, code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ name, code, output }));
  });
}

const results = await Promise.all(CHECKS.map(run));
for (const { name, code, output } of results) {
  process.stdout.write(code === 0 ? `ok: ${name}\n` : `FAILED: ${name}\n${output.trimEnd()}\n`);
}
process.exitCode = results.every((result) => result.code === 0) ? 0 : 1;
