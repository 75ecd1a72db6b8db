/**
 * A recording HTTP proxy in front of a subgraph: routers talk to it as they would to the subgraph,
 * and the test reads every request they sent and every response they got. Counting on the wire
 * rather than inside one router library means the same assertions hold for every router.
 *
 * By default it asks the subgraph for an uncompressed answer. With `passEncoding`, it asks with the
 * router's own Accept-Encoding and hands the router the subgraph's bytes as they came, with their
 * Content-Encoding, recording a decoded copy: the router then decodes what it would get without
 * the proxy. A JSON-array body (subgraph batching) is forwarded as it is and recorded item by item.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** One GraphQL operation as a router sent it. */
export interface Operation {
  readonly query: string;
  readonly operationName: string | undefined;
  readonly variables: Record<string, unknown> | undefined;
}

/** One GraphQL answer as the subgraph gave it. */
export interface Answer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: unknown[];
  readonly extensions?: Record<string, unknown>;
}

export interface Exchange {
  /** The operation sent; for a batch, its first operation. */
  readonly request: Operation & {
    readonly headers: IncomingHttpHeaders;
    /** Every operation of a JSON-array body, in order; undefined when the body is one operation. */
    readonly batch: readonly Operation[] | undefined;
  };
  readonly response: {
    readonly status: number;
    readonly headers: Headers;
    /** The subgraph's Content-Encoding (`gzip`, `br`), undefined for none; always undefined without `passEncoding`. */
    readonly encoding: string | undefined;
    /** The answer, decoded; for a batch, its first answer. */
    readonly body: Answer;
    /** Every answer of a batch, in order; undefined when the body is one answer. */
    readonly batch: readonly Answer[] | undefined;
  };
}

export interface RecordingProxyOptions {
  /** Ask the subgraph with the router's Accept-Encoding and pass its encoded bytes on (default: ask for identity). */
  readonly passEncoding?: boolean;
}

export interface RecordingProxy {
  /** The GraphQL endpoint to give routers, e.g. `http://127.0.0.1:40123/graphql`. */
  readonly url: string;
  /** Every exchange so far, in the order the responses were sent back. */
  readonly exchanges: Exchange[];
  /** The exchanges with an operation that asks for `_entities`. */
  entityRequests(): Exchange[];
  /** Sends later requests to another subgraph (a fresh one per test, with a cold cache) and forgets the exchanges so far. */
  retarget(target: string): void;
  close(): Promise<void>;
}

/** Hop-by-hop and length headers that the proxy recomputes instead of copying. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'content-encoding']);

const DECODERS: Record<string, (bytes: Buffer) => Buffer> = { gzip: gunzipSync, br: brotliDecompressSync, deflate: inflateSync };

/** A body's operations: the one, or a batch's every item. */
function operationsOf(body: unknown): { readonly first: Operation; readonly batch: readonly Operation[] | undefined } {
  const toOperation = (item: unknown): Operation => {
    const { query, operationName, variables } = item as { query: string; operationName?: string | null; variables?: Record<string, unknown> | null };
    return { query, operationName: operationName ?? undefined, variables: variables ?? undefined };
  };
  if (!Array.isArray(body)) return { first: toOperation(body), batch: undefined };
  const batch = body.map(toOperation);
  return { first: batch[0] ?? { query: '', operationName: undefined, variables: undefined }, batch };
}

export async function startRecordingProxy(initialTarget: string, options: RecordingProxyOptions = {}): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  let target = initialTarget;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      forward(req.headers, Buffer.concat(chunks)).then(
        ({ status, headers, bytes, exchange }) => {
          exchanges.push(exchange);
          res.writeHead(status, headers);
          res.end(bytes);
        },
        (error: unknown) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(error));
        },
      );
    });
  });

  async function forward(headers: IncomingHttpHeaders, body: Buffer) {
    const outgoing: Record<string, string> = {};
    for (const [key, value] of Object.entries(headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(key)) outgoing[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    // Without passEncoding, ask for an uncompressed answer so it can be read and recorded as is.
    if (!options.passEncoding) outgoing['accept-encoding'] = 'identity';
    const upstream = await post(target, outgoing, body);
    const encoding = upstream.headers.get('content-encoding') ?? undefined;
    const decode = encoding === undefined ? (bytes: Buffer) => bytes : DECODERS[encoding];
    if (!decode) throw new Error(`the subgraph answered with an encoding the proxy cannot read: ${encoding}`);
    const parsed = JSON.parse(decode(upstream.bytes).toString('utf8')) as Answer | Answer[];
    const request = operationsOf(JSON.parse(body.toString('utf8')));
    const answers = Array.isArray(parsed) ? parsed : undefined;
    const exchange: Exchange = {
      request: { headers, ...request.first, batch: request.batch },
      response: { status: upstream.status, headers: upstream.headers, encoding, body: answers ? (answers[0] ?? {}) : (parsed as Answer), batch: answers },
    };
    const back: Record<string, string> = {};
    upstream.headers.forEach((value, key) => {
      if (!NOT_FORWARDED.has(key)) back[key] = value;
    });
    if (encoding !== undefined) back['content-encoding'] = encoding;
    return { status: upstream.status, headers: back, bytes: upstream.bytes, exchange };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    exchanges,
    entityRequests: () => exchanges.filter((e) => (e.request.batch ?? [e.request]).some((operation) => /\b_entities\b/.test(operation.query))),
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

/** POSTs `body` to `url` and reads the answer's bytes as they came (fetch would decode them). */
function post(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const answerHeaders = new Headers();
        for (const [key, value] of Object.entries(res.headers)) {
          if (value !== undefined) answerHeaders.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({ status: res.statusCode ?? 0, headers: answerHeaders, bytes: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
