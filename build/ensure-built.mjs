/**
 * The first step of `npm start`, `npm run data`, `npm test` and `npm pack` (so of `npm publish` and the image's
 * build stage): builds only when the build is missing or older than what it is built from (src/,
 * schema.graphql, build/, package-lock.json), so a second run starts at once instead of rebuilding
 * what has not changed, and no package is packed without its dist/. Plain JavaScript: it runs
 * before anything is built, and needs nothing but Node.
 *
 *   node build/ensure-built.mjs         npm start: the whole build (`npm run build`: tsc's emit, then the bundles)
 *   node build/ensure-built.mjs test    npm test (build/checks.mjs): the same
 *   node build/ensure-built.mjs pack    npm pack: the types checked (`npm run typecheck`), then the whole build
 *   node build/ensure-built.mjs data    npm run data: the data command's bundle, dist/data.js (build/bundle.ts)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = ['src', 'build', 'schema.graphql', 'package-lock.json', 'tsconfig.json'];

/** What each target needs built, and how to build it. */
const WHOLE = ['dist/bin.js', 'dist/main.js', 'dist/service.js', 'dist/data.js', 'dist/graphiql/manifest.json'];
const TARGETS = {
  start: { outputs: WHOLE, build: () => npmRun('build') },
  test: { outputs: WHOLE, build: () => npmRun('build') },
  // `npm run build` emits without checking types (`npm test` checks them first): nothing is packed unchecked.
  pack: { outputs: WHOLE, build: () => (npmRun('typecheck').status === 0 ? npmRun('build') : { status: 1 }) },
  data: { outputs: ['dist/data.js'], build: bundle },
};

/** Runs an npm script of this project, its output shown. */
function npmRun(script) {
  return spawnSync('npm', ['run', script], { cwd: ROOT, stdio: 'inherit' });
}

/** Runs build/bundle.ts with tsx, a dev dependency; says what to do without it. */
function bundle() {
  let tsx;
  try {
    tsx = createRequire(import.meta.url).resolve('tsx/cli');
  } catch {
    console.error('data: tsx (a dev dependency) is not installed, so dist/data.js cannot be built: run `npm install`, or run a built dist/data.js with node');
    return { status: 1 };
  }
  return spawnSync(process.execPath, [tsx, path.join(ROOT, 'build', 'bundle.ts')], { cwd: ROOT, stdio: 'inherit' });
}

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

const name = process.argv[2] ?? 'start';
const target = TARGETS[name];
if (!target) {
  console.error(`ensure-built: unknown target ${JSON.stringify(name)} (start, test, pack or data)`);
  process.exit(2);
}

/** The oldest output's modification time; 0 when one is missing. */
const built = Math.min(...target.outputs.map((file) => newest(path.join(ROOT, file))));
const sources = Math.max(...INPUTS.map((input) => newest(path.join(ROOT, input))));

if (built === 0 || sources > built) {
  console.error(built === 0 ? `${name}: no build yet; building first` : `${name}: sources changed since the last build; building first`);
  const { status } = target.build();
  process.exit(status ?? 1);
}
