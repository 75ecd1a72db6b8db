/**
 * The HTML of the GraphiQL page, whose Content-Security-Policy loads and connects to nothing but its own origin: `data:`
 * fonts and images (GraphiQL's stylesheet holds them), no inline script, and one inline style, the scroll lock
 * GraphiQL's dialogs add, allowed by a nonce made for each response.
 */
import { randomBytes } from 'node:crypto';
import type { ExplorerAssets } from './assets.js';

export function pageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A nonce for one response: 128 random bits. */
export const newNonce = (): string => randomBytes(16).toString('base64');

/** What the page's script reads (src/explorer/browser/graphiql.tsx, `PageConfig`). */
export interface PageConfig {
  /** Preloaded in the editor when the browser has no saved tabs. */
  readonly document: string;
  readonly styleNonce: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON inside a <script> element: `<` escaped, so no string in it can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** Asset URLs are relative to the page, so behind a proxy that serves `/graphql` under a prefix they keep the prefix. */
export function graphiqlPage(assets: ExplorerAssets, config: PageConfig): string {
  if (!assets.built) return notBuiltPage(assets.reason, config.styleNonce);
  const relative = (path: string) => path.slice(1);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${pageCsp(config.styleNonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>GraphiQL · postal-distance-subgraph</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(relative(assets.style.path))}">
<script type="module" src="${escapeHtml(relative(assets.script.path))}"></script>
<script type="application/json" id="explorer-config">${scriptJson(config)}</script>
</head>
<body>
<div id="graphiql"></div>
</body>
</html>
`;
}

/** Said instead of the page when the files are not built (a checkout that ran the tests without `npm run build`). */
function notBuiltPage(reason: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${pageCsp(nonce)}">
<title>GraphiQL is not built · postal-distance-subgraph</title>
</head>
<body>
<h1>GraphiQL is not built (EXPLORER_NOT_BUILT)</h1>
<p>Its files are built into dist/graphiql/ by <code>npm run build</code> (<code>npm start</code> builds first).
Or set <code>EXPLORER=sandbox</code> for Apollo Sandbox, which loads from Apollo's servers.</p>
<p>${escapeHtml(reason)}</p>
</body>
</html>
`;
}
