import { afterEach, describe, expect, it } from 'vitest';
import type { Geocoder } from '../../src/geocoding/geocoder.js';
import { startTestServer, type TestServer } from '../support/server.js';

const servers: TestServer[] = [];
const start = async (env: Record<string, string> = {}, geocoder?: Geocoder) => {
  const server = await startTestServer(env, geocoder);
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describe('operational routes', () => {
  it('/healthz answers 200 at once; /readyz answers 503 until the geocoder is ready, then 200', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: Geocoder = { name: 'slow', maxBatchSize: Infinity, ready: () => gate, geocode: async (keys) => keys.map(() => ({ kind: 'notFound' })) };
    // startTestServer awaits readiness, so start this one by hand.
    const { loadConfig } = await import('../../src/config.js');
    const { createLogger } = await import('../../src/logger.js');
    const { startApp } = await import('../../src/app.js');
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    const app = await startApp({ config, logger: createLogger(config), geocoder: slow });
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      const starting = await fetch(`${app.url}/readyz`);
      expect(starting.status).toBe(503);
      expect(await starting.json()).toEqual({ status: 'starting' });
      release();
      await app.ready;
      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', geocoder: 'slow' });
    } finally {
      await app.stop();
    }
  });

  it('answers unknown routes with 404 JSON', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'No route for /nope: GraphQL is served at /graphql.' });
  });
});

describe('development and production modes', () => {
  const browser = { accept: 'text/html' };

  it('serves the explorer (GraphiQL) with the example operation, and introspection, in development', async () => {
    const server = await start({ NODE_ENV: 'development' });
    const page = await fetch(`${server.url}/graphql`, { headers: browser });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>GraphiQL');
    expect(html).toMatch(/distance\(from: \\"90210\\", to: \\"10001\\"\)/);
    const { body } = await server.graphql('{ __schema { queryType { name } } }');
    expect(body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('turns both off in production', async () => {
    const server = await start({ NODE_ENV: 'production' });
    const page = await fetch(`${server.url}/graphql`, { headers: browser });
    expect(await page.text()).not.toMatch(/GraphiQL|Sandbox/);
    const { body } = await server.graphql('{ __schema { queryType { name } } }');
    expect(body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors![0]!.message).toMatch(/^Introspection is turned off on this service .* INTROSPECTION=true/);
  });

  it('lets configuration turn introspection back on in production', async () => {
    const server = await start({ NODE_ENV: 'production', INTROSPECTION: 'true' });
    const { body } = await server.graphql('{ __schema { queryType { name } } }');
    expect(body.errors).toBeUndefined();
  });
});

describe('requests the service refuses', () => {
  it('answers a body over the limit with 413 and a JSON error', async () => {
    const server = await start({ MAX_BODY_BYTES: '2048' });
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ location(postalCode: "${'9'.repeat(4000)}") { placeName } }` }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ errors: [{ message: 'Request body is larger than the limit of 2048 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });

  it('answers malformed JSON with 400 and a JSON error', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });

  const getQuery = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/graphql?query=${encodeURIComponent('{ location(postalCode: "90210") { placeName } }')}`, { headers });

  it('refuses a plain GET as a possible CSRF, naming the header that lets it through', async () => {
    const server = await start();
    const res = await getQuery(server.url);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errors: [
        {
          message:
            "Refused as a possible cross-site request forgery (CSRF): a browser can send a request like this one from any page. Add the header 'apollo-require-preflight: true' (curl -H 'apollo-require-preflight: true' ...), or POST JSON with 'content-type: application/json'.",
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  it('answers the same GET with the header the refusal names', async () => {
    const server = await start();
    const res = await getQuery(server.url, { 'apollo-require-preflight': 'true' });
    expect([res.status, await res.json()]).toEqual([200, { data: { location: { placeName: 'Beverly Hills' } } }]);
  });
});

describe('errors that must not leak', () => {
  it('masks an unexpected failure: no stack, no internal message, a stable code', async () => {
    const exploding: Geocoder = {
      name: 'exploding',
      maxBatchSize: Infinity,
      ready: async () => {},
      geocode: async () => {
        throw new Error('ECONNREFUSED 10.0.0.7:6379 at /srv/app/secret.js:12');
      },
    };
    for (const NODE_ENV of ['development', 'production']) {
      const server = await start({ NODE_ENV }, exploding);
      const { body } = await server.graphql('{ location(postalCode: "90210") { placeName } }');
      const text = JSON.stringify(body);
      expect(body.errors![0]!.extensions!.code).toBe('GEOCODER_UNAVAILABLE');
      expect(text).not.toMatch(/ECONNREFUSED|secret|stacktrace|\.js/);
    }
  });

  it('echoes the router request id, or makes one', async () => {
    const server = await start();
    const given = await server.graphql('{ location(postalCode: "90210") { placeName } }', undefined, { 'x-request-id': 'router-abc-123' });
    expect(given.headers.get('x-request-id')).toBe('router-abc-123');
    const made = await server.graphql('{ location(postalCode: "90210") { placeName } }', undefined, { 'x-request-id': 'bad id with spaces' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
