/**
 * Starts tracing: the one place the OpenTelemetry SDK (tracing-sdk.ts) is loaded, when this is called. A module of its
 * own so that tracing.ts, which the seams import for its types, never imports the SDK.
 */
import type { Tracing, TracingDeps, TracingOptions } from './tracing.js';

export async function startTracing(options: TracingOptions, deps: TracingDeps): Promise<Tracing> {
  const { createTracing } = await import('./tracing-sdk.js');
  return createTracing(options, deps);
}
