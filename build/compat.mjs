/**
 * `npm run test:compat`: the compatibility suite in compat/ (its own package: the routers and
 * composers weigh about 1 GB installed, so the project's own install stays as it is). Installs
 * compat/ when its lockfile changed since the last install, builds the service when stale, then
 * runs compat's tests against the built dist/. Arguments are passed to vitest (a file, `-t name`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compat = fileURLToPath(new URL('../compat/', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, cwd) {
  const { status } = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}

// npm writes node_modules/.package-lock.json at the end of every install: older than the lockfile, the install is stale.
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
const stale = mtime(`${compat}node_modules/.package-lock.json`) < mtime(`${compat}package-lock.json`);
if (stale) run(npm, ['ci', '--no-audit', '--no-fund'], compat);
run(process.execPath, [fileURLToPath(new URL('./ensure-built.mjs', import.meta.url))], fileURLToPath(new URL('../', import.meta.url)));
run(npm, ['test', '--', ...process.argv.slice(2)], compat);
