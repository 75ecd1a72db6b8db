/**
 * One HTTP exchange with Node's own client (`node:http`, `node:https`): the request, the status and
 * the body (decompressed, refused past a size), over keep-alive connections owned by one upstream
 * client. Not the global `fetch`: its WHATWG streams and objects cost more CPU per request, paid per
 * code by single-lookup providers, and nothing it adds is needed beyond the decompression and
 * whole-body abort done here. TLS and zlib are loaded on first use only.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { UpstreamError } from './upstream-error.js';

export interface ExchangeRequest {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the exchange, body included. */
  readonly signal: AbortSignal;
  /** Whether a status's body is read; when not, the connection is dropped instead (an error page may be large). */
  readonly readsBody: (status: number) => boolean;
}

export interface Exchange {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8, or `undefined` when `readsBody` said not to read it. */
  readonly text: string | undefined;
}

const ACCEPT_ENCODING = 'br, gzip';

type Requester = (url: URL, options: http.RequestOptions, onResponse: (res: IncomingMessage) => void) => http.ClientRequest;

export class Transport {
  private readonly agents: http.Agent[] = [];
  private readonly plain: Requester;
  private secure: Promise<Requester> | undefined;

  constructor(private readonly maxResponseBytes: number) {
    this.plain = this.requester(http.request, new http.Agent({ keepAlive: true }));
  }

  /**
   * Sends the request and reads the answer. Rejects with what Node's client raised (network errors,
   * an abort), or a `malformed` `UpstreamError` for a body over the limit or in an encoding not asked for.
   */
  async exchange(request: ExchangeRequest): Promise<Exchange> {
    const send = request.url.protocol === 'https:' ? await this.https() : this.plain;
    const headers: Record<string, string> = { ...request.headers, 'accept-encoding': ACCEPT_ENCODING };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(request.url, { method: request.method, headers, signal: request.signal }, resolve);
      // Stays attached after the response: a later socket error must not become an uncaught 'error' event.
      req.on('error', reject);
      req.end(request.body);
    });
    const status = res.statusCode ?? 0;
    if (!request.readsBody(status)) {
      res.destroy();
      return { status, headers: res.headers, text: undefined };
    }
    return { status, headers: res.headers, text: await this.readBody(res) };
  }

  /** Closes idle connections and drops open ones. */
  close(): void {
    for (const agent of this.agents) agent.destroy();
  }

  // Over the limit (declared, or actual after decoding) is a malformed answer.
  private async readBody(res: IncomingMessage): Promise<string> {
    const max = this.maxResponseBytes;
    const declared = Number(res.headers['content-length'] ?? Number.NaN);
    if (declared > max) {
      res.destroy();
      throw new UpstreamError('malformed', `body of ${declared} bytes is over the limit of ${max}`);
    }
    const body = await decoded(res);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      // Async iteration throws when the stream errors or closes early (an abort, a reset): no silent truncation.
      for await (const chunk of body) {
        const bytes = chunk as Buffer;
        size += bytes.length;
        if (size > max) {
          body.destroy();
          res.destroy();
          throw new UpstreamError('malformed', `body is over the limit of ${max} bytes`);
        }
        chunks.push(bytes);
      }
    } catch (error) {
      // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR, ...) mean the bytes are not what their encoding says: the answer is broken, not the network.
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('Z_')) throw new UpstreamError('malformed', `body does not decode as ${res.headers['content-encoding']}`, { cause: error });
      throw error;
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  private https(): Promise<Requester> {
    this.secure ??= import('node:https').then((https) => this.requester(https.request, new https.Agent({ keepAlive: true })));
    return this.secure;
  }

  private requester(request: typeof http.request, agent: http.Agent): Requester {
    this.agents.push(agent);
    return (url, options, onResponse) => request(url, { ...options, agent }, onResponse);
  }
}

/** The body stream after undoing its `Content-Encoding` (one we asked for); errors on `res` reach the result. */
async function decoded(res: IncomingMessage): Promise<Readable> {
  const encoding = res.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return res;
  const zlib = await import('node:zlib');
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip() : encoding === 'br' ? zlib.createBrotliDecompress() : undefined;
  if (!decoder) {
    res.destroy();
    throw new UpstreamError('malformed', `body in an encoding that was not asked for (${encoding})`);
  }
  // The callback form: the decoder is destroyed with the error, which the reader's loop then throws.
  return pipeline(res, decoder, () => undefined);
}
