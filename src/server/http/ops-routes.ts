/** The operational routes: liveness, readiness and Prometheus metrics. */
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Route } from './graphql-route.js';
import { sendJson } from './replies.js';

/** What `/readyz` reports: ready with details, or why not (starting, stopping). */
export type Readiness = { readonly ready: true; readonly details: Record<string, unknown> } | { readonly ready: false; readonly status: string };

export function opsRoutes(deps: { readonly readiness: () => Readiness; readonly metrics: Metrics; readonly logger: Logger }): Record<string, Route> {
  const { metrics, logger } = deps;
  return {
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': (_req, res) => {
      const state = deps.readiness();
      return state.ready ? sendJson(res, 200, { status: 'ready', ...state.details }) : sendJson(res, 503, { status: state.status });
    },
    '/metrics': (_req, res) =>
      void metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'metrics collection failed');
          sendJson(res, 500, { error: 'metrics collection failed' });
        },
      ),
  };
}
