/**
 * Tracing end to end: the real service exports its spans over OTLP/HTTP to a fake collector on
 * 127.0.0.1 (test/support/otlp-receiver.ts), in both protocols. Stopping a service flushes its
 * spans, so each test stops its service before reading what the collector received.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeGeocodio } from '../support/fake-providers/index.js';
import { captureLogs, LEVEL } from '../support/log-capture.js';
import { sample, scrape } from '../support/metrics.js';
import { OtlpReceiver, SPAN_KIND, STATUS, type ReceivedSpan } from '../support/otlp-receiver.js';
import { REDIS_BINARY, REDIS_SKIP_REASON, startRedis, type RedisServer } from '../support/redis.js';
import { FAST_UPSTREAM, usCodes } from '../support/remote.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { runService } from '../support/service-process.js';
import type { Logger } from '../../src/logger.js';

const fake = new FakeGeocodio();
const receiver = new OtlpReceiver();
const running = new Set<TestServer>();

beforeAll(() => Promise.all([fake.start(), receiver.start()]));
afterAll(() => Promise.all([fake.close(), receiver.close()]));
afterEach(async () => {
  await Promise.all([...running].map(stop));
  receiver.forget();
  fake.heal().forget();
});

/** The caller's trace, as a router would send it. */
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const traceparent = (trace: string, span: string, sampled = true): string => `00-${trace}-${span}-${sampled ? '01' : '00'}`;

const DISTANCE = 'query Distance($from: String!, $to: String!) { distance(from: $from, to: $to) { miles } }';

/** The service with tracing to the fake collector (over `env`), as a real deployment would configure it. */
async function traced(env: Record<string, string> = {}, logger?: Logger): Promise<TestServer> {
  const server = await startTestServer(
    {
      ...FAST_UPSTREAM,
      ...fake.env(),
      GEOCODER: 'geocodio',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'postal-distance-test',
      ...env,
    },
    undefined,
    logger,
  );
  running.add(server);
  return server;
}

/** Stops a service, which exports every span still queued. */
async function stop(server: TestServer): Promise<void> {
  if (!running.delete(server)) return;
  await server.stop();
}

/** The string values of every attribute of every span: where a secret or a variable's value must never appear. */
const stringAttributes = (spans: readonly ReceivedSpan[]): string[] => spans.flatMap((s) => Object.values(s.attributes).filter((v): v is string => typeof v === 'string'));

describe.each([
  { protocol: 'http/protobuf', contentType: 'application/x-protobuf' },
  { protocol: 'http/json', contentType: 'application/json' },
])('exporting over OTLP/HTTP with $protocol', ({ protocol, contentType }) => {
  it("exports a query's four spans, all in the caller's trace, each under its parent, with their attributes and nothing secret", async () => {
    const server = await traced({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
    const [from, to] = usCodes(2, 3_000) as [string, string];
    const { status, body } = await server.graphql(DISTANCE, { from, to }, { traceparent: traceparent(TRACE, CALLER_SPAN), tracestate: 'vendor=opaque' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    await stop(server);

    expect(receiver.requests).toEqual([{ path: '/v1/traces', contentType, spans: 4 }]);
    // Exported in the order they ended: the innermost first.
    const [upstream, batch, operation, request] = receiver.spans as [ReceivedSpan, ReceivedSpan, ReceivedSpan, ReceivedSpan];
    expect(receiver.spans.map((s) => s.name)).toEqual(['POST', 'geocoder batch', 'query Distance', 'POST /graphql']);
    for (const span of receiver.spans) {
      expect([span.traceId, span.traceState, span.resource['service.name']]).toEqual([TRACE, 'vendor=opaque', 'postal-distance-test']);
    }
    expect([request.parentSpanId, operation.parentSpanId, batch.parentSpanId, upstream.parentSpanId]).toEqual([CALLER_SPAN, request.spanId, operation.spanId, batch.spanId]);
    expect(new Set(receiver.spans.map((s) => s.spanId)).size).toBe(4);
    expect(receiver.spans.map((s) => [s.kind, s.status])).toEqual([
      [SPAN_KIND.client, STATUS.unset],
      [SPAN_KIND.internal, STATUS.unset],
      [SPAN_KIND.internal, STATUS.unset],
      [SPAN_KIND.server, STATUS.unset],
    ]);

    expect(request.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': '/graphql',
      'url.path': '/graphql',
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
      'http.response.status_code': 200,
      'response_cache.result': 'miss',
    });
    expect(operation.attributes).toEqual({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Distance', 'graphql.root_fields': 'distance' });
    expect(batch.attributes).toEqual({
      'geocoder.provider': 'geocodio',
      'geocoder.codes': 2,
      'geocoder.requests': 1,
      'geocoder.cache.hits': 0,
      'geocoder.cache.misses': 2,
      'geocoder.found': 2,
      'geocoder.not_found': 0,
      'geocoder.failed': 0,
      'geocoder.stale': 0,
      'geocoder.outcome': 'ok',
    });
    expect(batch.links).toEqual([]);
    expect(upstream.attributes).toEqual({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(fake.url).port),
      'geocoder.provider': 'geocodio',
      'http.response.status_code': 200,
    });

    // The upstream request carried the API key in its query string; no span carries it, nor the variables' values.
    expect(fake.requests[0]!.query.get('api_key')).toBe(fake.apiKey);
    const values = stringAttributes(receiver.spans).join('\n');
    for (const secret of [fake.apiKey, 'api_key', '?', from, to]) expect(values).not.toContain(secret);
  });
});

describe('the spans of a request', () => {
  it('say on the HTTP span that the response cache answered, with no GraphQL or geocoder span under it', async () => {
    const server = await traced();
    const [from, to] = usCodes(2, 3_100) as [string, string];
    // A response is kept from its second sighting (response-cache.ts), and answered from the cache the third time.
    for (const span of ['00000000000000a1', '00000000000000a2', '00000000000000a3']) {
      expect((await server.graphql(DISTANCE, { from, to }, { traceparent: traceparent(TRACE, span) })).body.errors).toBeUndefined();
    }
    await stop(server);

    const requests = receiver.spans.filter((s) => s.kind === SPAN_KIND.server);
    expect(requests.map((s) => [s.parentSpanId, s.attributes['response_cache.result']])).toEqual([
      ['00000000000000a1', 'miss'],
      ['00000000000000a2', 'miss'],
      ['00000000000000a3', 'hit'],
    ]);
    const childrenOf = (span: ReceivedSpan): string[] => receiver.spans.filter((s) => s.parentSpanId === span.spanId).map((s) => s.name);
    expect(requests.map(childrenOf)).toEqual([['query Distance'], ['query Distance'], []]);
    // The second request found its codes in the in-process cache: no batch.
    expect(receiver.spans.filter((s) => s.name === 'geocoder batch')).toHaveLength(1);
  });

  it('start a trace of their own when the traceparent is malformed, and answer as usual', async () => {
    const server = await traced({ GEOCODER: 'embedded' });
    const { status, body } = await server.graphql(DISTANCE, { from: '90210', to: '10001' }, { traceparent: `00-${TRACE}-${CALLER_SPAN}`, tracestate: 'vendor=opaque' });
    expect([status, body.errors]).toEqual([200, undefined]);
    await stop(server);
    const request = receiver.spans.find((s) => s.kind === SPAN_KIND.server)!;
    expect([request.parentSpanId, request.traceState]).toEqual(['', '']);
    expect(request.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(request.traceId).not.toBe(TRACE);
    expect(new Set(receiver.spans.map((s) => s.traceId))).toEqual(new Set([request.traceId]));
  });

  it('put a batch shared by two requests under the sampled one, linked to the other, however they arrived', async () => {
    const server = await traced({ BATCH_WINDOW_MS: '100' });
    const unsampledTrace = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const [a, b, c, d] = usCodes(4, 3_200) as [string, string, string, string];
    const answers = await Promise.all([
      server.graphql(DISTANCE, { from: a, to: b }, { traceparent: traceparent(unsampledTrace, '00000000000000b1', false) }),
      server.graphql(DISTANCE, { from: c, to: d }, { traceparent: traceparent(TRACE, '00000000000000b2') }),
    ]);
    expect(answers.map((r) => r.body.errors)).toEqual([undefined, undefined]);
    await stop(server);

    expect(fake.requestCount).toBe(1);
    // Only the sampled request's trace is exported: its request, operation, the batch and the upstream call.
    expect(receiver.spans.map((s) => s.name).sort()).toEqual(['POST', 'POST /graphql', 'geocoder batch', 'query Distance']);
    const batch = receiver.spans.find((s) => s.name === 'geocoder batch')!;
    const operation = receiver.spans.find((s) => s.name === 'query Distance')!;
    expect([batch.traceId, batch.parentSpanId]).toEqual([TRACE, operation.spanId]);
    expect(batch.links).toHaveLength(1);
    expect(batch.links[0]!.traceId).toBe(unsampledTrace);
    expect(batch.links[0]!.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(batch.attributes).toMatchObject({ 'geocoder.codes': 4, 'geocoder.requests': 2, 'geocoder.found': 4 });
  });

  it('mark a failed upstream call and a failed batch as errors, with the failure as error.type', async () => {
    const server = await traced({ UPSTREAM_RETRIES: '0' });
    fake.failNext({ kind: 'status', status: 503 });
    const [from, to] = usCodes(2, 3_300) as [string, string];
    const { body } = await server.graphql(DISTANCE, { from, to }, { traceparent: traceparent(TRACE, CALLER_SPAN) });
    expect(body.errors!.map((e) => e.extensions!.code)).toEqual(['GEOCODER_UNAVAILABLE']);
    await stop(server);

    const named = Object.fromEntries(receiver.spans.map((s) => [s.name, s]));
    expect(receiver.spans.map((s) => s.name)).toEqual(['POST', 'geocoder batch', 'query Distance', 'POST /graphql']);
    expect([named.POST!.status, named.POST!.attributes['http.response.status_code'], named.POST!.attributes['error.type']]).toEqual([STATUS.error, 503, '503']);
    expect(named['geocoder batch']!.status).toBe(STATUS.error);
    expect(named['geocoder batch']!.attributes).toMatchObject({ 'geocoder.outcome': 'error', 'geocoder.failed': 2, 'error.type': 'GEOCODER_UNAVAILABLE' });
    expect(named['query Distance']!.attributes).toMatchObject({ 'graphql.errors': 1, 'graphql.error.codes': ['GEOCODER_UNAVAILABLE'] });
    // The operation answered (distance: null with an error): partial data is no failed operation.
    expect([named['query Distance']!.status, named['POST /graphql']!.status]).toEqual([STATUS.unset, STATUS.unset]);
  });

  it('mark an operation that yields no data (it did not validate) as failed, with its first error code', async () => {
    const server = await traced();
    const { status } = await server.graphql('query Broken { distance(from: "10001") { miles } }', undefined, { traceparent: traceparent(TRACE, CALLER_SPAN) });
    expect(status).toBe(400);
    await stop(server);
    // Validation failed before Apollo resolved the operation: the span keeps the conventions' name for an unknown one.
    expect(receiver.spans.map((s) => [s.name, s.status, s.attributes['error.type'], s.attributes['graphql.errors']])).toEqual([
      ['GraphQL Operation', STATUS.error, 'GRAPHQL_VALIDATION_FAILED', 1],
      ['POST /graphql', STATUS.unset, undefined, undefined],
    ]);
  });

  it('bind every log line of the request to its trace id and HTTP span id', async () => {
    const { logger, lines } = captureLogs('debug');
    const server = await traced({}, logger);
    const { body } = await server.graphql(DISTANCE, { from: '00000', to: usCodes(1, 3_400)[0]! }, { traceparent: traceparent(TRACE, CALLER_SPAN), 'x-request-id': 'traced-request' });
    expect(body.errors!.map((e) => e.extensions!.code)).toEqual(['POSTAL_CODE_NOT_FOUND']);
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: traceparent(TRACE, '00000000000000c1'), 'x-request-id': 'bad-body' },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    await stop(server);

    const [first, second] = receiver.spans.filter((s) => s.kind === SPAN_KIND.server) as [ReceivedSpan, ReceivedSpan];
    const of = (requestId: string) => lines.filter((l) => l.requestId === requestId).map((l) => [l.level, l.msg, l.trace_id, l.span_id]);
    expect(of('traced-request')).toEqual([
      [LEVEL.debug, 'request had errors', TRACE, first.spanId],
      [LEVEL.debug, 'request done', TRACE, first.spanId],
    ]);
    expect(of('bad-body')).toEqual([[LEVEL.info, 'request body rejected', TRACE, second.spanId]]);
  });
});

describe('a collector that is down or never answers', () => {
  /** 10 requests, one after the other, each for two codes not asked before (of the fake Geocodio): 4 spans each (request, operation, batch, the POST to Geocodio). */
  async function tenQueries(server: TestServer): Promise<void> {
    const codes = usCodes(20, 5_000);
    for (let i = 0; i < 10; i++) {
      const { status, body } = await server.graphql(DISTANCE, { from: codes[2 * i], to: codes[2 * i + 1] });
      expect([status, body.errors, typeof body.data?.distance.miles]).toEqual([200, undefined, 'number']);
    }
  }
  const spanCounts = async (server: TestServer) => {
    const text = await server.app.metrics.registry.metrics();
    return {
      exported: sample(text, 'tracing_spans_exported_total'),
      queueFull: sample(text, 'tracing_spans_dropped_total', { reason: 'queue_full' }),
      exportFailed: sample(text, 'tracing_spans_dropped_total', { reason: 'export_failed' }),
    };
  };

  it('fails no query while the collector refuses connections, and counts each of the 40 spans as dropped, logging the outage once', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { logger, messages } = captureLogs('warn');
    const server = await traced(
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_TIMEOUT: '100', OTEL_BSP_MAX_QUEUE_SIZE: '4', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4' },
      logger,
    );
    await tenQueries(server);
    await stop(server);
    const counts = await spanCounts(server);
    expect(counts.exported).toBe(0);
    expect(counts.queueFull + counts.exportFailed).toBe(40);
    expect(messages('warn').filter((m) => m.startsWith('tracing: the collector did not take the spans'))).toHaveLength(1);
  });

  it('fails no query while the collector accepts and never answers: the queue holds its bound, the rest is dropped and counted', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const server = await traced({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
        OTEL_EXPORTER_OTLP_TIMEOUT: '60000',
        // Long enough that the first export is still waiting when the tenth query is answered; it also bounds the flush at stop.
        OTEL_BSP_EXPORT_TIMEOUT: '5000',
        OTEL_BSP_SCHEDULE_DELAY: '60000',
        OTEL_BSP_MAX_QUEUE_SIZE: '4',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4',
      });
      await tenQueries(server);
      // The 4th span started an export that hangs; spans 5 to 8 wait in the queue; the other 32 found it full.
      expect(await spanCounts(server)).toEqual({ exported: 0, queueFull: 32, exportFailed: 0 });
      expect(sample(await scrape(server.url), 'tracing_spans_dropped_total', { reason: 'queue_full' })).toBe(32);
      expect(sockets.size).toBe(1);
      await stop(server);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('the built service (dist/main.js: the SDK outside the bundle, the API inside it)', () => {
  it("exports a query's spans in the caller's trace, and flushes them when it stops on SIGTERM", async () => {
    const service = runService({ PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DELAY_MS: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    try {
      const url = String((await service.phase('listen')).url);
      await service.phase('ready');
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: traceparent(TRACE, CALLER_SPAN) },
        body: JSON.stringify({ query: DISTANCE, variables: { from: '90210', to: '10001' } }),
      });
      expect(res.status).toBe(200);
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    } finally {
      service.child.kill('SIGKILL');
    }
    // The embedded data answers from memory: no batch, so no batch span.
    expect(receiver.spans.map((s) => [s.name, s.traceId, s.resource['service.name']])).toEqual([
      ['query Distance', TRACE, 'postal-distance'],
      ['POST /graphql', TRACE, 'postal-distance'],
    ]);
    const [operation, request] = receiver.spans as [ReceivedSpan, ReceivedSpan];
    expect([request.parentSpanId, operation.parentSpanId]).toEqual([CALLER_SPAN, request.spanId]);
  });
});

describe('without an OTLP endpoint', () => {
  it('makes no span and registers no tracing metric, whatever the request carries', async () => {
    const server = await startTestServer({ GEOCODER: 'embedded' });
    running.add(server);
    const { body } = await server.graphql(DISTANCE, { from: '90210', to: '10001' }, { traceparent: traceparent(TRACE, CALLER_SPAN) });
    expect(body.errors).toBeUndefined();
    expect(await scrape(server.url)).not.toContain('tracing_spans');
    await stop(server);
    expect(receiver.requests).toEqual([]);
  });
});

describe.skipIf(!REDIS_BINARY)(`with the shared cache in Redis${REDIS_BINARY ? '' : ` (skipped: ${REDIS_SKIP_REASON})`}`, () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  /** A traced replica on the shared Redis, once it is connected. */
  async function replica(): Promise<TestServer> {
    // A remote provider behind it: the embedded data would answer from memory, asking Redis nothing.
    const server = await traced({ REDIS_URL: redis.url, OTEL_BSP_SCHEDULE_DELAY: '10' });
    while (sample(await scrape(server.url), 'shared_cache_up') !== 1) await new Promise((resolve) => setTimeout(resolve, 10));
    return server;
  }

  it("traces each Redis round trip under the batch, and counts the batch's codes Redis answered", async () => {
    const [from, to] = usCodes(2, 6_000) as [string, string];
    const redisSpan = (name: string, commands?: number) => ({
      'db.system.name': 'redis',
      'db.operation.name': name,
      ...(commands !== undefined && { 'db.operation.batch.size': commands }),
      'server.address': '127.0.0.1',
      'server.port': redis.port,
    });

    const cold = await replica();
    expect((await cold.graphql(DISTANCE, { from, to }, { traceparent: traceparent(TRACE, CALLER_SPAN) })).body.errors).toBeUndefined();
    // The write-back (two SETs, two lease DELs) is off the response path: wait until its span is exported.
    await receiver.waitFor((spans) => spans.some((s) => s.name === 'BATCH'));
    await stop(cold);
    const batch = receiver.spans.find((s) => s.name === 'geocoder batch')!;
    expect(batch.attributes).toMatchObject({ 'geocoder.provider': 'geocodio', 'geocoder.codes': 2, 'geocoder.cache.hits': 0, 'geocoder.cache.misses': 2 });
    const underBatch = receiver.spans.filter((s) => s.parentSpanId === batch.spanId);
    expect(underBatch.filter((s) => s.name === 'POST')).toHaveLength(1); // the provider's request, beside Redis's round trips
    expect(underBatch.filter((s) => s.name !== 'POST').map((s) => [s.name, s.kind, s.attributes])).toEqual([
      ['MGET', SPAN_KIND.client, redisSpan('MGET')],
      ['BATCH SET', SPAN_KIND.client, redisSpan('BATCH SET', 2)],
      ['BATCH', SPAN_KIND.client, redisSpan('BATCH', 4)],
    ]);
    receiver.forget();

    // Another replica (a cold in-process cache) finds both codes in Redis: one MGET, no provider.
    const warm = await replica();
    expect((await warm.graphql(DISTANCE, { from, to }, { traceparent: traceparent(TRACE, CALLER_SPAN) })).body.errors).toBeUndefined();
    await stop(warm);
    const second = receiver.spans.find((s) => s.name === 'geocoder batch')!;
    expect(second.attributes).toMatchObject({ 'geocoder.codes': 2, 'geocoder.cache.hits': 2, 'geocoder.cache.misses': 0, 'geocoder.found': 2 });
    expect(receiver.spans.filter((s) => s.parentSpanId === second.spanId).map((s) => s.name)).toEqual(['MGET']);
  });
});
