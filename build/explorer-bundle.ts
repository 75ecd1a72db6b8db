/**
 * The GraphiQL page's assets: src/explorer/browser/graphiql.tsx with GraphiQL, React and their CSS,
 * bundled for the browser into dist/graphiql/ as one script and one stylesheet, each named for a
 * hash of its content, and `manifest.json` naming them (src/explorer/assets.ts reads it). GraphiQL
 * and React are dev dependencies: the package carries these files, its production install nothing
 * more. GraphiQL's fonts and images are data: URLs in its stylesheet, so the page loads nothing else.
 */
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const EXPLORER_OUTDIR = path.join(ROOT, 'dist', 'graphiql');
const ENTRY = path.join(ROOT, 'src', 'explorer', 'browser', 'graphiql.tsx');

/** The shape of dist/graphiql/manifest.json: file names inside dist/graphiql/. */
export interface ExplorerManifest {
  readonly script: string;
  readonly style: string;
}

/** Writes the manifest from esbuild's metafile, and removes the outputs of earlier builds (other hashes). */
const manifest: Plugin = {
  name: 'explorer-manifest',
  setup(pluginBuild) {
    pluginBuild.onEnd(async (result) => {
      if (result.errors.length > 0 || !result.metafile) return;
      const outputs = Object.entries(result.metafile.outputs);
      const script = outputs.find(([file, output]) => output.entryPoint !== undefined && file.endsWith('.js'));
      const style = script?.[1].cssBundle;
      if (!script || style === undefined) throw new Error('the explorer bundle has no script or no stylesheet');
      const names: ExplorerManifest = { script: path.basename(script[0]), style: path.basename(style) };
      await writeFile(path.join(EXPLORER_OUTDIR, 'manifest.json'), `${JSON.stringify(names, null, 2)}\n`);
      const keep = new Set([names.script, names.style, 'manifest.json']);
      for (const file of await readdir(EXPLORER_OUTDIR)) if (!keep.has(file)) await rm(path.join(EXPLORER_OUTDIR, file));
    });
  },
};

export const explorerOptions: BuildOptions = {
  entryPoints: { graphiql: ENTRY },
  outdir: EXPLORER_OUTDIR,
  entryNames: '[name]-[hash]',
  bundle: true,
  platform: 'browser',
  format: 'esm',
  // The browsers React 19 supports.
  target: ['chrome111', 'edge111', 'firefox111', 'safari16.4'],
  jsx: 'automatic',
  minify: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  // Licences of the bundled packages stay in the files, as their licences ask.
  legalComments: 'eof',
  metafile: true,
  plugins: [manifest],
  logLevel: 'warning',
};
