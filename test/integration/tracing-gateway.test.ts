/**
 * One trace across router and subgraph: `@apollo/gateway` in this process, with an OpenTelemetry
 * SDK registered globally (as a router deployment registers one) and its subgraph requests carrying
 * the trace context (examples/supergraph.ts, `TracePropagatingDataSource`); our subgraph exports
 * its spans to a fake OTLP collector. The router's spans are kept in memory.
 *
 * A file of its own: it registers OpenTelemetry globals (tracer provider, AsyncLocalStorage context
 * manager, W3C propagator) for the process the file runs in. The service never reads them.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startStoresSubgraph, STORES_SCHEMA_FILE, type StoresSubgraph } from '../../examples/stores/server.js';
import { composeSupergraph, startApolloGateway, type RunningRouter } from '../../examples/supergraph.js';
import { SCHEMA_FILE } from '../../src/graphql/schema.js';
import { OtlpReceiver, SPAN_KIND } from '../support/otlp-receiver.js';
import { startTestServer, type TestServer } from '../support/server.js';

const routerSpans = new InMemorySpanExporter();
const routerTracing = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: routerSpans })] });
const receiver = new OtlpReceiver();
let stores: StoresSubgraph;
let locations: TestServer;
let locationsStopped = false;
let router: RunningRouter;

beforeAll(async () => {
  trace.setGlobalTracerProvider(routerTracing);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  await receiver.start();
  stores = await startStoresSubgraph({ port: 0, host: '127.0.0.1', quiet: true });
  locations = await startTestServer({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  // From the schema files (the same supergraph as from the running subgraphs' SDL: supergraph.test.ts), so the subgraph serves no request but the test's.
  const { supergraphSdl } = composeSupergraph([
    { name: 'locations', url: `${locations.url}/graphql`, sdl: readFileSync(SCHEMA_FILE, 'utf8') },
    { name: 'stores', url: stores.url, sdl: readFileSync(STORES_SCHEMA_FILE, 'utf8') },
  ]);
  router = await startApolloGateway({ supergraphSdl, port: 0, propagateTraceContext: true });
});
afterAll(async () => {
  await Promise.all([router?.stop(), stores?.stop(), locationsStopped ? undefined : locations?.stop()]);
  await receiver.close();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('through @apollo/gateway propagating its trace context', () => {
  it("puts the subgraph's spans in the router's trace, its request span under the router's fetch to it", async () => {
    const res = await fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ stores(first: 3) { name location { placeName distanceTo(postalCode: "10001") { miles } } } }' }),
    });
    const body = (await res.json()) as { data?: { stores: unknown[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data!.stores).toHaveLength(3);
    locationsStopped = true;
    await locations.stop(); // flushes the subgraph's spans

    await routerTracing.forceFlush();
    const gateway = routerSpans.getFinishedSpans();
    const root = gateway.filter((s) => s.parentSpanContext === undefined);
    expect(root.map((s) => s.name)).toEqual(['gateway.request']);
    const traceId = root[0]!.spanContext().traceId;
    expect(new Set(gateway.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
    const fetches = gateway.filter((s) => s.name === 'gateway.fetch');
    expect(fetches.map((s) => s.attributes.service).sort()).toEqual(['locations', 'stores']);
    const toLocations = fetches.find((s) => s.attributes.service === 'locations')!;

    // Our subgraph: one request (the gateway's _entities fetch, an anonymous query) and its operation;
    // the embedded data answers every code from memory, so no geocoder batch (and no batch span).
    expect(receiver.spans.map((s) => s.name)).toEqual(['query', 'POST /graphql']);
    expect(new Set(receiver.spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    const [operation, request] = receiver.spans;
    expect([request!.kind, request!.parentSpanId]).toEqual([SPAN_KIND.server, toLocations.spanContext().spanId]);
    expect(operation!.parentSpanId).toBe(request!.spanId);
    expect(operation!.attributes).toEqual({ 'graphql.operation.type': 'query', 'graphql.root_fields': '_entities' });
  });
});
