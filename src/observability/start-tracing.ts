/**
 * Starts tracing: the one place the OpenTelemetry SDK (tracing-sdk.ts) is loaded, and only when
 * this is called (tracing.ts says why). A module of its own so that tracing.ts, which the seams
 * import for its types, never imports the SDK, and the SDK imports only its types.
 */
import type { Tracing, TracingDeps, TracingOptions } from './tracing.js';

/** Loads the OpenTelemetry SDK and starts exporting as `options` say. */
export async function startTracing(options: TracingOptions, deps: TracingDeps): Promise<Tracing> {
  const { createTracing } = await import('./tracing-sdk.js');
  return createTracing(options, deps);
}
