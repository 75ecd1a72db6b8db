/**
 * `npm start`'s first step: builds only when the build is missing or older than what it is built
 * from (src/, schema.graphql, build/, package-lock.json), so a second `npm start` starts at once
 * instead of spending 10-15 s rebuilding what has not changed. Plain JavaScript: it runs before
 * anything is built, and needs nothing but Node.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUTPUTS = ['dist/main.js', 'dist/service.js', 'dist/data.js', 'dist/graphiql/manifest.json'];
const INPUTS = ['src', 'build', 'schema.graphql', 'package-lock.json', 'tsconfig.json'];

/** The latest modification time of a file, or of any file under a directory; 0 when absent. */
function newest(target) {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((name) => newest(path.join(target, name))));
}

/** The oldest output's modification time; 0 when one is missing. */
const built = Math.min(...OUTPUTS.map((file) => newest(path.join(ROOT, file))));
const sources = Math.max(...INPUTS.map((input) => newest(path.join(ROOT, input))));

if (built === 0 || sources > built) {
  console.error(built === 0 ? 'start: no build yet; building first' : 'start: sources changed since the last build; building first');
  const { status } = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  process.exit(status ?? 1);
}
