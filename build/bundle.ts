/**
 * Bundles the service into one file, `dist/service.js`, with esbuild: what `dist/main.js` (tsc's
 * output of src/main.ts, which turns on Node's compile cache first) loads, and so what `npm start`
 * and the tests run; and the data command (src/data/cli.ts) into `dist/data.js`, which a production
 * image runs without dev dependencies (`node dist/data.js add DE`). Usage: `tsx build/bundle.ts
 * [--watch]` (`npm run build` runs it after `tsc`). It also builds the GraphiQL page's script and
 * stylesheet for the browser into `dist/graphiql/` (build/explorer-bundle.ts).
 *
 * Why: Node 20 spent about 40% of start-up resolving, reading and linking some 800 module files
 * (its ES module loader, the CommonJS loader under it, package.json lookups); one file removes that
 * work (README, Start-up). Node 20 has no compile cache (`module.enableCompileCache` is 22.1+);
 * on later versions src/main.ts turns it on for this file (docs/operations.md has the figures).
 *
 * `tsc` still emits the module tree beside it (dist/app.js and so on): the HTTP-layer
 * benchmark imports those modules, and the bundle below keeps the tree's layout where it matters.
 *
 * What stays outside the bundle, loaded from node_modules at run time:
 *  - pino: its transports (pino-pretty in development) run in a worker started from files next to
 *    pino's own code, found through `__dirname`;
 *  - ioredis: it reads its package.json through `__dirname`, and is loaded only with REDIS_URL
 *    (src/geocoding/shared-cache.ts), so leaving it out costs nothing otherwise;
 *  - geo-tz: it reads its zone boundaries (a 26 MB file) from its own `data/` directory, found
 *    through `__dirname`, and is loaded only on the first `timeZone` asked (src/geocoding/time-zones.ts).
 *  - the OpenTelemetry SDK and exporters: loaded only when tracing is configured (src/observability/tracing-sdk.ts
 *    imports them dynamically), so a service without OTEL_* neither parses nor loads a byte of them.
 *    `@opentelemetry/api` stays in the bundle: prom-client requires it at start-up (for exemplars) anyway.
 *    With tracing on, the SDK then loads its own copy of the API from node_modules beside the bundled
 *    one; they agree, as the API keeps its context keys and globals under `Symbol.for` names
 *    (test/integration/tracing.test.ts runs the built service to show it).
 * `__dirname` does not exist in an ES module, so the build fails if bundled code still uses it.
 *
 * Source maps: `dist/service.js.map` maps stack traces to src/; Node applies it with
 * `NODE_OPTIONS=--enable-source-maps` (not by default: it costs start-up time, see the README).
 * Without it, frames point into dist/service.js, which is not minified: its lines read like the sources.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, context, type BuildOptions, type Plugin } from 'esbuild';
import { explorerOptions } from './explorer-bundle.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = path.join(ROOT, 'src');
const OUTDIR = path.join(ROOT, 'dist');
/** Each bundle, by its name in dist/: `service.js` takes the place where `tsc` emits src/service.ts; `data.js` sits beside it. */
const ENTRY_POINTS = { service: path.join(SRC, 'service.ts'), data: path.join(SRC, 'data', 'cli.ts') };
const OUTFILES = Object.keys(ENTRY_POINTS).map((name) => path.join(OUTDIR, `${name}.js`));

/** Packages loaded from node_modules at run time (see the header for why each). */
const EXTERNAL = [
  'pino',
  'pino-pretty',
  'ioredis',
  'geo-tz',
  '@opentelemetry/core',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/exporter-trace-otlp-http',
];

/**
 * Gives each module of src/ the `import.meta.url` it has in the tsc tree (`dist/graphql/schema.js`
 * for src/graphql/schema.ts), not the bundle's: paths relative to a module, such as the schema
 * file's `../../schema.graphql`, then resolve the same in both builds.
 */
const treeImportMetaUrl: Plugin = {
  name: 'tree-import-meta-url',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async ({ path: file }) => {
      if (!file.startsWith(SRC + path.sep)) return undefined;
      const source = await readFile(file, 'utf8');
      if (!source.includes('import.meta.url')) return undefined; // esbuild's own loader
      // Both bundles sit in dist/, where tsc puts src/main.ts, so a module's tree path relative to them is its path in src/.
      const twin = `./${path.relative(SRC, file).split(path.sep).join('/').replace(/\.ts$/, '.js')}`;
      const url = `new URL(${JSON.stringify(twin)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** Fails the build when bundled code refers to `__dirname` or `__filename`, which throw in an ES module. */
/**
 * Modules replaced in the bundle by a file of build/shims/, each saying why: packages that choose
 * an implementation by probing the environment, and choose the slow one once bundled.
 */
const SHIMS: Readonly<Record<string, string>> = { '@apollo/utils.createhash': path.join(ROOT, 'build', 'shims', 'createhash.ts') };
const shims: Plugin = {
  name: 'shims',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@apollo\/utils\.createhash$/ }, ({ path: name }) => ({ path: SHIMS[name]! }));
  },
};

const noCommonJsPaths: Plugin = {
  name: 'no-commonjs-paths',
  setup(pluginBuild) {
    pluginBuild.onEnd(async (result) => {
      if (result.errors.length > 0) return;
      for (const outfile of OUTFILES) {
        const code = await readFile(outfile, 'utf8');
        const found = [...new Set(code.match(/\b__(?:dirname|filename)\b/g) ?? [])];
        if (found.length > 0) {
          throw new Error(`${path.relative(ROOT, outfile)} uses ${found.join(' and ')}, undefined in an ES module: add the package that does to EXTERNAL in build/bundle.ts`);
        }
      }
    });
  },
};

const options: BuildOptions = {
  entryPoints: ENTRY_POINTS,
  outdir: OUTDIR,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  // CommonJS packages inside an ES module bundle call `require` (for Node's built-ins): give them Node's.
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  // The map names files in src/ and node_modules/ without embedding them: 2.5 MB instead of 9.6 MB.
  // --enable-source-maps parses it at start-up: about 33 ms and 3 MB, where the full map cost 100 ms and 48 MB.
  sourcesContent: false,
  // No `keepNames`: it wraps every function expression in a `__name(fn, "…")` call, run each time the
  // expression is, and cost 24% of the requests/s on repeated one-distance requests (13,654 vs 18,052).
  // What esbuild renames to avoid a clash (`parse` → `parse7`) shows in stack traces; no class we log is renamed.
  plugins: [shims, treeImportMetaUrl, noCommonJsPaths],
  logLevel: 'warning',
};

if (process.argv.includes('--watch')) {
  const watching = await Promise.all([context({ ...options, logLevel: 'info' }), context({ ...explorerOptions, logLevel: 'info' })]);
  await Promise.all(watching.map((watched) => watched.watch()));
} else {
  await Promise.all([build(options), build(explorerOptions)]);
}
