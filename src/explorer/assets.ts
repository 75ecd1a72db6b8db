/**
 * The GraphiQL page's script and stylesheet, built into dist/graphiql/ by build/explorer-bundle.ts under hashed names
 * (a manifest in that folder names them) and read once, when the page is first asked for: part of the build, they never
 * change while the process runs. Missing files are no error of the service: the page then says how to build them.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Where the assets are served, under the GraphQL path so that they cannot clash with another route. */
export const ASSETS_PATH = '/graphql/explorer/';

/** dist/graphiql/ at the project's root, from src/explorer/ (tests, tsx) and from dist/explorer/ (the build) alike. */
const BUILT = new URL('../../dist/graphiql/', import.meta.url);

/** One file, as served. `path` is the URL path: `ASSETS_PATH` and its hashed name. */
export interface ExplorerAsset {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export type ExplorerAssets =
  | { readonly built: true; readonly script: ExplorerAsset; readonly style: ExplorerAsset }
  | { readonly built: false; /** Why not, for the page and the log. */ readonly reason: string };

/** The build's own names (`graphiql-<hash>.js`): nothing else is read, whatever the manifest says. */
const Manifest = z.object({
  script: z.string().regex(/^graphiql-[A-Z0-9]+\.js$/),
  style: z.string().regex(/^graphiql-[A-Z0-9]+\.css$/),
});

export function readExplorerAssets(dir: URL = BUILT): ExplorerAssets {
  let manifest: z.infer<typeof Manifest>;
  try {
    manifest = Manifest.parse(JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')));
  } catch (error) {
    return { built: false, reason: `${new URL('manifest.json', dir).pathname} is missing or unreadable (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  const asset = (name: string, contentType: string): ExplorerAsset => ({ path: `${ASSETS_PATH}${name}`, contentType, body: readFileSync(new URL(name, dir)) });
  try {
    return { built: true, script: asset(manifest.script, 'text/javascript; charset=utf-8'), style: asset(manifest.style, 'text/css; charset=utf-8') };
  } catch (error) {
    return { built: false, reason: `a file manifest.json names is missing from ${dir.pathname} (${error instanceof Error ? error.message : String(error)})` };
  }
}

let cached: ExplorerAssets | undefined;

export function explorerAssets(): ExplorerAssets {
  cached ??= readExplorerAssets();
  return cached;
}
