/**
 * The locator: the one way resolvers turn a postal code into a `Place` (the layers in order:
 * docs/architecture.md, A postal code). `memory` (the embedded data heading the chain) answers first,
 * synchronously. Two LRUs keep settled answers across requests, not-found ones in a smaller LRU of
 * their own so made-up codes cannot evict real ones; failures are never stored. Misses go to a
 * process-wide DataLoader whose cache holds only lookups in flight, so each unique code reaches a
 * provider at most once while cached or in flight. A fresh hit is a plain value, not a promise:
 * graphql-js then makes none per item.
 *
 * Stale-on-error: an expired entry stays; when its refetch fails it is served, while at most
 * `staleMaxMs` past its TTL, to every caller waiting, each told through its `StaleListener`. The
 * LRU's own `fetch` is not used for in-flight sharing: it makes an `AbortController` per code. A
 * batch's span is under the first sampled request that joined it (docs/operations.md, The spans).
 */
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { AppError, isAppError, quoteInput } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MaybePromise } from '../maybe-promise.js';
import type { Metrics } from '../observability/metrics.js';
import type { RequestTrace, TraceSpan } from '../observability/tracing.js';
import type { Place } from '../postal/place.js';
import { keyId, toPostalKey, type PostalKey } from '../postal/postal-code.js';
import type { GeocodeResult, Geocoder, Settled } from './geocoder.js';
import { defineSettings, int, ms } from '../settings.js';
import type { WorkBudget } from '../work-budget.js';

const DAY_MS = 86_400_000;

export const locatorSettings = defineSettings({
  title: 'In-process cache and batching',
  variables: {
    CACHE_MAX_ENTRIES: int(1, 100_000_000, 100_000).describe('Most found locations kept in the in-process LRU.'),
    CACHE_MAX_BYTES: int(1_024, 68_719_476_736, 64 * 1024 * 1024).describe(
      'Most bytes of found locations kept in the in-process LRU (default 64 MiB), estimated from their strings; whichever of this and CACHE_MAX_ENTRIES is reached first evicts.',
    ),
    CACHE_NOT_FOUND_MAX_ENTRIES: int(1, 100_000_000, 10_000).describe(
      'Most not-found answers kept, in an LRU of their own: unknown codes never evict found ones.',
    ),
    CACHE_TTL_MS: ms(1, 365 * DAY_MS, DAY_MS).describe('How long a found location is kept, in ms (default 1 day).'),
    CACHE_NOT_FOUND_TTL_MS: ms(1, 365 * DAY_MS, 3_600_000).describe('How long a not-found answer is kept, in ms (default 1 hour).'),
    CACHE_STALE_MAX_MS: ms(0, 365 * DAY_MS, 7 * DAY_MS).describe(
      'How long past its TTL an answer may still be served, with a STALE_LOCATION warning, while the geocoder fails, in ms (default 7 days; 0 never).',
    ),
    BATCH_WINDOW_MS: ms(0, 1_000, 0).describe('How long lookups from concurrent operations wait to share one geocoder batch, in ms (0: one tick).'),
  },
  read: (env) => ({
    maxEntries: env.CACHE_MAX_ENTRIES,
    maxBytes: env.CACHE_MAX_BYTES,
    notFoundMaxEntries: env.CACHE_NOT_FOUND_MAX_ENTRIES,
    ttlMs: env.CACHE_TTL_MS,
    notFoundTtlMs: env.CACHE_NOT_FOUND_TTL_MS,
    staleMaxMs: env.CACHE_STALE_MAX_MS,
    batchWindowMs: env.BATCH_WINDOW_MS,
  }),
});

export interface LocatorOptions {
  readonly maxEntries: number;
  /** Most bytes of found places kept (estimated, see `entryBytes`). Default: no bound but `maxEntries`. */
  readonly maxBytes?: number;
  /** Most not-found answers kept, apart from the found ones. Default: `maxEntries`. */
  readonly notFoundMaxEntries?: number;
  readonly ttlMs: number;
  readonly notFoundTtlMs: number;
  readonly batchWindowMs: number;
  /** How long past its TTL an answer may be served while the geocoder fails, in ms; 0 never. Default 0. */
  readonly staleMaxMs?: number;
  /** Clock for TTLs, in ms; tests inject one. Default `performance`. */
  readonly clock?: Clock;
  readonly metrics?: Metrics;
  readonly memory?: Memory | undefined;
}

/** Codes held in memory, asked first, with no LRU in front. `final`: no provider follows, so a code it lacks is not found. */
export interface Memory {
  /** The place; null when memory does not hold the code; undefined until the data is loaded. */
  locate(key: PostalKey): Place | null | undefined;
  /** Why a code of this country is not found in memory, when it holds no code of it. */
  missingReason(countryCode: string): string | undefined;
  readonly final: boolean;
}

export interface OperationLookups {
  readonly listener?: StaleListener;
  /** Most distinct codes the operation may look up (MAX_POSTAL_CODES). */
  readonly maxCodes?: number;
  readonly trace?: RequestTrace | undefined;
  /** Charged one unit per lookup. */
  readonly budget?: WorkBudget | undefined;
}

/** Told when a lookup is answered with an expired answer because the geocoder failed. */
export interface StaleListener {
  staleLocation(key: PostalKey): void;
}

export type Located = Place | AppError;

/** One operation's lookups (`Locator.forOperation`): never reject; synchronous when in memory or cached and fresh. */
export interface Lookups {
  locate(postalCode: string, countryCode: string): MaybePromise<Located>;
}

/** What the LRU stores: only answers that settle the question, with when they stop being fresh. */
interface Entry {
  readonly result: Settled;
  /** When the entry's TTL ends, on the cache's clock, in ms. */
  readonly freshUntil: number;
}

/** What a lookup in flight settles to. A failure is wrapped: DataLoader rejects a key whose value is an `Error`. */
type Answer = Entry | { readonly failure: AppError };

export class Locator {
  private readonly found: LRUCache<string, Entry>;
  private readonly notFound: LRUCache<string, Entry>;
  private readonly batcher: DataLoader<PostalKey, Answer, string>;
  /** The DataLoader's cache (codes in flight), held here so a traced lookup can tell whether it starts a lookup or joins one. */
  private readonly inFlight = new Map<string, Promise<Answer>>();
  /** The spans of the traced requests that put a code in the batch being gathered; taken by the batch when it starts. */
  private readonly joining = new Set<TraceSpan>();
  private readonly clock: Clock;
  private readonly metrics: Metrics | undefined;
  // Plain counts, added to the Prometheus counter when it is read (metrics.ts says why).
  private readonly lookups: { hit: number; miss: number; memory: number } | undefined;
  private readonly memory: Memory | undefined;

  constructor(
    readonly geocoder: Geocoder,
    private readonly options: LocatorOptions,
    private readonly logger: Logger,
  ) {
    this.memory = options.memory;
    this.batcher = new DataLoader((keys) => this.settleBatch(keys), {
      cacheKeyFn: keyId,
      cacheMap: this.inFlight,
      ...(options.batchWindowMs > 0 && {
        batchScheduleFn: (callback: () => void) => setTimeout(callback, options.batchWindowMs),
      }),
    });
    this.clock = options.clock ?? performance;
    this.metrics = options.metrics;
    this.lookups = options.metrics?.locationLookups;
    const shared = {
      ttl: options.ttlMs,
      // An injected clock is read on every check rather than cached for a millisecond.
      ...(options.clock && { perf: options.clock, ttlResolution: 0 }),
      // Expired entries stay until evicted or replaced: they are what stale-on-error serves.
      noDeleteOnStaleGet: true,
      ...(options.metrics && {
        dispose: (_value: Entry, _id: string, reason: LRUCache.DisposeReason) => {
          if (reason === 'evict') options.metrics?.locationCache.inc({ event: 'eviction' });
        },
      }),
    };
    this.found = new LRUCache<string, Entry>({
      ...shared,
      max: options.maxEntries,
      ...(options.maxBytes !== undefined && { maxSize: options.maxBytes, sizeCalculation: entryBytes }),
    });
    this.notFound = new LRUCache<string, Entry>({ ...shared, max: options.notFoundMaxEntries ?? options.maxEntries });
  }

  /**
   * The lookups of one operation, each charged to its budget; past `maxCodes` distinct codes each
   * fails with `TOO_MANY_POSTAL_CODES`, so aliases or lists cannot run up a paid geocoder's bill.
   */
  forOperation({ listener, maxCodes = Number.POSITIVE_INFINITY, trace, budget }: OperationLookups = {}): Lookups {
    const codes = new Set<string>();
    return {
      locate: (postalCode, countryCode) => {
        const key = parseKey(postalCode, countryCode);
        if (isAppError(key)) return key;
        if (budget && !budget.take(1)) return budget.error();
        const id = keyId(key);
        if (!codes.has(id)) {
          if (codes.size >= maxCodes) return new AppError('TOO_MANY_POSTAL_CODES', `This operation asks for more than ${maxCodes} distinct postal codes; split it into smaller operations.`);
          codes.add(id);
        }
        return this.lookup(key, id, listener, trace);
      },
    };
  }

  /** An answer from memory or a fresh hit, at once; anything else waits for the DataLoader. */
  private lookup(key: PostalKey, id: string, listener: StaleListener | undefined, trace: RequestTrace | undefined): MaybePromise<Located> {
    const memory = this.memory;
    if (memory) {
      const place = memory.locate(key);
      if (place || (place === null && memory.final)) {
        if (this.lookups) this.lookups.memory++;
        this.metrics?.countLookup('embedded', place ? 'found' : 'notFound');
        return place ?? notFoundError(key, memory.missingReason(key.countryCode));
      }
    }
    const entry = this.found.get(id) ?? this.notFound.get(id);
    if (entry) {
      if (this.lookups) this.lookups.hit++;
      return meaning(entry.result, key);
    }
    if (this.lookups) this.lookups.miss++;
    if (trace !== undefined && !this.inFlight.has(id)) this.joining.add(trace.current);
    return this.load(key, listener);
  }

  private async load(key: PostalKey, listener: StaleListener | undefined): Promise<Located> {
    let answer: Answer;
    try {
      answer = await this.batcher.load(key);
    } catch (error) {
      // settleBatch never rejects; this is the contract's last line ("never rejects"), not a path.
      return this.unexpected(error, key);
    }
    if ('failure' in answer) return answer.failure;
    // Only a failed lookup can hand back an expired entry; a hit never does.
    if (answer.freshUntil <= this.clock.now()) {
      this.metrics?.locationCache.inc({ event: 'stale' });
      listener?.staleLocation(key);
    }
    return meaning(answer.result, key);
  }

  /** One geocoder call; settled answers go into the LRU as keys leave the in-flight cache, so a lookup finds one or the other. */
  private async settleBatch(keys: readonly PostalKey[]): Promise<Answer[]> {
    const span = this.joining.size > 0 ? this.startBatchSpan(keys) : undefined;
    const results = await this.geocodeBatch(keys, span);
    const now = this.clock.now();
    const { ttlMs, notFoundTtlMs, staleMaxMs = 0 } = this.options;
    let stale = 0;
    const answers = keys.map((key, i): Answer => {
      const id = keyId(key);
      this.batcher.clear(key);
      const result = results[i]!;
      if (result.kind !== 'error') {
        const ttl = result.kind === 'notFound' ? notFoundTtlMs : ttlMs;
        const entry = { result, freshUntil: now + ttl };
        (result.kind === 'found' ? this.found : this.notFound).set(id, entry, { ttl });
        // A code that was not found and now is (or the reverse) must not be answered by its old entry.
        (result.kind === 'found' ? this.notFound : this.found).delete(id);
        return entry;
      }
      const expired = staleMaxMs > 0 ? (this.found.get(id, { allowStale: true }) ?? this.notFound.get(id, { allowStale: true })) : undefined;
      if (expired && now - expired.freshUntil <= staleMaxMs) {
        this.logger.warn({ key, code: result.error.code, ...(span && { trace_id: span.traceId, span_id: span.spanId }) }, 'the geocoder failed: serving the expired answer');
        stale++;
        return expired;
      }
      return { failure: result.error };
    });
    if (span) endBatchSpan(span, results, stale);
    return answers;
  }

  /** Under the first sampled request that joined the batch, linked to the others; none if none is sampled. */
  private startBatchSpan(keys: readonly PostalKey[]): TraceSpan | undefined {
    const joined = [...this.joining];
    this.joining.clear();
    const parent = joined.find((span) => span.sampled);
    return parent?.child('geocoder batch', {
      attributes: {
        'geocoder.provider': this.geocoder.name,
        'geocoder.codes': keys.length,
        'geocoder.requests': joined.length,
        // Without a shared cache every code goes to the providers; shared-cache.ts sets its own.
        'geocoder.cache.hits': 0,
        'geocoder.cache.misses': keys.length,
      },
      links: joined.filter((span) => span !== parent),
    });
  }

  /** One call of the geocoder for a batch; a geocoder that breaks its contract fails the batch, not the process. */
  private async geocodeBatch(keys: readonly PostalKey[], span: TraceSpan | undefined): Promise<readonly GeocodeResult[]> {
    this.metrics?.geocoderBatchSize.observe(keys.length);
    this.metrics?.locationCacheEntries.set(this.found.size + this.notFound.size);
    try {
      const results = await this.geocoder.geocode(keys, span);
      if (results.length !== keys.length) throw new Error(`geocoder ${this.geocoder.name} answered ${results.length} results for ${keys.length} keys`);
      return results;
    } catch (error) {
      const failure = this.unexpected(error, undefined, span);
      return keys.map(() => ({ kind: 'error', error: failure }));
    }
  }

  /** Logs an error no provider should raise and returns what the client sees instead. */
  private unexpected(error: unknown, key: PostalKey | undefined, span?: TraceSpan): AppError {
    this.logger.error({ err: error, key, ...(span && { trace_id: span.traceId, span_id: span.spanId }) }, 'geocoder failed unexpectedly');
    return new AppError('GEOCODER_UNAVAILABLE', 'The geocoding service failed; try again later.');
  }
}

/** Ends a batch's span with what its codes came to: `ok` (all settled), `partial` or `error` (none settled). */
function endBatchSpan(span: TraceSpan, results: readonly GeocodeResult[], stale: number): void {
  let found = 0;
  let failed = 0;
  for (const result of results) {
    if (result.kind === 'found') found++;
    else if (result.kind === 'error') failed++;
  }
  const outcome = failed === 0 ? 'ok' : failed === results.length ? 'error' : 'partial';
  span.setAttributes({ 'geocoder.found': found, 'geocoder.not_found': results.length - found - failed, 'geocoder.failed': failed, 'geocoder.stale': stale, 'geocoder.outcome': outcome });
  span.end(outcome === 'ok' ? undefined : results.find((r) => r.kind === 'error')?.error.code);
}

/** Bytes an entry holds, roughly: the objects and the LRU's slots, plus its strings at two bytes a character. */
function entryBytes(entry: Entry, id: string): number {
  const { result } = entry;
  if (result.kind !== 'found') return 200 + 2 * id.length;
  const { place } = result;
  const text = id.length + place.postalCode.length + place.matchedPostalCode.length + (place.placeName?.length ?? 0) + (place.adminName?.length ?? 0) + (place.adminCode?.length ?? 0);
  return 300 + 2 * text;
}

function meaning(settled: Settled, key: PostalKey): Located {
  return settled.kind === 'found' ? settled.place : notFoundError(key, settled.reason);
}

function notFoundError(key: PostalKey, reason: string | undefined): AppError {
  return new AppError('POSTAL_CODE_NOT_FOUND', `Postal code ${quoteInput(key.postalCode)} was not found in ${key.countryCode}${reason ? `: ${reason}` : ''}.`);
}

/** A normalized key, or the `BAD_USER_INPUT` error that says why the input is not one. */
function parseKey(postalCode: string, countryCode: string): PostalKey | AppError {
  try {
    return toPostalKey(postalCode, countryCode);
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
}
