/**
 * Prometheus metrics (prom-client), served on `GET /metrics`. One registry per app instance, so
 * tests running several apps in one process never share counters. A component that exists only in
 * some configurations (the shared cache) registers its own metrics here when it is made.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  /**
   * Requests and their latency by operation, counted as plain numbers where requests end and
   * exported when read: prom-client validates and hashes the labels of every `inc` and `observe`,
   * even on a bound child, which cost 3.8% of the CPU under random one-distance requests (profiled).
   */
  private readonly requestSeries = new Map<string, RequestSeries>();

  readonly graphqlRequests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL operations by operation (the root fields it selects, e.g. distance+location; invalid when it did not parse or validate) and outcome (success, partial: data with errors, error: no data); each operation of a batch counts once.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [operation, series] of this.requestSeries) {
        for (const outcome of OUTCOMES) {
          if (series.counts[outcome] > 0) this.graphqlRequests.inc({ operation, outcome }, series.counts[outcome]);
          series.counts[outcome] = 0;
        }
      }
    },
  });

  /** The latency histogram, read from the same plain numbers (see {@link requestSeries}). */
  readonly graphqlDuration = new SeriesHistogram(
    'graphql_request_duration_seconds',
    'Time from receiving a GraphQL request to sending its response.',
    DURATION_BUCKETS,
    this.requestSeries,
  );

  /** What the response cache did with each POST, counted as plain numbers (see {@link requestSeries}). */
  readonly responseCacheResults = { hit: 0, miss: 0, bypass: 0 };

  readonly responseCache = new Counter({
    name: 'graphql_response_cache_requests_total',
    help: 'POST /graphql requests by what the response cache did: hit (answered from it), miss (executed; stored if cacheable), bypass (traced, or the cache is off).',
    labelNames: ['result'] as const,
    registers: [this.registry],
    collect: () => {
      for (const result of ['hit', 'miss', 'bypass'] as const) {
        if (this.responseCacheResults[result] > 0) this.responseCache.inc({ result }, this.responseCacheResults[result]);
        this.responseCacheResults[result] = 0;
      }
    },
  });

  readonly responseCacheBytes = new Gauge({
    name: 'graphql_response_cache_bytes',
    help: 'Bytes of requests and responses held by the response cache.',
    registers: [this.registry],
  });

  /** Work units operations spent (src/work-budget.ts), as a plain number exported when read. */
  workUnits = 0;

  readonly graphqlWorkUnits = new Counter({
    name: 'graphql_work_units_total',
    help: 'Units of work operations did while they ran (postal codes looked up, geodesics solved, codes tested by searches, search edges built), the currency of WORK_BUDGET.',
    registers: [this.registry],
    collect: () => {
      if (this.workUnits > 0) this.graphqlWorkUnits.inc(this.workUnits);
      this.workUnits = 0;
    },
  });

  readonly httpRefusals = new Counter({
    name: 'http_refusals_total',
    help: 'Requests and connections the HTTP server refused or closed, by reason: headers_timeout (headers not in within HTTP_HEADERS_TIMEOUT_MS), body_timeout (request not whole within HTTP_REQUEST_TIMEOUT_MS), body_too_large (413), displaced_waiting and displaced_idle (a connection still sending its request, or idle between requests, closed to make room for a new one at HTTP_MAX_CONNECTIONS), over_capacity (a new connection closed at once: every open one was answering).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Connections open, counted where they open and close (http/connections.ts) and exported when read. */
  readonly httpConnections = { open: 0 };

  readonly httpConnectionsOpen: Gauge = new Gauge({
    name: 'http_connections_open',
    help: 'Connections open to the HTTP server (at most HTTP_MAX_CONNECTIONS).',
    registers: [this.registry],
    collect: () => {
      this.httpConnectionsOpen.set(this.httpConnections.open);
    },
  });

  readonly graphqlExecutions = new Counter({
    name: 'graphql_executions_total',
    help: 'Operations executed, by executor (jit: compiled by graphql-jit; graphql-js) and why: compiled, trace (an inline trace was asked for), new-operation (run fewer than JIT_COMPILE_AFTER times so far), not-compilable, invalid-variables.',
    labelNames: ['executor', 'reason'] as const,
    registers: [this.registry],
  });

  readonly graphqlErrors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL responses by extensions.code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  /** The postal codes held in memory now, read when the metrics are; the assembly sets it. */
  heldPostalCodes: () => number = () => 0;

  readonly datasetCodes = new Gauge({
    name: 'geocoder_dataset_postal_codes',
    help: 'Postal codes held in memory by the embedded geocoder.',
    registers: [this.registry],
    collect: () => {
      this.datasetCodes.set(this.heldPostalCodes());
    },
  });

  readonly datasetDownloadFailures = new Counter({
    name: 'geocoder_dataset_download_failures_total',
    help: 'GeoNames datasets (GEONAMES_COUNTRIES) that could not be downloaded at start-up, by dataset and reason: NOT_ON_MIRROR, MIRROR_DNS_FAILED, MIRROR_REFUSED, MIRROR_TIMEOUT, MIRROR_UNAVAILABLE, NOT_GEONAMES, TOO_LARGE, DISK_FULL, DATA_DIR_UNWRITABLE, UNEXPECTED.',
    labelNames: ['dataset', 'reason'] as const,
    registers: [this.registry],
  });

  /** Lookups per provider and result, counted as plain numbers and added to `geocoder_lookups_total` when it is read (see `locationLookups`). */
  private readonly lookupCounts = new Map<string, Record<'found' | 'notFound' | 'error', number>>();

  /** Counts one answer of a provider in the chain (a hot path: every lookup from memory passes here). */
  countLookup(provider: string, result: 'found' | 'notFound' | 'error'): void {
    let counts = this.lookupCounts.get(provider);
    if (!counts) this.lookupCounts.set(provider, (counts = { found: 0, notFound: 0, error: 0 }));
    counts[result]++;
  }

  readonly geocoderLookups = new Counter({
    name: 'geocoder_lookups_total',
    help: 'Postal codes asked of each provider in the chain, by result (found, notFound, error).',
    labelNames: ['provider', 'result'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [provider, counts] of this.lookupCounts) {
        for (const result of ['found', 'notFound', 'error'] as const) {
          if (counts[result] > 0) this.geocoderLookups.inc({ provider, result }, counts[result]);
          counts[result] = 0;
        }
      }
    },
  });

  readonly externalRequests = new Counter({
    name: 'geocoder_external_requests_total',
    help: 'HTTP requests (attempts, retries included) to remote geocoders, by outcome: the HTTP status, or timeout, network, malformed.',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly circuitState = new Gauge({
    name: 'geocoder_circuit_state',
    help: 'Circuit breaker of each remote geocoder: 0 closed, 1 open, 2 half-open, 3 isolated.',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  readonly geocoderBatchSize = new Histogram({
    name: 'geocoder_batch_size',
    help: 'Postal codes per batch the locator hands the geocoder chain (one tick or batch window of cache misses).',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
    registers: [this.registry],
  });

  /**
   * LRU hits and misses, counted as plain numbers where lookups happen and added to `location_cache_total` when it is
   * read: prom-client's `inc` hashes and validates its labels on every call, even on a bound child.
   */
  readonly locationLookups = { hit: 0, miss: 0, memory: 0 };

  readonly locationCache = new Counter({
    name: 'location_cache_total',
    help: 'Lookups answered from memory (the embedded data, no cache needed), and the in-process LRU of remote answers: hit, miss, stale (an expired answer served because the geocoder failed), eviction.',
    labelNames: ['event'] as const,
    registers: [this.registry],
    // Called by prom-client before every read of the counter (a scrape, `get()`).
    collect: () => {
      const { hit, miss, memory } = this.locationLookups;
      if (hit > 0) this.locationCache.inc({ event: 'hit' }, hit);
      if (miss > 0) this.locationCache.inc({ event: 'miss' }, miss);
      if (memory > 0) this.locationCache.inc({ event: 'memory' }, memory);
      this.locationLookups.hit = 0;
      this.locationLookups.miss = 0;
      this.locationLookups.memory = 0;
    },
  });

  readonly locationCacheEntries = new Gauge({
    name: 'location_cache_entries',
    help: 'Answers held in the in-process LRU.',
    registers: [this.registry],
  });

  /** Time zone hits and misses (a miss is one lookup in the zone boundaries), counted as `locationLookups` are. */
  readonly timeZoneLookups = { hit: 0, miss: 0 };

  readonly timeZoneCache = new Counter({
    name: 'time_zone_cache_total',
    help: 'Location.timeZone answers: hit (the zone kept for the place), miss (looked up in the zone boundaries).',
    labelNames: ['event'] as const,
    registers: [this.registry],
    collect: () => {
      const { hit, miss } = this.timeZoneLookups;
      if (hit > 0) this.timeZoneCache.inc({ event: 'hit' }, hit);
      if (miss > 0) this.timeZoneCache.inc({ event: 'miss' }, miss);
      this.timeZoneLookups.hit = 0;
      this.timeZoneLookups.miss = 0;
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // A metric of our own, read through the registry as prom-client's are (its `get`).
    this.registry.registerMetric(this.graphqlDuration as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** Counts one finished operation under its label (the root fields it selects: names from the schema, so the map is bounded). */
  countRequest(operation: string, outcome: Outcome, seconds: number): void {
    let series = this.requestSeries.get(operation);
    if (!series) this.requestSeries.set(operation, (series = newSeries()));
    series.counts[outcome]++;
    series.sum += seconds;
    series.count++;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket++;
    series.buckets[bucket]!++;
  }
}

const OUTCOMES = ['success', 'partial', 'error'] as const;
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** One operation's requests so far: outcomes since the last read, and its latency histogram (cumulative, as Prometheus wants). */
interface RequestSeries {
  readonly counts: Record<Outcome, number>;
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

const newSeries = (): RequestSeries => ({ counts: { success: 0, partial: 0, error: 0 }, buckets: new Float64Array(DURATION_BUCKETS.length + 1), sum: 0, count: 0 });

/**
 * A histogram by operation, read from plain numbers: the registry asks a metric for its values
 * (`get`) when `/metrics` is read, in the shape prom-client's own histogram gives them.
 */
class SeriesHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    private readonly series: ReadonlyMap<string, RequestSeries>,
  ) {}

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { labels: Record<string, string | number>; value: number; metricName: string }[] }> {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const [operation, s] of this.series) {
      if (s.count === 0) continue;
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        values.push({ labels: { le, operation }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', operation }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { operation }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { operation }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Asked of every metric by the registry's `resetMetrics`. */
  reset(): void {
    for (const s of this.series.values()) {
      s.buckets.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}

/** How a request ended: data without errors, data with errors, no data. */
export type Outcome = 'success' | 'partial' | 'error';

