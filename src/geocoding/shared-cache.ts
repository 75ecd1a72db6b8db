/**
 * A second-level cache shared by every replica: a `Geocoder` decorator that keeps settled answers
 * in Redis, so a fleet behind a router asks the external geocoder once per code, not once per
 * replica. It sits below each replica's in-process LRU (see locator.ts), so Redis is asked only
 * for codes a replica does not already hold, one `MGET` per batch.
 *
 * Concurrent misses across replicas: the first replica to miss a code takes a short lease on it
 * (`SET NX PX`) and asks the geocoder; the others poll for its answer until the lease ends.
 *
 * Redis is an optimisation, never a dependency: every Redis failure or timeout falls through to
 * the wrapped geocoder, is counted, and is logged once per outage.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { defineSettings, ms } from '../settings.js';
import type { DatasetsReport, GeocodeResult, Geocoder, Settled } from './geocoder.js';
import { keyId, type PostalKey } from './postal-code.js';

export const sharedCacheSettings = defineSettings({
  title: 'Shared cache (Redis), for several replicas',
  variables: {
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, message: 'a redis:// or rediss:// URL' })
      .optional()
      .describe('A shared second-level cache for several replicas, e.g. redis://host:6379. Unset: in-process cache only.'),
    REDIS_KEY_PREFIX: z.string().min(1).default('postal-distance:v1:').describe('Prefix of every key; bump its version when the stored shape changes.'),
    REDIS_TIMEOUT_MS: ms(1, 60_000, 100).describe('Longest wait for one Redis command before falling back to the geocoder, in ms.'),
    REDIS_LEASE_MS: ms(1, 600_000, 10_000).describe('How long one replica may hold a code while fetching it; others wait for its answer at most this long, in ms.'),
    REDIS_POLL_MS: ms(1, 10_000, 25).describe("How often a replica waiting on another's fetch looks for the answer, in ms."),
  },
  read: (env) =>
    env.REDIS_URL === undefined
      ? undefined
      : { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, timeoutMs: env.REDIS_TIMEOUT_MS, leaseMs: env.REDIS_LEASE_MS, pollMs: env.REDIS_POLL_MS },
});

export interface SharedCacheOptions {
  readonly url: string;
  /** Key prefix; bump its version when the stored shape changes. */
  readonly keyPrefix: string;
  /** How long a found place is kept, in ms. */
  readonly ttlMs: number;
  /** How long a not-found answer is kept, in ms. */
  readonly notFoundTtlMs: number;
  /** Longest wait for one Redis command, in ms; past it the command counts as failed. */
  readonly timeoutMs: number;
  /** How long a replica may hold a code while it asks the geocoder, in ms; others wait at most this long. */
  readonly leaseMs: number;
  /** How often a waiting replica looks for the leaseholder's answer, in ms. */
  readonly pollMs: number;
}

/**
 * ioredis, loaded when the first shared cache is made rather than imported: only a replica with
 * REDIS_URL needs it, and loading it added about 40 ms to every start-up (README, Start-up).
 * A synchronous `require` (ioredis is CommonJS) keeps the constructor synchronous. The bundle
 * leaves ioredis out (build/bundle.ts), so this loads it from node_modules in both builds.
 */
const loadIoredis = (): typeof import('ioredis') => createRequire(import.meta.url)('ioredis') as typeof import('ioredis');

/** The shared cache's metrics: registered only when there is a shared cache, so no "Redis down" alert fires without one. */
class SharedCacheMetrics {
  readonly lookups: Counter<'result'>;
  readonly errors: Counter;
  readonly up: Gauge;

  constructor(registry: Registry) {
    this.lookups = new Counter({
      name: 'shared_cache_lookups_total',
      help: 'Codes looked up in the shared Redis cache: hit, miss (this replica fetches), wait (another replica is fetching).',
      labelNames: ['result'] as const,
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'shared_cache_errors_total',
      help: 'Failed or timed-out shared-cache (Redis) commands; each fell back to the geocoder.',
      registers: [registry],
    });
    this.up = new Gauge({ name: 'shared_cache_up', help: '1 while the shared cache (Redis) is reachable, 0 otherwise.', registers: [registry] });
  }
}

export class SharedCacheGeocoder implements Geocoder {
  readonly name: string;
  readonly maxBatchSize: number;
  private readonly redis: Redis;
  private readonly owner = randomUUID();
  /** Whether Redis is connected; false until its first `ready`, so nothing waits on a connection in progress. */
  private up = false;
  private connectedOnce = false;
  private readonly stats: SharedCacheMetrics;

  constructor(
    private readonly inner: Geocoder,
    private readonly options: SharedCacheOptions,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.stats = new SharedCacheMetrics(metrics.registry);
    this.name = inner.name;
    this.maxBatchSize = inner.maxBatchSize;
    const { Redis } = loadIoredis();
    this.redis = new Redis(options.url, {
      // Fail fast instead of queueing while disconnected: a query must never wait on the cache.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(options.timeoutMs, 1_000),
      retryStrategy: (attempt) => Math.min(attempt * 200, 5_000), // keep reconnecting, gently
      lazyConnect: false,
    });
    // Connection state follows connection events only; a slow command is a fallback, not an outage.
    this.redis.on('ready', () => this.markUp());
    this.redis.on('close', () => this.markDown());
    this.redis.on('error', (error: Error) => {
      if (this.up) this.logger.warn({ err: error }, 'shared cache (Redis) error');
      else this.logger.debug({ err: error }, 'shared cache (Redis) still unavailable');
    });
    this.stats.up.set(0);
  }

  get size(): number | undefined {
    return this.inner.size;
  }

  datasets(): DatasetsReport | undefined {
    return this.inner.datasets?.();
  }

  ready(): Promise<void> {
    return this.inner.ready();
  }

  async geocode(keys: readonly PostalKey[]): Promise<readonly GeocodeResult[]> {
    const results = new Array<GeocodeResult | undefined>(keys.length);
    const stored = await this.read(keys);
    let misses: number[] = [];
    stored.forEach((value, i) => (value ? (results[i] = value) : misses.push(i)));
    this.stats.lookups.inc({ result: 'hit' }, keys.length - misses.length);
    if (misses.length === 0) return results as GeocodeResult[];

    // Take the lease on each missed code; codes another replica holds are waited for, not fetched.
    const owned = await this.lease(misses.map((i) => keys[i] as PostalKey));
    const mine = misses.filter((_, j) => owned[j]);
    const theirs = misses.filter((_, j) => !owned[j]);
    this.stats.lookups.inc({ result: 'miss' }, mine.length);
    this.stats.lookups.inc({ result: 'wait' }, theirs.length);

    const [fetched, awaited] = await Promise.all([this.geocodeAndStore(keys, mine), this.awaitLeaseholders(keys, theirs)]);
    mine.forEach((i, j) => (results[i] = fetched[j]));
    // Whatever the leaseholder did not answer in time (it failed, or died) we ask for ourselves.
    misses = [];
    theirs.forEach((i, j) => (awaited[j] ? (results[i] = awaited[j]) : misses.push(i)));
    if (misses.length > 0) {
      const late = await this.geocodeAndStore(keys, misses);
      misses.forEach((i, j) => (results[i] = late[j]));
    }
    return results as GeocodeResult[];
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.inner.close?.();
  }

  // Private: asks the wrapped geocoder for keys[indexes], stores what settles, releases the leases.
  private async geocodeAndStore(keys: readonly PostalKey[], indexes: readonly number[]): Promise<readonly GeocodeResult[]> {
    if (indexes.length === 0) return [];
    const batch = indexes.map((i) => keys[i] as PostalKey);
    const answers = await this.inner.geocode(batch);
    if (!this.up) return answers;
    const pipeline = this.redis.pipeline();
    batch.forEach((key, j) => {
      const answer = answers[j];
      const id = this.options.keyPrefix + keyId(key);
      if (answer && answer.kind !== 'error') {
        pipeline.set(id, JSON.stringify(answer), 'PX', answer.kind === 'found' ? this.options.ttlMs : this.options.notFoundTtlMs);
      }
      pipeline.del(`${id}:lease`); // failures are not stored: a waiting replica then asks for itself
    });
    // Writing back is best effort and off the response path.
    pipeline.exec().catch((error: unknown) => this.failed(error));
    return answers;
  }

  // Private: one MGET; on any failure, nothing is cached as far as the caller knows.
  private async read(keys: readonly PostalKey[]): Promise<(Settled | undefined)[]> {
    if (!this.up) return keys.map(() => undefined);
    try {
      const values = await this.redis.mget(keys.map((k) => this.options.keyPrefix + keyId(k)));
      return values.map(decode);
    } catch (error) {
      this.failed(error);
      return keys.map(() => undefined);
    }
  }

  // Private: true for each key whose lease we now hold (or when Redis cannot arbitrate: then we fetch).
  private async lease(keys: readonly PostalKey[]): Promise<boolean[]> {
    if (!this.up) return keys.map(() => true);
    try {
      const pipeline = this.redis.pipeline();
      for (const key of keys) pipeline.set(`${this.options.keyPrefix + keyId(key)}:lease`, this.owner, 'PX', this.options.leaseMs, 'NX');
      const replies = (await pipeline.exec()) ?? [];
      return keys.map((_, i) => replies[i]?.[1] === 'OK' || replies[i]?.[0] != null);
    } catch (error) {
      this.failed(error);
      return keys.map(() => true);
    }
  }

  // Private: polls for answers another replica is fetching, until each arrives or its lease ends.
  private async awaitLeaseholders(keys: readonly PostalKey[], indexes: readonly number[]): Promise<(Settled | undefined)[]> {
    const answers = new Array<Settled | undefined>(indexes.length);
    let pending = indexes.map((_, j) => j);
    const deadline = performance.now() + this.options.leaseMs;
    while (pending.length > 0 && performance.now() < deadline && this.up) {
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
      const ids = pending.map((j) => this.options.keyPrefix + keyId(keys[indexes[j] as number] as PostalKey));
      let replies: (string | null)[];
      try {
        const pipeline = this.redis.pipeline().mget(ids);
        for (const id of ids) pipeline.exists(`${id}:lease`);
        const out = (await pipeline.exec()) ?? [];
        replies = (out[0]?.[1] as (string | null)[] | undefined) ?? [];
        // A code with neither an answer nor a lease was given up by its holder: stop waiting for it.
        pending = pending.filter((j, n) => {
          answers[j] = decode(replies[n] ?? null);
          return !answers[j] && out[n + 1]?.[1] === 1;
        });
      } catch (error) {
        this.failed(error);
        break;
      }
    }
    return answers;
  }

  // Private: a failed or timed-out command; the caller has already fallen back to the geocoder.
  private failed(error: unknown): void {
    this.stats.errors.inc();
    this.logger.debug({ err: error }, 'shared cache (Redis) command failed; fell back to the geocoder');
  }

  private markDown(): void {
    if (this.up) this.logger.warn('shared cache (Redis) unavailable: serving from the in-process cache and the geocoder');
    this.up = false;
    this.stats.up.set(0);
  }

  private markUp(): void {
    this.logger.info(this.connectedOnce ? 'shared cache (Redis) available again' : 'shared cache (Redis) connected');
    this.connectedOnce = true;
    this.up = true;
    this.stats.up.set(1);
  }
}

/** Parses a stored answer; anything unexpected is treated as absent, never trusted. */
function decode(raw: string | null): Settled | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Settled;
    if (value.kind === 'found' && Number.isFinite(value.place?.latitude) && Number.isFinite(value.place?.longitude)) return value;
    if (value.kind === 'notFound') return value;
  } catch {
    // fall through
  }
  return undefined;
}
