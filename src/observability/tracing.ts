/**
 * Distributed tracing with OpenTelemetry: its settings, and the interfaces the seams use. Spans are made explicitly at
 * our seams (the HTTP request, the GraphQL operation, each geocoder batch, upstream attempt and Redis round trip; see
 * docs/operations.md) and passed along explicitly, never through an async context. Off unless an OTLP endpoint is set:
 * then nothing of OpenTelemetry is loaded (start-tracing.ts) and each seam holds `undefined` where a span would be.
 * Export never holds up a request: spans go to a bounded queue, and past its bound are dropped and counted.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { bool, defineSettings, int, ms } from '../settings.js';
import type { Metrics } from './metrics.js';

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** Comma-separated `key=value` pairs, values percent-encoded, as OpenTelemetry's specification writes them. */
const keyValueList = () =>
  z
    .string()
    .default('')
    .transform((text, ctx) => {
      const pairs: Record<string, string> = {};
      for (const item of text.split(',')) {
        if (item.trim() === '') continue;
        const eq = item.indexOf('=');
        const key = eq > 0 ? item.slice(0, eq).trim() : '';
        let value: string | undefined;
        try {
          value = eq > 0 ? decodeURIComponent(item.slice(eq + 1).trim()) : undefined;
        } catch {
          value = undefined;
        }
        if (key === '' || value === undefined) {
          ctx.addIssue({ code: 'custom', message: `expected key=value pairs separated by commas (values percent-encoded); cannot read ${JSON.stringify(item.slice(0, 40))}` });
          return z.NEVER;
        }
        pairs[key] = value;
      }
      return pairs;
    });

const otlpUrl = () => z.url({ protocol: /^https?$/, message: 'an absolute http:// or https:// URL' }).optional();

export const tracingSettings = defineSettings({
  title: 'Tracing (OpenTelemetry)',
  variables: {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl().describe(
      'OTLP/HTTP endpoint of a collector, e.g. http://otel-collector:4318; spans go to {endpoint}/v1/traces. Unset (and no traces endpoint): tracing off, nothing of OpenTelemetry loaded.',
    ),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl().describe('Full URL spans are sent to, used as is; overrides OTEL_EXPORTER_OTLP_ENDPOINT.'),
    OTEL_EXPORTER_OTLP_PROTOCOL: z
      .enum(['http/protobuf', 'http/json', 'grpc'])
      .default('http/protobuf')
      .describe('http/protobuf or http/json (grpc is not supported: use the collector\'s HTTP port, 4318).'),
    OTEL_EXPORTER_OTLP_HEADERS: keyValueList().describe('Headers sent with every export, e.g. authorization=Bearer%20abc,x-tenant=ops (values percent-encoded). Never logged.'),
    OTEL_EXPORTER_OTLP_TIMEOUT: ms(1, 600_000, 10_000).describe('Longest one export to the collector may take, retries included, in ms.'),
    OTEL_SERVICE_NAME: z.string().min(1).optional().describe('service.name of every span. Default: service.name in OTEL_RESOURCE_ATTRIBUTES, else postal-distance.'),
    OTEL_RESOURCE_ATTRIBUTES: keyValueList().describe('More resource attributes, e.g. deployment.environment.name=prod,service.version=1.4.2.'),
    OTEL_TRACES_SAMPLER: z
      .enum(SAMPLERS)
      .default('parentbased_always_on')
      .describe(`Which traces are recorded: ${SAMPLERS.join(', ')}. parentbased_* follow the caller's sampled flag.`),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional().describe('The ratio of the traceidratio samplers, from 0 to 1 (default 1).'),
    OTEL_BSP_SCHEDULE_DELAY: ms(0, 600_000, 5_000).describe('Longest a finished span waits in the queue before an export starts, in ms.'),
    OTEL_BSP_MAX_QUEUE_SIZE: int(1, 1_000_000, 2_048).describe('Most finished spans waiting for export; past it spans are dropped and counted in tracing_spans_dropped_total.'),
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: int(1, 1_000_000, 512).describe('Most spans in one export; at most OTEL_BSP_MAX_QUEUE_SIZE.'),
    OTEL_BSP_EXPORT_TIMEOUT: ms(1, 600_000, 30_000).describe('Longest the queue waits for one export before it goes on, in ms; also bounds the flush at shutdown.'),
    OTEL_SDK_DISABLED: bool(false).describe('true turns tracing off whatever else is set.'),
  },
  read: (env): TracingOptions | undefined => {
    const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT && `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
    if (env.OTEL_SDK_DISABLED || endpoint === undefined || env.OTEL_EXPORTER_OTLP_PROTOCOL === 'grpc') return undefined;
    const { 'service.name': named, ...resource } = env.OTEL_RESOURCE_ATTRIBUTES;
    return {
      url: endpoint,
      protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL,
      headers: env.OTEL_EXPORTER_OTLP_HEADERS,
      exportTimeoutMs: env.OTEL_EXPORTER_OTLP_TIMEOUT,
      serviceName: env.OTEL_SERVICE_NAME ?? named ?? 'postal-distance',
      resourceAttributes: resource,
      sampler: env.OTEL_TRACES_SAMPLER,
      samplerRatio: env.OTEL_TRACES_SAMPLER_ARG ?? 1,
      scheduleDelayMs: env.OTEL_BSP_SCHEDULE_DELAY,
      maxQueueSize: env.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
      queueExportTimeoutMs: env.OTEL_BSP_EXPORT_TIMEOUT,
    };
  },
  check(env, report) {
    const configured = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined && !env.OTEL_SDK_DISABLED;
    if (configured && env.OTEL_EXPORTER_OTLP_PROTOCOL === 'grpc') {
      report('OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc is not supported: use http/protobuf (or http/json) and the collector\'s OTLP/HTTP port, usually 4318');
    }
    if (env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE > env.OTEL_BSP_MAX_QUEUE_SIZE) report('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'must be at most OTEL_BSP_MAX_QUEUE_SIZE');
  },
});

/** Tracing as configured (`OTEL_*`); present only when spans have somewhere to go. */
export interface TracingOptions {
  /** Where spans are POSTed: the traces endpoint as given, or the endpoint with `/v1/traces`. */
  readonly url: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly headers: Readonly<Record<string, string>>;
  readonly exportTimeoutMs: number;
  readonly serviceName: string;
  /** Resource attributes besides `service.name`. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly sampler: SamplerName;
  /** The ratio of the `traceidratio` samplers, in [0, 1]. */
  readonly samplerRatio: number;
  readonly scheduleDelayMs: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  /** Longest the queue waits for one export before going on, in ms; also bounds the flush at shutdown. */
  readonly queueExportTimeoutMs: number;
}

export type AttributeValue = string | number | boolean | readonly string[];
export type Attributes = Readonly<Record<string, AttributeValue>>;

export interface SpanOptions {
  /** `client` for a call to another service (a provider, Redis); default `internal`. */
  readonly kind?: 'internal' | 'client';
  readonly attributes?: Attributes;
  /** Other spans this one is related to without being their child (the other requests a batch serves). */
  readonly links?: readonly TraceSpan[];
}

/** A span in progress, as the seams use it; spans of the work it covers are started under it. */
export interface TraceSpan {
  /** The trace's id, 32 hex digits, for log lines. */
  readonly traceId: string;
  readonly spanId: string;
  /** Whether the trace is recorded and exported (the sampler's decision); an unsampled span costs little and exports nothing. */
  readonly sampled: boolean;
  child(name: string, options?: SpanOptions): TraceSpan;
  setAttribute(key: string, value: AttributeValue): void;
  setAttributes(attributes: Attributes): void;
  updateName(name: string): void;
  /** Ends the span; with `errorType`, as failed (status ERROR and `error.type`, as the semantic conventions say). */
  end(errorType?: string): void;
}

/** The tracer of one app, made by `startTracing` (start-tracing.ts). */
export interface Tracing {
  /** A request's server span: a child of the caller's span when `traceparent` is valid, else a new trace's root. */
  startRequest(name: string, headers: IncomingHttpHeaders, attributes: Attributes): TraceSpan;
  /** Exports what is queued (for at most `OTEL_BSP_EXPORT_TIMEOUT`), then stops. */
  shutdown(): Promise<void>;
}

export interface RequestTrace {
  /** The HTTP server span. */
  readonly span: TraceSpan;
  /** Where the request's work starts its spans: the GraphQL operation's span while it runs (operation-span.ts), the HTTP span otherwise. */
  current: TraceSpan;
}

/** The fields that tie a log line to its request and trace (`trace_id`, `span_id`: the names of OpenTelemetry's log data model). */
export function logFields(requestId: string, trace: RequestTrace | undefined): Record<string, string> {
  return trace ? { requestId, trace_id: trace.span.traceId, span_id: trace.span.spanId } : { requestId };
}

export interface TracingDeps {
  readonly metrics: Metrics;
  readonly logger: Logger;
}
