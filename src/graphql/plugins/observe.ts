/**
 * What an operation leaves for operators: one log line if it had errors (at most LOGGED_ERRORS described, the rest
 * counted by code; stacks only for unexpected ones, at error level; a client's own mistakes at debug), its errors counted
 * by code, a debug line, and its span when sampled (operation-span.ts). The HTTP layer counts requests.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Context } from '../context.js';
import { formatError, isExpectedError } from '../error-boundary.js';
import { INVALID_LABEL, type OperationAnalyzer } from '../operation/analysis.js';
import { endOperationSpan, startOperationSpan } from './operation-span.js';

/** Errors described one by one in a log line; the rest are only counted. */
export const LOGGED_ERRORS = 10;

export function observePlugin(analyzer: OperationAnalyzer, metrics: Metrics, logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const span = startOperationSpan(contextValue);
      return {
        async didEncounterErrors({ errors, operationName }) {
          const byCode: Record<string, number> = {};
          const details: Record<string, unknown>[] = [];
          let unexpected = false;
          for (const error of errors) {
            const code = String(formatError(error.toJSON(), error).extensions?.code ?? 'INTERNAL_SERVER_ERROR');
            metrics.graphqlErrors.inc({ code });
            byCode[code] = (byCode[code] ?? 0) + 1;
            const expected = isExpectedError(error, error);
            unexpected ||= !expected;
            if (details.length < LOGGED_ERRORS || (!expected && details.length < 2 * LOGGED_ERRORS)) {
              details.push({ message: error.message.slice(0, 500), code, path: error.path, ...(!expected && { err: error.originalError ?? error }) });
            }
          }
          contextValue.logger[unexpected ? 'error' : 'debug']({ operationName, errorCount: errors.length, byCode, errors: details }, 'request had errors');
        },
        async willSendResponse({ response, operation, operationName, document, schema }) {
          const label = operation && document ? analyzer.analyse(schema, document, operation).label : INVALID_LABEL;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if (span) endOperationSpan(span, contextValue, { operation, operationName, label, data: body?.data, errors: body?.errors });
          // Checked first: the request's child logger is made only when something is logged with it.
          if (logger.isLevelEnabled('debug')) contextValue.logger.debug({ operation: label, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request done');
        },
      };
    },
  };
}
