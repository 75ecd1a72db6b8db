/**
 * The explorer on GET /graphql: GraphiQL served by the service itself, so that it works with no
 * network; Apollo Sandbox one setting away. The HTTP tests read what the server sends; the browser
 * tests open the page in headless Chromium with every request off 127.0.0.1 blocked and counted,
 * run the example operation, and read the answer panel.
 *
 * The browser tests share one browser and one page, in order (one launch keeps them fast): each
 * asserts one behaviour of the page as the previous ones left it. The last one checks what the
 * whole session requested. `npm run docs:screenshot` writes docs/images/explorer.png from them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explorerAssets, readExplorerAssets } from '../../src/explorer/assets.js';
import { CANONICAL_NAMING } from '../../src/graphql/naming.js';
import { exampleOperation } from '../../src/graphql/apollo.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';
import { startTestServer, type TestServer } from '../support/server.js';

const BROWSER = { accept: 'text/html' };
const SANDBOX = 'https://studio.apollographql.com/sandbox/explorer';
/** Where the browser test saves its screenshot; `npm run docs:screenshot` points it at docs/images/. */
const SCREENSHOT = process.env.EXPLORER_SCREENSHOT ?? path.join(mkdtempSync(path.join(tmpdir(), 'explorer-')), 'explorer.png');

const built = explorerAssets();
if (!built.built) throw new Error(`GraphiQL is not built (run \`npm run build\`; npm test does): ${built.reason}`);
const { script, style } = built;

/** The Content-Security-Policy of a page, by directive. */
function policyOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
  return new Map(content.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name = '', ...sources]) => [name, sources]));
}

describe('the explorer, as the server sends it', () => {
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await startTestServer(env);
    servers.push(server);
    return server;
  };
  afterAll(() => Promise.all(servers.map((server) => server.stop())));

  it('answers a browser on GET /graphql with GraphiQL in development, preloaded with the example operation', async () => {
    const server = await start({ NODE_ENV: 'development' });
    const page = await fetch(`${server.url}/graphql`, { headers: BROWSER });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>GraphiQL');
    const config = /<script type="application\/json" id="explorer-config">(.*)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(config ?? '{}')).toMatchObject({ document: exampleOperation(CANONICAL_NAMING) });
  });

  it('gives the page a policy allowing nothing but its own origin, data: fonts and images, and one nonce a response', async () => {
    const server = await start({ NODE_ENV: 'development' });
    const [first, second] = await Promise.all([1, 2].map(async () => policyOf(await (await fetch(`${server.url}/graphql`, { headers: BROWSER })).text())));
    expect(Object.fromEntries(first!)).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", expect.stringMatching(/^'nonce-[A-Za-z0-9+/]{22}=='$/)],
      'font-src': ["'self'", 'data:'],
      'img-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
    });
    expect(second!.get('style-src')).not.toEqual(first!.get('style-src'));
  });

  it('links its script and stylesheet relative to the page, and nothing from elsewhere', async () => {
    const server = await start({ NODE_ENV: 'development' });
    const html = await (await fetch(`${server.url}/graphql`, { headers: BROWSER })).text();
    expect([...html.matchAll(/(?:src|href)="([^"]*)"/g)].map(([, url]) => url)).toEqual(['data:,', style.path.slice(1), script.path.slice(1)]);
  });

  it('serves the script and the stylesheet under names hashed from their content, cached for a year', async () => {
    const server = await start({ NODE_ENV: 'development' });
    for (const asset of [script, style]) {
      expect(asset.path, asset.path).toMatch(/^\/graphql\/explorer\/graphiql-[A-Z0-9]{8}\.(js|css)$/);
      const res = await fetch(`${server.url}${asset.path}`);
      expect(res.status, asset.path).toBe(200);
      expect(res.headers.get('content-type'), asset.path).toBe(asset.contentType);
      expect(res.headers.get('cache-control'), asset.path).toBe('public, max-age=31536000, immutable');
      expect(Buffer.from(await res.arrayBuffer()).equals(asset.body), asset.path).toBe(true);
    }
  });

  it('answers anything but GET or HEAD on a file with 405', async () => {
    const server = await start({ NODE_ENV: 'development' });
    const res = await fetch(`${server.url}${script.path}`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves Apollo Sandbox instead with EXPLORER=sandbox, Apollo telemetry off, and no GraphiQL files', async () => {
    const server = await start({ NODE_ENV: 'development', EXPLORER: 'sandbox' });
    const html = await (await fetch(`${server.url}/graphql`, { headers: BROWSER })).text();
    expect(html).toMatch(/EmbeddedSandbox/);
    expect(html).toMatch(/"runTelemetry":false/);
    expect(html).toMatch(/distance\(from: \\"90210\\", to: \\"10001\\"\)/);
    expect((await fetch(`${server.url}${script.path}`)).status).toBe(404);
  });

  it('serves no page and no files in production, and GraphiQL with LANDING_PAGE=true', async () => {
    const [off, on] = await Promise.all([start({ NODE_ENV: 'production' }), start({ NODE_ENV: 'production', LANDING_PAGE: 'true' })]);
    expect(await (await fetch(`${off.url}/graphql`, { headers: BROWSER })).text()).not.toMatch(/GraphiQL|Sandbox/);
    expect((await fetch(`${off.url}${script.path}`)).status).toBe(404);
    expect(await (await fetch(`${on.url}/graphql`, { headers: BROWSER })).text()).toContain('<title>GraphiQL');
    expect((await fetch(`${on.url}${script.path}`)).status).toBe(200);
  });

  it('says how to build GraphiQL when its files are missing', async () => {
    const { graphiqlPage } = await import('../../src/explorer/page.js');
    const missing = readExplorerAssets(new URL(`file://${mkdtempSync(path.join(tmpdir(), 'no-explorer-'))}/`));
    expect(missing.built).toBe(false);
    const html = graphiqlPage(missing, { document: '{ x }', styleNonce: 'n' });
    expect(html).toContain('GraphiQL is not built (EXPLORER_NOT_BUILT)');
    expect(html).toContain('npm run build');
  });
});

// The first page load parses GraphiQL's 1.4 MB script: on a busy 2-core machine, seconds.
describe.skipIf(!CHROMIUM)('GraphiQL in headless Chromium, with every request off this machine blocked', { timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let expectedMiles: number;
  /** Requests to anything but 127.0.0.1, blocked. */
  const offMachine: string[] = [];
  /** Every request the page made. */
  const requested: string[] = [];

  /**
   * The whole text of a CodeMirror editor (GraphiQL 4's editors draw only the lines in view), once
   * a line of it shows `line`. Functions run through the DevTools protocol, which the page's CSP
   * does not govern; string predicates (`waitForFunction('…')`) would be eval'd, and refused.
   */
  const editorText = async (editor: string, line: string) => {
    await page.locator(`${editor} .CodeMirror-line`, { hasText: line }).first().waitFor();
    return page.locator(`${editor} .CodeMirror`).evaluate((element) => (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
  };
  /** What the page's Content-Security-Policy blocked, recorded by a script Chromium runs before the page's. */
  const violations = () => page.evaluate<string[]>('window.__violations');

  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'development' });
    const { body } = await server.graphql('{ distance(from: "90210", to: "10001") { miles } }');
    expectedMiles = body.data!.distance.miles;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, serviceWorkers: 'block' });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requested.push(url);
      if (new URL(url).hostname === '127.0.0.1') return route.continue();
      offMachine.push(url);
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
    await page.addInitScript({
      content: "window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));",
    });
    await page.goto(`${server.url}/graphql`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens with the example operation in the editor', async () => {
    expect(await editorText('.graphiql-query-editor', 'query Example')).toBe(exampleOperation(CANONICAL_NAMING));
  });

  it('runs it and shows the distance the service answers', async () => {
    await page.getByRole('button', { name: /^Execute query/ }).click();
    const answer = JSON.parse(await editorText('.result-window', '"miles"')) as { data: { distance: { miles: number } } };
    expect(answer.data.distance.miles).toBe(expectedMiles);
  });

  it('documents the schema, from introspection', async () => {
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.locator('a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ }).click();
    await page.locator('a.graphiql-doc-explorer-field-name', { hasText: /^distance$/ }).waitFor();
    await page.screenshot({ path: SCREENSHOT });
    expect(await page.locator('a.graphiql-doc-explorer-field-name').allTextContents()).toContain('distanceMatrix');
  });

  it('opens its dialogs within its Content-Security-Policy', async () => {
    await page.getByRole('button', { name: 'Open settings dialog' }).click();
    await page.getByRole('dialog').waitFor();
    const [text, blocked] = [await page.getByRole('dialog').textContent(), await violations()];
    await page.keyboard.press('Escape'); // closed before asserting: the tests after this one use the page
    expect(text).toContain('Settings');
    expect(blocked).toEqual([]);
  });

  it('links to Apollo Sandbox for this endpoint', async () => {
    const href = await page.getByRole('link', { name: 'Open in Apollo Sandbox' }).getAttribute('href');
    expect(href).toBe(`${SANDBOX}?endpoint=${encodeURIComponent(`${server.url}/graphql`)}`);
  });

  it('asked for nothing but this server, and its policy blocked nothing', async () => {
    expect(offMachine).toEqual([]);
    expect(requested.filter((url) => !url.startsWith(`${server.url}/`))).toEqual([]);
    expect(requested).toContain(`${server.url}${script.path}`);
    expect(await violations()).toEqual([]);
  });
});
