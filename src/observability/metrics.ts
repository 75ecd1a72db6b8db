/**
 * Prometheus metrics (prom-client), served on `GET /metrics`. One registry per app instance, so
 * tests running several apps in one process never share counters. A component that exists only in
 * some configurations (the shared cache) registers its own metrics here when it is made.
 */
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  readonly graphqlRequests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests by operation (the root fields it selects, e.g. distance+location; invalid when it did not parse or validate) and outcome (success, partial: data with errors, error: no data).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL request to sending its response.',
    labelNames: ['operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly responseCache = new Counter({
    name: 'graphql_response_cache_requests_total',
    help: 'POST /graphql requests by what the response cache did: hit (answered from it), miss (executed; stored if cacheable), bypass (traced, or the cache is off).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly responseCacheBytes = new Gauge({
    name: 'graphql_response_cache_bytes',
    help: 'Bytes of requests and responses held by the response cache.',
    registers: [this.registry],
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

  readonly datasetCodes = new Gauge({
    name: 'geocoder_dataset_postal_codes',
    help: 'Postal codes held in memory by the embedded geocoder.',
    registers: [this.registry],
  });

  readonly datasetDownloadFailures = new Counter({
    name: 'geocoder_dataset_download_failures_total',
    help: 'GeoNames datasets (GEONAMES_COUNTRIES) that could not be downloaded at start-up, by dataset and reason: NOT_ON_MIRROR, MIRROR_UNAVAILABLE, NOT_GEONAMES, DISK_FULL, DATA_DIR_UNWRITABLE, UNEXPECTED.',
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
   * LRU hits and misses, counted as plain numbers where lookups happen and added to
   * `location_cache_total` when it is read: prom-client's `inc` hashes and validates its labels on
   * every call, even on a bound child, which cost 0.66 ms of CPU per cold 100-pair request while V8
   * had not yet optimized it (profiled: `setValue`), for one of the commonest calls in the service.
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

  private readonly operationSeries = new Map<string, OperationSeries>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Counts one finished request of `operation` (a label from {@link operationLabel}). The series
   * of each label are bound once: `inc({ operation, outcome })` hashes its labels on every call,
   * 3% of the CPU under distinct one-distance requests. Labels come from the schema, so the map is bounded.
   */
  countRequest(operation: string, outcome: Outcome, seconds: number): void {
    let series = this.operationSeries.get(operation);
    if (!series) {
      series = {
        success: this.graphqlRequests.labels({ operation, outcome: 'success' }),
        partial: this.graphqlRequests.labels({ operation, outcome: 'partial' }),
        error: this.graphqlRequests.labels({ operation, outcome: 'error' }),
        duration: this.graphqlDuration.labels({ operation }),
      };
      this.operationSeries.set(operation, series);
    }
    series[outcome].inc();
    series.duration.observe(seconds);
  }
}

/**
 * The metrics label of an operation: the root fields it selects, sorted and joined with `+`
 * (`distance`, `_entities`, `distance+location`), or `invalid` when there is no operation to run
 * (a parse or validation error). Not the operation name: names come from clients, and every junk
 * name would hold a label for the life of the process; root fields come from the schema, so no
 * client can make up new ones.
 */
export function operationLabel(operation: OperationDefinitionNode | undefined, document: DocumentNode | undefined): string {
  if (!operation) return 'invalid';
  const names = new Set<string>();
  const visit = (selectionSet: SelectionSetNode, spread: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, spread);
      else if (!spread.has(selection.name.value)) {
        const fragment = document?.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
        if (fragment?.kind === Kind.FRAGMENT_DEFINITION) visit(fragment.selectionSet, new Set([...spread, selection.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  const label = [...names].sort().join('+');
  return operation.operation === 'query' ? label : `${operation.operation}:${label}`;
}

/** How a request ended: data without errors, data with errors, no data. */
export type Outcome = 'success' | 'partial' | 'error';

type OperationSeries = Record<Outcome, Counter.Internal> & { readonly duration: Histogram.Internal<'operation'> };
