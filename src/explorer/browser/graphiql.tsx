/**
 * The GraphiQL page's script (browser code, bundled by build/explorer-bundle.ts into dist/graphiql/).
 * It talks to nothing but the server that served it: queries, introspection included, go to the
 * page's own URL. What the server says (the example operation, the style nonce) arrives in a JSON
 * block of the page, since the page's Content-Security-Policy allows no inline script.
 */
import { setNonce } from 'get-nonce';
import { GraphiQL } from 'graphiql';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { ComponentProps } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './graphiql.css';

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];

/** What the page hands this script (src/explorer/page.ts, `PageConfig`). */
interface PageConfig {
  readonly document: string;
  readonly styleNonce: string;
}

const APOLLO_SANDBOX = 'https://studio.apollographql.com/sandbox/explorer';

function pageConfig(): PageConfig {
  const text = document.getElementById('explorer-config')?.textContent;
  return text ? (JSON.parse(text) as PageConfig) : { document: '', styleNonce: '' };
}

/**
 * POSTs JSON to `endpoint`, as any GraphQL client does (a non-simple request, so Apollo's CSRF
 * prevention lets it through). An answer that is not JSON (a proxy's error page) becomes an error
 * GraphiQL shows, with the status.
 */
function fetcherFor(endpoint: string): Fetcher {
  return async (params, options) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { ...(options?.headers as Record<string, string> | undefined), 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify(params),
    });
    const text = await response.text();
    try {
      return JSON.parse(text) as ExecutionResult;
    } catch {
      return { errors: [new GraphQLError(`HTTP ${response.status}: the answer is not JSON: ${text.slice(0, 200)}`)] };
    }
  };
}

// The page is served at the GraphQL endpoint itself (GET with Accept: text/html), behind any path prefix.
const endpoint = `${location.origin}${location.pathname}`;
const sandbox = `${APOLLO_SANDBOX}?endpoint=${encodeURIComponent(endpoint)}`;
const config = pageConfig();
// The <style> Radix's dialogs add while open (a scroll lock) carries the nonce the page's CSP allows.
setNonce(config.styleNonce);
const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(
    <GraphiQL fetcher={fetcherFor(endpoint)} defaultQuery={config.document}>
      <GraphiQL.Logo>
        <span>GraphiQL</span>
        <a className="explorer-sandbox" href={sandbox} title="Apollo Sandbox, loaded from Apollo's servers (needs the internet)">
          Open in Apollo Sandbox
        </a>
      </GraphiQL.Logo>
    </GraphiQL>,
  );
}
