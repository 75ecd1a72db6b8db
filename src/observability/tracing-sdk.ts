/**
 * The OpenTelemetry SDK behind tracing.ts, loaded only when tracing is configured. Its packages are imported dynamically:
 * the bundle keeps them external, and esbuild would hoist a static import to the bundle's top, loading them at every start.
 * One tracer provider per app, never registered globally, and no context manager (parents are passed explicitly), so
 * several apps in one process trace independently. Sampler → BatchSpanProcessor (a bounded queue) → OTLP/HTTP exporter,
 * over a keep-alive agent this module owns, so shutdown can cut a connection to a collector that never answers.
 */
import http from 'node:http';
import type * as Api from '@opentelemetry/api';
import type { ReadableSpan, Sampler, SpanExporter } from '@opentelemetry/sdk-trace';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { Attributes, SpanOptions, TraceSpan, Tracing, TracingDeps, TracingOptions } from './tracing.js';

type ApiModule = typeof import('@opentelemetry/api');
type SdkModule = typeof import('@opentelemetry/sdk-trace');

/** The name the BatchSpanProcessor reports its processed spans under (its self-observability metric). */
const PROCESSED_SPANS = 'otel.sdk.processor.span.processed';

class TracingMetrics {
  readonly exported: Counter;
  readonly dropped: Counter<'reason'>;

  constructor(registry: Registry) {
    this.exported = new Counter({ name: 'tracing_spans_exported_total', help: 'Spans the OTLP collector accepted.', registers: [registry] });
    this.dropped = new Counter({
      name: 'tracing_spans_dropped_total',
      help: 'Spans lost, by reason: queue_full (the export queue was at OTEL_BSP_MAX_QUEUE_SIZE, the collector too slow or down), export_failed (the collector refused them, or did not answer in time).',
      labelNames: ['reason'] as const,
      registers: [registry],
    });
    // Both series from the start, at 0, so an alert on either has something to compare with.
    this.dropped.inc({ reason: 'queue_full' }, 0);
    this.dropped.inc({ reason: 'export_failed' }, 0);
  }
}

export async function createTracing(options: TracingOptions, { metrics, logger }: TracingDeps): Promise<Tracing> {
  const [api, core, resources, sdk, otlp] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace'),
    options.protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
  ]);
  const counters = new TracingMetrics(metrics.registry);
  const secure = new URL(options.url).protocol === 'https:';
  const agent = secure ? new (await import('node:https')).Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const exporter = new otlp.OTLPTraceExporter({
    url: options.url,
    headers: { ...options.headers },
    timeoutMillis: options.exportTimeoutMs,
    httpAgentOptions: () => agent,
  });

  const provider = new sdk.TracerProvider({
    resource: resources.defaultResource().merge(resources.resourceFromAttributes({ ...options.resourceAttributes, 'service.name': options.serviceName })),
    sampler: samplerOf(sdk, options),
    spanProcessors: [
      new sdk.BatchSpanProcessor({
        exporter: new CountingExporter(exporter, core.ExportResultCode.SUCCESS, counters, logger, new URL(options.url).origin),
        maxQueueSize: options.maxQueueSize,
        maxExportBatchSize: options.maxExportBatchSize,
        scheduledDelayMillis: options.scheduleDelayMs,
        exportTimeoutMillis: options.queueExportTimeoutMs,
        // The processor reports spans it drops from a full queue only through its (experimental) self-observability meter.
        selfObsMeterProvider: droppedSpansMeter(api, counters),
      }),
    ],
  });
  const tools: Tools = { api, tracer: provider.getTracer('postal-distance-subgraph') };
  const propagator = new core.W3CTraceContextPropagator();
  logger.info(
    { phase: 'tracing', endpoint: new URL(options.url).origin, protocol: options.protocol, sampler: options.sampler, ratio: options.samplerRatio, serviceName: options.serviceName },
    'tracing: exporting spans over OTLP',
  );

  return {
    startRequest(name, headers, attributes) {
      // A request without a traceparent starts a trace; extracting from it would only allocate.
      const parent = headers.traceparent === undefined ? api.ROOT_CONTEXT : propagator.extract(api.ROOT_CONTEXT, headers, api.defaultTextMapGetter);
      return start(tools, name, parent, api.SpanKind.SERVER, attributes, undefined);
    },
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.queueExportTimeoutMs)));
      await Promise.race([provider.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'tracing: the last spans could not be exported at shutdown')), bound]);
      clearTimeout(timer);
      // A collector that never answered must not hold the process open.
      agent.destroy();
    },
  };
}

interface Tools {
  readonly api: ApiModule;
  readonly tracer: Api.Tracer;
}

/** Starts a span under `parent`; attributes are set only on a recorded span, as none of our samplers reads them. */
function start(tools: Tools, name: string, parent: Api.Context, kind: Api.SpanKind, attributes: Attributes | undefined, links: readonly TraceSpan[] | undefined): SdkSpan {
  const span = tools.tracer.startSpan(
    name,
    { kind, ...(links && links.length > 0 && { links: links.flatMap((link) => (link instanceof SdkSpan ? [{ context: link.spanContext }] : [])) }) },
    parent,
  );
  // The API's attribute values are mutable arrays; ours are never changed after they are given.
  if (attributes && span.isRecording()) span.setAttributes(attributes as Api.Attributes);
  return new SdkSpan(tools, span, parent);
}

/** An OpenTelemetry span and the context its children start in. */
class SdkSpan implements TraceSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
  readonly spanContext: Api.SpanContext;
  /** The context children start in, made when the first one does (most spans have none). */
  private context: Api.Context | undefined;

  constructor(
    private readonly tools: Tools,
    private readonly span: Api.Span,
    private readonly parent: Api.Context,
  ) {
    this.spanContext = span.spanContext();
    this.traceId = this.spanContext.traceId;
    this.spanId = this.spanContext.spanId;
    this.sampled = (this.spanContext.traceFlags & tools.api.TraceFlags.SAMPLED) !== 0;
  }

  child(name: string, options: SpanOptions = {}): TraceSpan {
    const kind = options.kind === 'client' ? this.tools.api.SpanKind.CLIENT : this.tools.api.SpanKind.INTERNAL;
    this.context ??= this.tools.api.trace.setSpan(this.parent, this.span);
    return start(this.tools, name, this.context, kind, options.attributes, options.links);
  }

  setAttribute(key: string, value: Attributes[string]): void {
    this.span.setAttribute(key, value as Api.AttributeValue);
  }

  setAttributes(attributes: Attributes): void {
    this.span.setAttributes(attributes as Api.Attributes);
  }

  updateName(name: string): void {
    this.span.updateName(name);
  }

  end(errorType?: string): void {
    if (errorType !== undefined) {
      this.span.setAttribute('error.type', errorType);
      this.span.setStatus({ code: this.tools.api.SpanStatusCode.ERROR });
    }
    this.span.end();
  }
}

/** The sampler `OTEL_TRACES_SAMPLER` names (the SDK reads no environment itself). */
function samplerOf(sdk: SdkModule, { sampler, samplerRatio }: TracingOptions): Sampler {
  const root = (name: 'always_on' | 'always_off' | 'traceidratio'): Sampler =>
    name === 'always_on' ? new sdk.AlwaysOnSampler() : name === 'always_off' ? new sdk.AlwaysOffSampler() : new sdk.TraceIdRatioBasedSampler(samplerRatio);
  switch (sampler) {
    case 'always_on':
    case 'always_off':
    case 'traceidratio':
      return root(sampler);
    case 'parentbased_always_on':
      return new sdk.ParentBasedSampler({ root: root('always_on') });
    case 'parentbased_always_off':
      return new sdk.ParentBasedSampler({ root: root('always_off') });
    case 'parentbased_traceidratio':
      return new sdk.ParentBasedSampler({ root: root('traceidratio') });
  }
}

/** The BatchSpanProcessor's meter: keeps only its queue-full drops, as `tracing_spans_dropped_total`; the rest is no-op. */
function droppedSpansMeter(api: ApiModule, counters: TracingMetrics): Api.MeterProvider {
  const noop = api.createNoopMeter();
  const dropped = counters.dropped.labels('queue_full');
  const processed: Api.Counter = {
    add(value, attributes) {
      if (attributes?.['error.type'] === 'queue_full') dropped.inc(value);
    },
  };
  const meter: Api.Meter = Object.assign(Object.create(noop) as Api.Meter, {
    createCounter: (name: string, opts?: Api.MetricOptions) => (name === PROCESSED_SPANS ? processed : noop.createCounter(name, opts)),
  });
  return { getMeter: () => meter };
}

/** The OTLP exporter, counting each export's outcome and logging an outage once (its start and end), not per batch. */
class CountingExporter implements SpanExporter {
  private failing = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly success: number,
    private readonly counters: TracingMetrics,
    private readonly logger: Logger,
    private readonly endpoint: string,
  ) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans, (result) => {
      if (result.code === this.success) {
        this.counters.exported.inc(spans.length);
        if (this.failing) this.logger.info({ endpoint: this.endpoint }, 'tracing: spans are exported again');
        this.failing = false;
      } else {
        this.counters.dropped.labels('export_failed').inc(spans.length);
        if (!this.failing) {
          this.logger.warn(
            { endpoint: this.endpoint, err: result.error, spans: spans.length },
            'tracing: the collector did not take the spans; dropping them until it does (see tracing_spans_dropped_total; requests are not affected)',
          );
        }
        this.failing = true;
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
