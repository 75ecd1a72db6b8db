/**
 * The locator: the one way resolvers turn a postal code into a `Place`.
 *
 * Where the cache layers meet, and why each exists:
 *  1. `normalize` rejects a malformed code before anything else is asked (`BAD_USER_INPUT`).
 *  2. The LRU (`lru-cache`, process-wide) keeps settled answers across requests: found places
 *     for `ttlMs`, not-found answers for the shorter `notFoundTtlMs`. Failures are never stored,
 *     so the next request tries again. A hit is answered without touching anything below.
 *  3. The LRU's `fetch` shares one in-flight lookup per key: concurrent requests (and repeated
 *     codes within one request) asking for a code not yet settled all await the same promise.
 *  4. A process-wide DataLoader (with its own cache off: the LRU is the cache) gathers the keys
 *     fetched within one tick, or within `batchWindowMs`, into one call of the geocoder chain,
 *     which splits it into each provider's largest allowed batches.
 * So each unique code reaches a provider at most once while it is cached or in flight, in as
 * few requests as the provider allows.
 */
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { AppError, isAppError, quoteInput } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GeocodeResult, Geocoder, Place } from './geocoder.js';
import { keyId, toPostalKey, type PostalKey } from './postal-code.js';

export interface LocatorOptions {
  /** Most settled answers kept. */
  readonly maxEntries: number;
  /** How long a found place is kept, in ms. */
  readonly ttlMs: number;
  /** How long a not-found answer is kept, in ms. */
  readonly notFoundTtlMs: number;
  /** How long to wait for more keys before calling the geocoder, in ms; 0 batches one tick. */
  readonly batchWindowMs: number;
  /** Clock for TTLs, in ms; tests inject one. Default `performance`. */
  readonly perf?: { now(): number };
}

/** What the LRU stores: only answers that settle the question. */
type Settled = Extract<GeocodeResult, { kind: 'found' | 'notFound' }>;

export class Locator {
  private readonly cache: LRUCache<string, Settled, PostalKey>;
  private readonly batcher: DataLoader<PostalKey, GeocodeResult>;

  constructor(
    readonly geocoder: Geocoder,
    options: LocatorOptions,
    private readonly logger: Logger,
  ) {
    this.batcher = new DataLoader((keys) => this.geocodeBatch(keys), {
      cache: false,
      maxBatchSize: geocoder.maxBatchSize,
      ...(options.batchWindowMs > 0 && {
        batchScheduleFn: (callback: () => void) => setTimeout(callback, options.batchWindowMs),
      }),
    });
    this.cache = new LRUCache<string, Settled, PostalKey>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      // An injected clock is read on every check rather than cached for a millisecond.
      ...(options.perf && { perf: options.perf, ttlResolution: 0 }),
      fetchMethod: async (_id, _stale, { options: entry, context: key }) => {
        const result = await this.batcher.load(key);
        if (result.kind === 'error') throw result.error;
        if (result.kind === 'notFound') entry.ttl = options.notFoundTtlMs;
        return result;
      },
    });
  }

  /**
   * Resolves a postal code as a user typed it. Never rejects: a failure comes back as the
   * `AppError` to show for it, so one bad code fails only the field that asked for it.
   */
  async locate(postalCode: string, countryCode: string): Promise<Place | AppError> {
    let key: PostalKey;
    try {
      key = toPostalKey(postalCode, countryCode);
    } catch (error) {
      if (isAppError(error)) return error;
      throw error;
    }
    return this.locateKey(key);
  }

  /** Resolves a key that is already normalized. Never rejects. */
  async locateKey(key: PostalKey): Promise<Place | AppError> {
    const id = keyId(key);
    let settled = this.cache.get(id);
    if (!settled) {
      try {
        settled = await this.cache.fetch(id, { context: key });
      } catch (error) {
        return isAppError(error) ? error : this.unexpected(error, key);
      }
    }
    if (settled?.kind === 'found') return settled.place;
    const reason = settled?.reason ? `: ${settled.reason}` : '';
    return new AppError('POSTAL_CODE_NOT_FOUND', `Postal code ${quoteInput(key.postalCode)} was not found in ${key.countryCode}${reason}.`);
  }

  // Private: one call of the geocoder for a batch; a geocoder that breaks its contract fails the batch, not the process.
  private async geocodeBatch(keys: readonly PostalKey[]): Promise<GeocodeResult[]> {
    try {
      const results = await this.geocoder.geocode(keys);
      if (results.length !== keys.length) throw new Error(`geocoder ${this.geocoder.name} answered ${results.length} results for ${keys.length} keys`);
      return [...results];
    } catch (error) {
      const failure = this.unexpected(error, undefined);
      return keys.map(() => ({ kind: 'error', error: failure }));
    }
  }

  // Private: logs an error no provider should raise and returns what the client sees instead.
  private unexpected(error: unknown, key: PostalKey | undefined): AppError {
    this.logger.error({ err: error, key }, 'geocoder failed unexpectedly');
    return new AppError('GEOCODER_UNAVAILABLE', 'The geocoding service failed; try again later.');
  }
}
