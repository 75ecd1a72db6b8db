/**
 * Whole responses for repeated identical requests, in front of Apollo Server, kept as a CDN would by the service's own
 * `Cache-Control`: a router asks the same `_entities` again and again, and executing and serializing is most of a warm
 * request's cost (docs/performance.md).
 *  - Only a 200 whose policy is public with `maxAge` N > 0 is kept (nothing with an error, a warning or no hint), for at
 *    most the smaller of N seconds and `ttlMs`; `Age` says how old.
 *  - Keyed by a SHA-256 of the exact body and the `Accept` header: nothing else in a request changes the response.
 *  - Admitted on a request's second sighting among the last `admissionWindow` to twice as many distinct ones: two Sets
 *    taking turns, so all-new traffic costs a digest per request, not a stored response nor an LRU's bookkeeping.
 *  - An inline-trace request (`apollo-federation-include-trace`) always executes: a trace is never a replay.
 *  - Bounded in bytes (`maxBytes`, keys included), least recently used out first; a response over a sixteenth is not kept.
 * A hit skips Apollo's plugins, so the HTTP layer counts it itself.
 */
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock.js';
import type { ResponsePolicy } from '../../graphql/operation/cache-policy.js';
import { defineSettings, int, ms } from '../../settings.js';
import type { Encoding } from './compression.js';

export const responseCacheSettings = defineSettings({
  title: 'Response cache',
  variables: {
    RESPONSE_CACHE_MAX_BYTES: int(0, 4_294_967_295, 16 * 1024 * 1024).describe(
      'Most bytes of requests and responses kept for repeated identical requests (default 16 MiB); 0 turns the cache off.',
    ),
    RESPONSE_CACHE_TTL_MS: ms(1, 365 * 86_400_000, 60_000).describe("Longest a response is kept, in ms; never past its Cache-Control max-age nor CACHE_TTL_MS."),
  },
  read: (env) => ({ maxBytes: env.RESPONSE_CACHE_MAX_BYTES, ttlMs: env.RESPONSE_CACHE_TTL_MS }),
});

export interface ResponseCacheOptions {
  /** Most bytes of keys and bodies kept (strings counted as their length). Must be > 0. */
  readonly maxBytes: number;
  readonly ttlMs: number;
  /** How many distinct recent requests are remembered (by digest) to admit a repeated one: between this and twice as many. Default 10,000. */
  readonly admissionWindow?: number;
  readonly clock?: Clock;
}

export interface CachedResponse {
  readonly status: number;
  /** The response headers as Apollo set them, `Cache-Control` included. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
  readonly operation: string;
  /** When it was stored, on the cache's clock, in ms (for `Age`). */
  readonly storedAt: number;
  /** The body compressed, by encoding, made on the first hit that asks for one (not counted in `maxBytes`: smaller than the body). */
  readonly encoded: Partial<Record<Encoding, Buffer>>;
}

export interface RequestForCache {
  readonly method?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Bytes counted for an entry beyond its strings: headers, the entry and the LRU's bookkeeping. */
const ENTRY_OVERHEAD = 256;

export class ResponseCache {
  private readonly entries: LRUCache<string, CachedResponse>;
  /** Keys of requests seen recently, whether or not their response is kept: this generation and the one before. */
  private seen = new Set<string>();
  private seenBefore = new Set<string>();
  private readonly admissionWindow: number;
  private readonly clock: Clock;
  private dataVersion = 0;

  constructor(private readonly options: ResponseCacheOptions) {
    if (!(options.maxBytes > 0)) throw new RangeError(`maxBytes must be positive, got ${options.maxBytes}`);
    this.clock = options.clock ?? performance;
    this.entries = new LRUCache<string, CachedResponse>({
      maxSize: options.maxBytes,
      maxEntrySize: Math.max(1, Math.floor(options.maxBytes / 16)),
      sizeCalculation: (entry, key) => key.length + entry.body.length + ENTRY_OVERHEAD,
      ...(options.clock && { perf: options.clock, ttlResolution: 0 }),
    });
    this.admissionWindow = options.admissionWindow ?? 10_000;
  }

  get bytes(): number {
    return this.entries.calculatedSize;
  }

  /** The key of a request, or `null` when it must execute (not a POST, or asking for a trace); `rawBody` as received. */
  keyOf(request: RequestForCache, rawBody: Buffer | undefined): string | null {
    if (request.method !== 'POST' || rawBody === undefined || request.headers['apollo-federation-include-trace'] !== undefined) return null;
    const accept = request.headers.accept;
    // The accept header cannot contain a newline, so the parts cannot run into each other.
    return `${this.dataVersion}\n${typeof accept === 'string' ? accept : ''}\n${hash('sha256', rawBody, 'base64')}`;
  }

  get(key: string): CachedResponse | undefined {
    return this.entries.get(key);
  }

  /**
   * Drops every response (their data was replaced). Keys carry the number of clears, so a response still being
   * computed from the old data is stored under a key no later request asks for.
   */
  clear(): void {
    this.dataVersion++;
    this.entries.clear();
  }

  ageSeconds(entry: CachedResponse): number {
    return Math.max(0, Math.floor((this.clock.now() - entry.storedAt) / 1000));
  }

  /** Keeps a response if its status and cache policy allow and its request was seen before; says whether it did. */
  offer(key: string, response: OfferedResponse): boolean {
    const { status, policy } = response;
    if (status !== 200 || policy.maxAge <= 0 || policy.scope !== 'PUBLIC') return false;
    if (!this.seen.has(key) && !this.seenBefore.has(key)) {
      if (this.seen.size >= this.admissionWindow) {
        this.seenBefore = this.seen;
        this.seen = new Set();
      }
      this.seen.add(key);
      return false;
    }
    const ttl = Math.min(policy.maxAge * 1000, this.options.ttlMs);
    const entry = { status, headers: [...response.headers], body: response.body, operation: response.operation, storedAt: this.clock.now(), encoded: {} };
    this.entries.set(key, entry, { ttl });
    return this.entries.has(key);
  }
}

/** A response Apollo has just sent, with what its plugins decided about it. */
export interface OfferedResponse {
  readonly status: number;
  readonly headers: Iterable<readonly [string, string]>;
  readonly body: string;
  /** The cache policy the cache-control plugin gave it (and wrote as `Cache-Control`). */
  readonly policy: ResponsePolicy;
  readonly operation: string;
}
