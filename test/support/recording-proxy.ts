/**
 * A recording HTTP proxy in front of a subgraph: routers talk to it as they would to the subgraph,
 * and the test reads every request they sent and every response they got. Counting on the wire
 * rather than inside one router library means the same assertions hold for every router.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  readonly request: {
    readonly headers: IncomingHttpHeaders;
    readonly query: string;
    readonly operationName: string | undefined;
    readonly variables: Record<string, unknown> | undefined;
  };
  readonly response: {
    readonly status: number;
    readonly headers: Headers;
    readonly body: { data?: Record<string, unknown> | null; errors?: unknown[]; extensions?: Record<string, unknown> };
  };
}

export interface RecordingProxy {
  /** The GraphQL endpoint to give routers, e.g. `http://127.0.0.1:40123/graphql`. */
  readonly url: string;
  /** Every exchange so far, in the order the responses were sent back. */
  readonly exchanges: Exchange[];
  /** The exchanges whose operation asks for `_entities`. */
  entityRequests(): Exchange[];
  /** Sends later requests to another subgraph (a fresh one per test, with a cold cache) and forgets the exchanges so far. */
  retarget(target: string): void;
  close(): Promise<void>;
}

/** Hop-by-hop and length headers that the proxy recomputes instead of copying. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'content-encoding']);

export async function startRecordingProxy(initialTarget: string): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  let target = initialTarget;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      forward(req.headers, Buffer.concat(chunks)).then(
        ({ status, headers, text, exchange }) => {
          exchanges.push(exchange);
          res.writeHead(status, headers);
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(error));
        },
      );
    });
  });

  async function forward(headers: IncomingHttpHeaders, body: Buffer) {
    const outgoing = new Headers();
    for (const [key, value] of Object.entries(headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(key)) outgoing.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    // Ask for an uncompressed answer so it can be read and recorded as is.
    outgoing.set('accept-encoding', 'identity');
    const upstream = await fetch(target, { method: 'POST', headers: outgoing, body: new Uint8Array(body) });
    const text = await upstream.text();
    const parsed = JSON.parse(body.toString('utf8')) as { query: string; operationName?: string; variables?: Record<string, unknown> };
    const exchange: Exchange = {
      request: { headers, query: parsed.query, operationName: parsed.operationName ?? undefined, variables: parsed.variables ?? undefined },
      response: { status: upstream.status, headers: upstream.headers, body: JSON.parse(text) as Exchange['response']['body'] },
    };
    const back: Record<string, string> = {};
    upstream.headers.forEach((value, key) => {
      if (!NOT_FORWARDED.has(key)) back[key] = value;
    });
    return { status: upstream.status, headers: back, text, exchange };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    exchanges,
    entityRequests: () => exchanges.filter((e) => /\b_entities\b/.test(e.request.query)),
    retarget(next) {
      target = next;
      exchanges.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
