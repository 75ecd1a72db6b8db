/**
 * The HTTP plumbing every remote geocoder shares: the transport (transport.ts) behind one resilience
 * policy per provider (resilience.ts). A call returns what the provider's parser made of an answer (a
 * status its contract defines as one, with its JSON body), or throws an `UpstreamError` or one of
 * cockatiel's (circuit open); failure.ts turns those into what clients see. The parser runs inside
 * the policy, so a malformed answer counts against the breaker (and, like a 4xx, is not retried).
 * URLs (which may carry an API key) and bodies are never logged nor traced: a request is named by its
 * label; each attempt, retries included, is a client span.
 */
import { isBrokenCircuitError, type CircuitState } from 'cockatiel';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { TraceSpan } from '../../observability/tracing.js';
import { parseRetryAfter } from './retry-after.js';
import { createResilience, type Resilience, type ResilienceOptions } from './resilience.js';
import { Transport, type Exchange } from './transport.js';
import { isUpstreamError, UpstreamError } from './upstream-error.js';

export interface UpstreamClientOptions {
  readonly provider: string;
  readonly logger: Logger;
  readonly resilience: ResilienceOptions;
  readonly headers: Readonly<Record<string, string>>;
  /** Largest body accepted, in bytes; a larger one is a malformed answer. */
  readonly maxResponseBytes: number;
  /** What an operator should do about a status (403: check the API key), logged at error level. */
  readonly statusHints?: Readonly<Partial<Record<number, string>>>;
  readonly metrics?: Metrics;
}

export interface UpstreamRequest {
  readonly url: URL;
  readonly method?: 'GET' | 'POST';
  /** A JSON body, sent with `Content-Type: application/json`. */
  readonly json?: unknown;
  /** Statuses the provider's contract defines as answers, whose body is parsed (e.g. 404 = unknown code). Default 200. */
  readonly answers?: readonly number[];
  /** Names the request in logs instead of its URL. */
  readonly label: string;
}

export interface UpstreamResponse {
  readonly status: number;
  /** The parsed JSON body, not yet validated. */
  readonly body: unknown;
}

const DEFAULT_ANSWERS: readonly number[] = [200];

export class UpstreamClient {
  private readonly resilience: Resilience;
  // Aborted on close, so shutdown does not wait for a slow provider or a pending retry.
  private readonly closing = new AbortController();
  private readonly transport: Transport;

  constructor(private readonly options: UpstreamClientOptions) {
    this.transport = new Transport(options.maxResponseBytes);
    this.resilience = createResilience(options.resilience, options.logger);
    const { metrics, provider } = options;
    if (metrics) {
      metrics.circuitState.set({ provider }, this.resilience.breaker.state);
      this.resilience.breaker.onStateChange((state) => metrics.circuitState.set({ provider }, state));
    }
  }

  get circuitState(): CircuitState {
    return this.resilience.breaker.state;
  }

  /**
   * Sends one request through the policy and parses its answer with `parse`, which throws a
   * `malformed` `UpstreamError` for a body that breaks the contract. Throws on anything but an answer.
   */
  async request<T>(request: UpstreamRequest, parse: (answer: UpstreamResponse) => T, span?: TraceSpan): Promise<T> {
    try {
      return await this.resilience.execute(
        async (signal) => (span ? this.tracedAttempt(request, parse, signal, span) : parseAnswer(await this.attempt(request, signal), parse)),
        this.closing.signal,
      );
    } catch (error) {
      this.logFailure(request, error, span);
      throw this.closing.signal.aborted && !isUpstreamError(error) ? new UpstreamError('cancelled', 'shutting down') : error;
    }
  }

  /** Abandons calls in flight and pending retries. */
  close(): void {
    this.closing.abort();
    this.transport.close();
  }

  // One attempt and its parsing as a client span: the status, or how it failed as `error.type`.
  private async tracedAttempt<T>(request: UpstreamRequest, parse: (answer: UpstreamResponse) => T, signal: AbortSignal, parent: TraceSpan): Promise<T> {
    const method = request.method ?? 'GET';
    const { url } = request;
    const span = parent.child(method, {
      kind: 'client',
      attributes: {
        'http.request.method': method,
        'server.address': url.hostname,
        'server.port': url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
        'geocoder.provider': this.options.provider,
      },
    });
    try {
      const answer = await this.attempt(request, signal);
      span.setAttribute('http.response.status_code', answer.status);
      const parsed = parseAnswer(answer, parse);
      span.end();
      return parsed;
    } catch (error) {
      if (isUpstreamError(error) && error.status !== undefined) span.setAttribute('http.response.status_code', error.status);
      span.end(isUpstreamError(error) ? (error.failure === 'status' ? String(error.status) : error.failure) : 'network');
      throw error;
    }
  }

  private async attempt(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    const { metrics, provider } = this.options;
    try {
      const response = await this.send(request, signal);
      metrics?.externalRequests.inc({ provider, outcome: String(response.status) });
      return response;
    } catch (error) {
      const outcome = isUpstreamError(error) ? (error.status === undefined ? error.failure : String(error.status)) : 'network';
      metrics?.externalRequests.inc({ provider, outcome });
      throw error;
    }
  }

  // From sending the request to the last byte of the body, under the timeout's signal.
  private async send(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    const answers = request.answers ?? DEFAULT_ANSWERS;
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    let exchange: Exchange;
    try {
      exchange = await this.transport.exchange({
        url: request.url,
        method: request.method ?? 'GET',
        headers,
        ...(request.json !== undefined && { body: JSON.stringify(request.json) }),
        signal,
        readsBody: (status) => answers.includes(status),
      });
    } catch (error) {
      throw this.transportFailure(error, signal);
    }
    const { status, text } = exchange;
    if (text === undefined) {
      const retryAfter = exchange.headers['retry-after'];
      throw new UpstreamError('status', `HTTP ${status}`, { status, retryAfterMs: parseRetryAfter(retryAfter, Date.now()) });
    }
    try {
      return { status, body: JSON.parse(text) as unknown };
    } catch {
      throw new UpstreamError('malformed', `HTTP ${status} with a body that is not JSON (${text.length} characters)`);
    }
  }

  // What a failed exchange means: our timeout, our shutdown, or the network.
  private transportFailure(error: unknown, signal: AbortSignal): UpstreamError {
    if (isUpstreamError(error)) return error;
    if (this.closing.signal.aborted) return new UpstreamError('cancelled', 'shutting down', { cause: error });
    if (signal.aborted) return new UpstreamError('timeout', `no complete answer within ${this.options.resilience.timeoutMs} ms`, { cause: error });
    // Node's client puts the system error's code (ECONNREFUSED, ECONNRESET) on the error itself.
    const code = (error as { code?: unknown }).code;
    const name = typeof code === 'string' ? code : (error as Error).name;
    return new UpstreamError('network', `network error (${name})`, { cause: error });
  }

  // One log line per failed call (after retries), at a level that says whether an operator must act.
  private logFailure(request: UpstreamRequest, error: unknown, span: TraceSpan | undefined): void {
    const { logger, statusHints } = this.options;
    const traced = span && { trace_id: span.traceId, span_id: span.spanId };
    if (isBrokenCircuitError(error)) {
      logger.debug({ request: request.label, ...traced }, 'failed fast: the circuit is open');
      return;
    }
    if (!isUpstreamError(error)) {
      logger.warn({ request: request.label, err: error, ...traced }, 'request failed');
      return;
    }
    const details = { request: request.label, failure: error.failure, status: error.status, ...traced };
    const hint = error.status === undefined ? undefined : statusHints?.[error.status];
    if (hint) logger.error(details, hint);
    else if (error.failure === 'status' && error.status !== undefined && error.status >= 300 && error.status < 400) {
      // Not followed on purpose: a redirect would carry the request, API key included, wherever it points.
      logger.error(details, `the provider redirected the request (HTTP ${error.status}), and redirects are not followed: check its configured URL (https, host, path)`);
    } else if (error.failure === 'status' && error.status !== undefined && error.status < 500 && error.status !== 429) {
      logger.error(details, `the provider rejected the request (HTTP ${error.status}); this needs a fix here, not a retry`);
    } else if (error.failure === 'cancelled') logger.debug(details, 'request abandoned: shutting down');
    else logger.warn(details, `request failed: ${error.message}`);
  }
}

/** Runs a provider's parser; a parser that throws anything but an `UpstreamError` still yields a malformed answer, never a crash. */
function parseAnswer<T>(answer: UpstreamResponse, parse: (answer: UpstreamResponse) => T): T {
  try {
    return parse(answer);
  } catch (error) {
    if (isUpstreamError(error)) throw error;
    throw new UpstreamError('malformed', 'the parser failed on the answer', { cause: error });
  }
}
