/**
 * Per-request observability, as one Apollo Server plugin: metrics for every request, one log line
 * per request with errors (with the request id and operation name; stacks only for unexpected
 * errors, which clients never see), a debug line per request, and, when its trace is sampled, the
 * span of its operation (operation-span.ts).
 *
 * A client's own mistakes (a malformed or unknown code, a list over its limit) are logged at debug
 * level: they need no operator. Anything unexpected is logged at error level. A line names at most
 * {@link LOGGED_ERRORS} errors and counts the rest by code, so a request with 100,000 bad codes
 * makes a short line, not a 30 MB one.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError, OperationDefinitionNode } from 'graphql';
import type { Context } from '../graphql/context.js';
import { formatError, isExpectedError } from '../graphql/error-boundary.js';
import type { Logger } from '../logger.js';
import { operationLabel, type Metrics, type Outcome } from './metrics.js';
import { endOperationSpan, startOperationSpan } from './operation-span.js';

/** Errors described one by one in a log line; the rest are only counted. */
export const LOGGED_ERRORS = 10;

export function requestPlugin(metrics: Metrics, logger: Logger): ApolloServerPlugin<Context> {
  // The label of each parsed operation, computed once (Apollo reuses the parsed document of a repeated query).
  const labels = new WeakMap<OperationDefinitionNode, string>();
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
            // Unexpected errors are always described: they are what an operator needs to see.
            if (details.length < LOGGED_ERRORS || (!expected && details.length < 2 * LOGGED_ERRORS)) {
              details.push({ message: error.message.slice(0, 500), code, path: error.path, ...(!expected && { err: error.originalError ?? error }) });
            }
          }
          contextValue.logger[unexpected ? 'error' : 'debug']({ operationName, errorCount: errors.length, byCode, errors: details }, 'request had errors');
        },
        async willSendResponse({ response, operation, operationName, document }) {
          const seconds = (performance.now() - started) / 1000;
          let label = operation && labels.get(operation);
          if (label === undefined) {
            label = operationLabel(operation, document);
            if (operation) labels.set(operation, label);
          }
          // The HTTP layer counts a later response-cache hit of this request under the same label.
          contextValue.outcome.operation = label;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          metrics.countRequest(label, outcomeOf(body?.data, body?.errors), seconds);
          if (span) endOperationSpan(span, contextValue, { operation, operationName, label, data: body?.data, errors: body?.errors });
          // Checked first: the request's child logger is made only when something is logged with it.
          if (logger.isLevelEnabled('debug')) contextValue.logger.debug({ operation: label, ms: Math.round(seconds * 1e4) / 10 }, 'request done');
        },
      };
    },
  };
}

function outcomeOf(data: unknown, errors: readonly GraphQLFormattedError[] | undefined): Outcome {
  if (!errors?.length) return 'success';
  return data ? 'partial' : 'error';
}
