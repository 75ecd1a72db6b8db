/**
 * One load run with autocannon: fixed connections for a fixed time, every request the same POST.
 * Latencies are collected from autocannon's per-response event rather than its histogram, which
 * records whole milliseconds; sub-millisecond differences matter here.
 */
import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface LoadOptions {
  readonly url: string;
  readonly body: string;
  readonly connections: number;
  readonly durationS: number;
  readonly headers?: Record<string, string>;
  /** Replace `[<id>]` in the body with a unique id on every request. */
  readonly idReplacement?: boolean;
  /** A new body for every request, instead of `body` (random codes, say, so that no cache can answer it). */
  readonly bodyFor?: () => string;
}

export interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  /** Latency percentiles, in ms, of 2xx responses. */
  readonly p50: number;
  readonly p99: number;
  /** Responses that were not 2xx, plus connection errors and timeouts. */
  readonly failures: number;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let finish!: (result: autocannon.Result) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // The callback form returns the instance, whose per-response events carry exact latencies.
  const autocannonOptions: autocannon.Options = {
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    connections: options.connections,
    duration: options.durationS,
    pipelining: 1,
    idReplacement: options.idReplacement ?? false,
    timeout: 10,
    ...(options.bodyFor && { requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: options.bodyFor!() }) }] }),
  };
  const instance = autocannon(autocannonOptions, (error: unknown, result) => (error ? fail(error) : finish(result)));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    else failures++;
  });
  const result = await done;
  failures += result.errors + result.timeouts;
  const sorted = Float64Array.from(latencies).sort();
  const seconds = result.duration > 0 ? result.duration : options.durationS;
  return { requests: latencies.length, rps: latencies.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures };
}
