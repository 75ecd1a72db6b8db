/**
 * The base of every fake provider: a real `node:http` server on 127.0.0.1 (port 0) that records
 * each request (method, path, query, headers, body, the codes it asked for, and when it arrived,
 * server-side) and can be told to misbehave, once, several times, always, or for one code.
 * Each provider's file implements its wire contract on top.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The postal codes this request asked for, as the provider reads them. */
  readonly codes: readonly string[];
  /** When the request arrived (body read), `performance.now()` on the server. */
  readonly at: number;
}

export type Fault =
  /** Answer with this status and the provider's error body (5xx, 403, ...), optionally with `Retry-After`. */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  /** 429 with the provider's rate-limit headers, optionally with `Retry-After`. */
  | { readonly kind: 'rateLimit'; readonly retryAfter?: string }
  /** Drop the connection without answering. */
  | { readonly kind: 'reset' }
  /** 200 with a body that breaks the contract: cut-off JSON, the wrong shape, or coordinates that are not numbers in range. */
  | { readonly kind: 'malformed'; readonly variant?: 'truncated' | 'shape' | 'coordinates' }
  /** The right answer, one byte every `tickMs`. */
  | { readonly kind: 'trickle'; readonly tickMs: number }
  /** Wait `ms` more before answering normally. */
  | { readonly kind: 'latency'; readonly ms: number }
  /** The right answer, compressed with `deflate`, which the client never asks for. */
  | { readonly kind: 'unaskedEncoding' }
  /** Labelled `Content-Encoding: gzip`, but the bytes are not gzip. */
  | { readonly kind: 'corruptEncoding' }
  /** Answer for another code (single lookups) or another query (batches). */
  | { readonly kind: 'wrongCode' }
  /** A batch answer with one result too few. */
  | { readonly kind: 'wrongLength' }
  /** Geocodio: results that are not the postal code itself (a street on it, a neighbouring ZIP's centroid). */
  | { readonly kind: 'imprecise' };

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is; JSON unless the provider says otherwise in `headers`. */
  readonly body: string;
}

/** What a provider's handler sees of a request. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export abstract class FakeProvider {
  /** Added before every answer, in ms. */
  latencyMs = 0;
  /**
   * Compress answers with this encoding when the request's `Accept-Encoding` lists it, as the real
   * providers' front ends do; off by default, so the benchmarks' round trips stay as they were.
   */
  compression: 'gzip' | 'br' | undefined;
  /** Answers sent compressed (by `compression` or a fault). */
  compressedAnswers = 0;
  /** TCP connections accepted: keep-alive reuse shows as fewer connections than requests. */
  connections = 0;
  readonly requests: RecordedRequest[] = [];
  /** The most requests the server was handling at once. */
  maxInFlight = 0;
  private inFlight = 0;
  private server: http.Server | undefined;
  private baseUrl = '';
  private readonly queued: Fault[] = [];
  private standing: Fault | undefined;
  private readonly byCode = new Map<string, Fault>();

  /** `http://127.0.0.1:PORT`. */
  get url(): string {
    return this.baseUrl;
  }

  get requestCount(): number {
    return this.requests.length;
  }

  /** Every code asked, across requests, in order (repeats kept: a repeat is what tests look for). */
  get codesReceived(): string[] {
    return this.requests.flatMap((r) => r.codes);
  }

  /** Misbehave on the next `times` requests. */
  failNext(fault: Fault, times = 1): this {
    for (let i = 0; i < times; i++) this.queued.push(fault);
    return this;
  }

  /** Misbehave on every request until `heal()`. */
  failAlways(fault: Fault): this {
    this.standing = fault;
    return this;
  }

  /** Misbehave on every request that asks for this code. */
  failCode(postalCode: string, fault: Fault): this {
    this.byCode.set(postalCode, fault);
    return this;
  }

  heal(): this {
    this.queued.length = 0;
    this.standing = undefined;
    this.byCode.clear();
    return this;
  }

  /** Forgets recorded requests (faults stay). */
  forget(): this {
    this.requests.length = 0;
    this.maxInFlight = 0;
    this.compressedAnswers = 0;
    this.connections = 0;
    return this;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The codes a request asks for. */
  protected abstract codesOf(request: FakeRequest): string[];
  /** The answer to a request, following the wire contract (validation included); `fault` bends it. */
  protected abstract answer(request: FakeRequest, fault?: Fault): Reply;
  /** The body this provider sends with an error status. */
  protected abstract errorBody(status: number): string;
  /** A 200 whose body breaks the contract in the given way. */
  protected abstract malformedBody(request: FakeRequest, variant: 'truncated' | 'shape' | 'coordinates'): string;
  /**
   * Checks a provider makes before anything else (credentials, usage policy), on arrival;
   * a reply here is sent at once, ahead of any fault.
   */
  protected admit(_request: FakeRequest): Reply | undefined {
    return undefined;
  }
  /** Headers the provider sends on a 429 (and, for some, on every answer). */
  protected rateLimitHeaders(): Record<string, string> {
    return {};
  }

  // Private: reads, records, applies the fault, answers.
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const codes = this.codesOf(request);
    this.requests.push({ ...request, codes, at: performance.now() });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);

    const accepted = String(req.headers['accept-encoding'] ?? '').split(',').map((e) => e.trim().split(';')[0]);
    const encoding = this.compression && accepted.includes(this.compression) ? this.compression : undefined;
    const send = (res: ServerResponse, reply: Reply, as: Encoding | undefined = encoding): void => {
      if (as) this.compressedAnswers++;
      sendReply(res, reply, as);
    };
    const refused = this.admit(request);
    if (refused) return send(res, refused);
    const fault = this.queued.shift() ?? codes.map((code) => this.byCode.get(code)).find(Boolean) ?? this.standing;
    const delay = this.latencyMs + (fault?.kind === 'latency' ? fault.ms : 0);
    if (delay > 0) await sleep(delay);

    switch (fault?.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'status':
        return send(res, {
          status: fault.status,
          headers: { ...(fault.retryAfter && { 'retry-after': fault.retryAfter }) },
          body: this.errorBody(fault.status),
        });
      case 'rateLimit':
        return send(res, {
          status: 429,
          headers: { ...this.rateLimitHeaders(), ...(fault.retryAfter && { 'retry-after': fault.retryAfter }) },
          body: this.errorBody(429),
        });
      case 'malformed':
        return send(res, { status: 200, body: this.malformedBody(request, fault.variant ?? 'truncated') });
      case 'trickle':
        return trickle(res, this.answer(request), fault.tickMs);
      case 'unaskedEncoding':
        return send(res, this.answer(request), 'deflate');
      case 'corruptEncoding':
        return send(res, { ...this.answer(request), headers: { 'content-encoding': 'gzip' } }, undefined);
      default:
        return send(res, this.answer(request, fault));
    }
  }
}

const COMPRESS = { gzip: gzipSync, br: brotliCompressSync, deflate: deflateSync } as const;

type Encoding = keyof typeof COMPRESS;

function sendReply(res: ServerResponse, reply: Reply, encoding: Encoding | undefined): void {
  const body = encoding ? COMPRESS[encoding](reply.body) : Buffer.from(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    ...(encoding && { 'content-encoding': encoding, vary: 'Accept-Encoding' }),
    ...reply.headers,
  });
  res.end(body);
}

// Private: a valid answer sent one byte at a time, until done or the client gives up.
function trickle(res: ServerResponse, reply: Reply, tickMs: number): void {
  const bytes = Buffer.from(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length, ...reply.headers });
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= bytes.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(bytes.subarray(sent, sent + 1));
    sent++;
  }, tickMs);
  res.on('close', () => clearInterval(timer));
}
