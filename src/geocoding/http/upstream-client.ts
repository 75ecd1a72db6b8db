/**
 * The HTTP plumbing every remote geocoder shares: Node's global `fetch` (undici) behind one
 * resilience policy per provider (`resilience.ts`). A call either returns what the provider's
 * parser made of an answer (a status its contract defines as one, with its JSON body), or throws:
 * an `UpstreamError`, or one of cockatiel's (circuit open, cancelled). `failure.ts` turns those
 * into what clients see. The parser runs inside the policy, so a malformed answer counts against
 * the circuit breaker like any other provider fault (and, like a 4xx, is not retried).
 *
 * Never logged: URLs (they may carry an API key) and bodies; requests are named by a label.
 */
import { isBrokenCircuitError, type CircuitState } from 'cockatiel';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { parseRetryAfter } from './retry-after.js';
import { createResilience, type Resilience, type ResilienceOptions } from './resilience.js';
import { isUpstreamError, UpstreamError } from './upstream-error.js';

export interface UpstreamClientOptions {
  /** The provider's name, in logs. */
  readonly provider: string;
  readonly logger: Logger;
  readonly resilience: ResilienceOptions;
  /** Sent with every request (`User-Agent` and the like). */
  readonly headers: Readonly<Record<string, string>>;
  /** Largest body accepted, in bytes; a larger one is a malformed answer. */
  readonly maxResponseBytes: number;
  /**
   * What an operator should do about a status, logged at error level when it happens
   * (e.g. 403 from Geocodio: check the API key and quota).
   */
  readonly statusHints?: Readonly<Partial<Record<number, string>>>;
  /** Where request outcomes and the circuit's state go; none in unit tests. */
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
  // Private: aborted on close, so shutdown does not wait for a slow provider or a pending retry.
  private readonly closing = new AbortController();

  constructor(private readonly options: UpstreamClientOptions) {
    this.resilience = createResilience(options.resilience, options.logger);
    const { metrics, provider } = options;
    if (metrics) {
      metrics.circuitState.set({ provider }, this.resilience.breaker.state);
      this.resilience.breaker.onStateChange((state) => metrics.circuitState.set({ provider }, state));
    }
  }

  /** The circuit's state, for readiness reports and tests. */
  get circuitState(): CircuitState {
    return this.resilience.breaker.state;
  }

  /**
   * Sends one request through the policy and parses its answer with `parse`, which throws an
   * `UpstreamError` (`malformed`) for a body that breaks the contract. Throws on anything but an
   * answer; see the module comment.
   */
  async request<T>(request: UpstreamRequest, parse: (answer: UpstreamResponse) => T): Promise<T> {
    try {
      return await this.resilience.execute(async (signal) => parseAnswer(await this.attempt(request, signal), parse), this.closing.signal);
    } catch (error) {
      this.logFailure(request, error);
      throw this.closing.signal.aborted && !isUpstreamError(error) ? new UpstreamError('cancelled', 'shutting down') : error;
    }
  }

  /** Abandons calls in flight and pending retries. */
  close(): void {
    this.closing.abort();
  }

  // Private: one attempt, counted by its outcome (the HTTP status, or how it failed).
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

  // Private: from sending the request to the last byte of the body, under the timeout's signal.
  private async send(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(request.url, {
        method: request.method ?? 'GET',
        headers,
        ...(request.json !== undefined && { body: JSON.stringify(request.json) }),
        signal,
      });
      if (!(request.answers ?? DEFAULT_ANSWERS).includes(response.status)) {
        // Not read: an error page may be large, and nothing in it reaches anyone.
        await response.body?.cancel().catch(() => undefined);
        throw new UpstreamError('status', `HTTP ${response.status}`, {
          status: response.status,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
        });
      }
      text = await readText(response, this.options.maxResponseBytes);
    } catch (error) {
      throw this.transportFailure(error, signal);
    }
    try {
      return { status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      throw new UpstreamError('malformed', `HTTP ${response.status} with a body that is not JSON (${text.length} characters)`);
    }
  }

  // Private: names what a thrown fetch or body read means: our timeout, our shutdown, or the network.
  private transportFailure(error: unknown, signal: AbortSignal): UpstreamError {
    if (isUpstreamError(error)) return error;
    if (this.closing.signal.aborted) return new UpstreamError('cancelled', 'shutting down', { cause: error });
    if (signal.aborted) return new UpstreamError('timeout', `no complete answer within ${this.options.resilience.timeoutMs} ms`, { cause: error });
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : (error as Error).name;
    return new UpstreamError('network', `network error (${code})`, { cause: error });
  }

  // Private: one log line per failed call (after retries), at a level that says whether an operator must act.
  private logFailure(request: UpstreamRequest, error: unknown): void {
    const { logger, statusHints } = this.options;
    if (isBrokenCircuitError(error)) {
      logger.debug({ request: request.label }, 'failed fast: the circuit is open');
      return;
    }
    if (!isUpstreamError(error)) {
      logger.warn({ request: request.label, err: error }, 'request failed');
      return;
    }
    const details = { request: request.label, failure: error.failure, status: error.status };
    const hint = error.status === undefined ? undefined : statusHints?.[error.status];
    if (hint) logger.error(details, hint);
    else if (error.failure === 'status' && error.status !== undefined && error.status < 500 && error.status !== 429) {
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

/** Reads a body as UTF-8, refusing one larger than `maxBytes` (declared or actual). */
async function readText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new UpstreamError('malformed', `body of ${declared} bytes is over the limit of ${maxBytes}`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new UpstreamError('malformed', `body is over the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
