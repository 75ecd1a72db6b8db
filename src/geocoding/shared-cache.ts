/**
 * A second-level cache shared by every replica: a `Geocoder` decorator keeping settled answers in
 * Redis, below each replica's in-process LRU (one `MGET` per batch), so a fleet asks the external
 * geocoder once per code. The first replica to miss a code takes a lease on it (`SET NX PX`) and
 * fetches; the others poll for its answer until the lease ends.
 *
 * Redis is an optimisation, never a dependency: a failure or timeout falls through to the wrapped
 * geocoder (counted, logged once per outage), and a circuit breaker skips a Redis that hangs, so cold
 * lookups do not each wait out the timeout. Nothing read is trusted: a value that is not a settled
 * answer for its key (`toSettled`) is ignored, deleted and resolved again. Round trips are client
 * spans under the batch's, never with their keys.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll, isBrokenCircuitError, type CircuitBreakerPolicy } from 'cockatiel';
import type { ChainableCommander, Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { TraceSpan } from '../observability/tracing.js';
import { defineSettings, int, ms } from '../settings.js';
import { toSettled, type GeocodeResult, type Geocoder, type Settled } from './geocoder.js';
import { keyId, type PostalKey } from '../postal/postal-code.js';

export const sharedCacheSettings = defineSettings({
  title: 'Shared cache (Redis), for several replicas',
  variables: {
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, message: 'a redis:// or rediss:// URL' })
      .optional()
      .describe('A shared second-level cache for several replicas, e.g. redis://host:6379. Unset: in-process cache only.'),
    REDIS_KEY_PREFIX: z.string().min(1).default('postal-distance:v3:').describe('Prefix of every key; bump its version when the stored shape changes.'),
    REDIS_TIMEOUT_MS: ms(1, 60_000, 100).describe('Longest wait for one Redis command before falling back to the geocoder, in ms.'),
    REDIS_LEASE_MS: ms(1, 600_000, 10_000).describe('How long one replica may hold a code while fetching it; others wait for its answer at most this long, in ms.'),
    REDIS_POLL_MS: ms(1, 10_000, 25).describe("How often a replica waiting on another's fetch looks for the answer, in ms."),
    REDIS_BREAKER_THRESHOLD: int(1, 1_000, 3).describe('Failed or timed-out Redis commands in a row after which Redis is skipped (and reported down) until a probe succeeds.'),
    REDIS_BREAKER_HALF_OPEN_MS: ms(10, 3_600_000, 5_000).describe('How long Redis is skipped before one command probes it again, in ms.'),
  },
  read: (env) =>
    env.REDIS_URL === undefined
      ? undefined
      : {
          url: env.REDIS_URL,
          keyPrefix: env.REDIS_KEY_PREFIX,
          timeoutMs: env.REDIS_TIMEOUT_MS,
          leaseMs: env.REDIS_LEASE_MS,
          pollMs: env.REDIS_POLL_MS,
          breakerThreshold: env.REDIS_BREAKER_THRESHOLD,
          breakerHalfOpenMs: env.REDIS_BREAKER_HALF_OPEN_MS,
        },
});

export interface SharedCacheOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly ttlMs: number;
  readonly notFoundTtlMs: number;
  readonly timeoutMs: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly breakerThreshold: number;
  readonly breakerHalfOpenMs: number;
}

/**
 * ioredis, required (synchronously: it is CommonJS) when the first shared cache is made, so only a
 * replica with REDIS_URL loads it; from node_modules in both builds (build/bundle.ts leaves it out).
 */
const loadIoredis = (): typeof import('ioredis') => createRequire(import.meta.url)('ioredis') as typeof import('ioredis');

/** The shared cache's metrics: registered only when there is a shared cache, so no "Redis down" alert fires without one. */
class SharedCacheMetrics {
  readonly lookups: Counter<'result'>;
  readonly errors: Counter;
  readonly up: Gauge;
  readonly invalid: Counter;

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
    this.up = new Gauge({ name: 'shared_cache_up', help: '1 while the shared cache (Redis) is connected and answering in time, 0 otherwise.', registers: [registry] });
    this.invalid = new Counter({
      name: 'shared_cache_invalid_total',
      help: 'Values read from the shared cache that were not a valid answer for their key: ignored, deleted and resolved again.',
      registers: [registry],
    });
  }
}

export class SharedCacheGeocoder implements Geocoder {
  readonly name: string;
  readonly maxBatchSize: number;
  private readonly redis: Redis;
  private readonly owner = randomUUID();
  /** Whether Redis is connected; false until its first `ready`, so nothing waits on a connection in progress. */
  private connected = false;
  private connectedOnce = false;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly stats: SharedCacheMetrics;
  private invalidLogged = false;
  private readonly server: { readonly 'server.address': string; readonly 'server.port': number };

  constructor(
    private readonly inner: Geocoder,
    private readonly options: SharedCacheOptions,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.stats = new SharedCacheMetrics(metrics.registry);
    this.name = inner.name;
    this.maxBatchSize = inner.maxBatchSize;
    const url = new URL(options.url);
    this.server = { 'server.address': url.hostname, 'server.port': url.port === '' ? 6379 : Number(url.port) };
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
    this.redis.on('ready', () => this.markConnected());
    this.redis.on('close', () => this.markDisconnected());
    this.redis.on('error', (error: Error) => {
      if (this.connected) this.logger.warn({ err: error }, 'shared cache (Redis) error');
      else this.logger.debug({ err: error }, 'shared cache (Redis) still unavailable');
    });
    this.breaker = circuitBreaker(handleAll, { halfOpenAfter: options.breakerHalfOpenMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) });
    this.breaker.onBreak(() => {
      this.logger.warn({ halfOpenAfterMs: options.breakerHalfOpenMs }, 'shared cache (Redis) is not answering in time: skipping it until a probe succeeds');
      this.stats.up.set(0);
    });
    this.breaker.onReset(() => {
      this.logger.info('shared cache (Redis) answers in time again');
      if (this.connected) this.stats.up.set(1);
    });
    this.stats.up.set(0);
  }

  ready(): Promise<void> {
    return this.inner.ready();
  }

  async geocode(keys: readonly PostalKey[], span?: TraceSpan): Promise<readonly GeocodeResult[]> {
    const results = new Array<GeocodeResult | undefined>(keys.length);
    const stored = await this.read(keys, span);
    let misses: number[] = [];
    stored.forEach((value, i) => (value ? (results[i] = value) : misses.push(i)));
    this.stats.lookups.inc({ result: 'hit' }, keys.length - misses.length);
    if (misses.length === 0) {
      span?.setAttributes({ 'geocoder.cache.hits': keys.length, 'geocoder.cache.misses': 0 });
      return results as GeocodeResult[];
    }

    // Take the lease on each missed code; codes another replica holds are waited for, not fetched.
    const owned = await this.lease(misses.map((i) => keys[i] as PostalKey), span);
    const mine = misses.filter((_, j) => owned[j]);
    const theirs = misses.filter((_, j) => !owned[j]);
    this.stats.lookups.inc({ result: 'miss' }, mine.length);
    this.stats.lookups.inc({ result: 'wait' }, theirs.length);

    const [fetched, awaited] = await Promise.all([this.geocodeAndStore(keys, mine, span), this.awaitLeaseholders(keys, theirs, span)]);
    mine.forEach((i, j) => (results[i] = fetched[j]));
    // Whatever the leaseholder did not answer in time (it failed, or died) we ask for ourselves.
    misses = [];
    theirs.forEach((i, j) => (awaited[j] ? (results[i] = awaited[j]) : misses.push(i)));
    if (misses.length > 0) {
      const late = await this.geocodeAndStore(keys, misses, span);
      misses.forEach((i, j) => (results[i] = late[j]));
    }
    const asked = mine.length + misses.length;
    span?.setAttributes({ 'geocoder.cache.hits': keys.length - asked, 'geocoder.cache.misses': asked });
    return results as GeocodeResult[];
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.inner.close?.();
  }

  private async geocodeAndStore(keys: readonly PostalKey[], indexes: readonly number[], span: TraceSpan | undefined): Promise<readonly GeocodeResult[]> {
    if (indexes.length === 0) return [];
    const batch = indexes.map((i) => keys[i] as PostalKey);
    const answers = await this.inner.geocode(batch, span);
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
    void this.command(() => exec(pipeline), span, 'BATCH', pipeline.length);
    return answers;
  }

  // One MGET; on any failure, nothing is cached as far as the caller knows.
  private async read(keys: readonly PostalKey[], span: TraceSpan | undefined): Promise<(Settled | undefined)[]> {
    const ids = keys.map((k) => this.options.keyPrefix + keyId(k));
    const values = await this.command(() => this.redis.mget(ids), span, 'MGET');
    if (!values) return keys.map(() => undefined);
    return values.map((raw, i) => this.decode(raw, keys[i] as PostalKey, ids[i] as string));
  }

  // True for each key whose lease we now hold, or when Redis cannot arbitrate (then we fetch).
  private async lease(keys: readonly PostalKey[], span: TraceSpan | undefined): Promise<boolean[]> {
    const replies = await this.command(
      () => {
        const pipeline = this.redis.pipeline();
        for (const key of keys) pipeline.set(`${this.options.keyPrefix + keyId(key)}:lease`, this.owner, 'PX', this.options.leaseMs, 'NX');
        return exec(pipeline);
      },
      span,
      'BATCH SET',
      keys.length,
    );
    if (!replies) return keys.map(() => true);
    return keys.map((_, i) => replies[i]?.[1] === 'OK');
  }

  // Polls for answers another replica is fetching, until each arrives or its lease ends.
  private async awaitLeaseholders(keys: readonly PostalKey[], indexes: readonly number[], span: TraceSpan | undefined): Promise<(Settled | undefined)[]> {
    const answers = new Array<Settled | undefined>(indexes.length);
    let pending = indexes.map((_, j) => j);
    const deadline = performance.now() + this.options.leaseMs;
    while (pending.length > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
      const ids = pending.map((j) => this.options.keyPrefix + keyId(keys[indexes[j] as number] as PostalKey));
      // Leases before answers: the holder stores its answer before it drops the lease, so a lease
      // seen gone means its answer, if any, is there for the MGET after it.
      const out = await this.command(
        () => {
          const pipeline = this.redis.pipeline();
          for (const id of ids) pipeline.exists(`${id}:lease`);
          return exec(pipeline.mget(ids));
        },
        span,
        'BATCH',
        ids.length + 1,
      );
      if (!out) break; // Redis failed or is skipped: the caller asks the geocoder itself
      const replies = (out[ids.length]?.[1] as (string | null)[] | undefined) ?? [];
      // A code with neither an answer nor a lease was given up by its holder: stop waiting for it.
      pending = pending.filter((j, n) => {
        answers[j] = this.decode(replies[n] ?? null, keys[indexes[j] as number] as PostalKey, ids[n] as string);
        return !answers[j] && out[n]?.[1] === 1;
      });
    }
    return answers;
  }

  /**
   * Runs one Redis call through the breaker: `undefined` when Redis is disconnected, skipped or the
   * call failed, and the caller goes on without it. With `span`, a round trip made is a client span.
   */
  private async command<T>(call: () => Promise<T>, span?: TraceSpan, operation = '', commands = 1): Promise<T | undefined> {
    if (!this.connected) return undefined;
    try {
      return await this.breaker.execute(span ? () => this.traced(call, span, operation, commands) : call);
    } catch (error) {
      if (!isBrokenCircuitError(error)) {
        this.stats.errors.inc();
        this.logger.debug({ err: error }, 'shared cache (Redis) command failed; fell back to the geocoder');
      }
      return undefined;
    }
  }

  private async traced<T>(call: () => Promise<T>, parent: TraceSpan, operation: string, commands: number): Promise<T> {
    const span = parent.child(operation, {
      kind: 'client',
      attributes: {
        'db.system.name': 'redis',
        'db.operation.name': operation,
        ...(commands > 1 && { 'db.operation.batch.size': commands }),
        ...this.server,
      },
    });
    try {
      const result = await call();
      span.end();
      return result;
    } catch (error) {
      span.end(error instanceof Error ? error.name : 'error');
      throw error;
    }
  }

  // A stored value as a settled answer for its key, or undefined (deleting it when it is not one).
  private decode(raw: string | null, key: PostalKey, id: string): Settled | undefined {
    if (raw === null) return undefined;
    const settled = parseStored(raw, key);
    if (settled) return settled;
    this.stats.invalid.inc();
    const details = { key: keyId(key), length: raw.length };
    if (this.invalidLogged) this.logger.debug(details, 'ignored and deleted an invalid shared-cache entry');
    else this.logger.warn(details, 'the shared cache (Redis) held an invalid entry: ignored and deleted it, and resolved the code again (logged once; see shared_cache_invalid_total)');
    this.invalidLogged = true;
    void this.command(() => this.redis.del(id));
    return undefined;
  }

  private markDisconnected(): void {
    if (this.connected) this.logger.warn('shared cache (Redis) unavailable: serving from the in-process cache and the geocoder');
    this.connected = false;
    this.stats.up.set(0);
  }

  private markConnected(): void {
    this.logger.info(this.connectedOnce ? 'shared cache (Redis) available again' : 'shared cache (Redis) connected');
    this.connectedOnce = true;
    this.connected = true;
    this.stats.up.set(this.breaker.state === CircuitState.Open ? 0 : 1);
  }
}

/** Fails as a whole when any command failed: ioredis resolves a pipeline with per-command errors, which the breaker must count. */
async function exec(pipeline: ChainableCommander): Promise<[error: Error | null, result: unknown][]> {
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
  return replies;
}

function parseStored(raw: string, key: PostalKey): Settled | undefined {
  try {
    return toSettled(JSON.parse(raw), key);
  } catch {
    return undefined;
  }
}

