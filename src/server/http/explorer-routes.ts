/** GraphiQL's script and stylesheet, each at its hashed name: a name never serves other content, so browsers keep it a year. */
import type { ExplorerAsset, ExplorerAssets } from '../../explorer/assets.js';
import type { Route } from './graphql-route.js';
import { sendJson } from './replies.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function explorerRoutes(assets: ExplorerAssets): Record<string, Route> {
  if (!assets.built) return {};
  return Object.fromEntries([assets.script, assets.style].map((asset) => [asset.path, serve(asset)]));
}

function serve(asset: ExplorerAsset): Route {
  const headers = { 'content-type': asset.contentType, 'content-length': asset.body.length, 'cache-control': IMMUTABLE, 'x-content-type-options': 'nosniff' };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: `${asset.path} answers GET only.` }, { allow: 'GET, HEAD' });
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  };
}
