/**
 * Per-request observability, as one Apollo Server plugin: metrics for every request, one log line
 * per failed request (with the request id and operation name; stacks only for unexpected errors,
 * which clients never see), and a debug line per request.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from '../graphql/context.js';
import { formatError, isExpectedError } from '../graphql/error-boundary.js';
import type { Metrics, Outcome } from './metrics.js';

export function requestPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async didEncounterErrors({ errors, operationName }) {
          const details = errors.map((error) => {
            const code = String(formatError(error.toJSON(), error).extensions?.code ?? 'INTERNAL_SERVER_ERROR');
            metrics.graphqlErrors.inc({ code });
            const expected = isExpectedError(error, error);
            return { message: error.message, code, path: error.path, ...(!expected && { err: error.originalError ?? error }) };
          });
          const unexpected = details.some((d) => 'err' in d);
          contextValue.logger[unexpected ? 'error' : 'info']({ operationName, errors: details }, 'request had errors');
        },
        async willSendResponse({ response, operationName }) {
          const seconds = (performance.now() - started) / 1000;
          const operation = metrics.operationLabel(operationName);
          // The HTTP layer counts a later response-cache hit of this request under the same label.
          contextValue.outcome.operation = operation;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          metrics.countRequest(operation, outcomeOf(body?.data, body?.errors), seconds);
          contextValue.logger.debug({ operationName, ms: Math.round(seconds * 1e4) / 10 }, 'request done');
        },
      };
    },
  };
}

function outcomeOf(data: unknown, errors: readonly GraphQLFormattedError[] | undefined): Outcome {
  if (!errors?.length) return 'success';
  return data ? 'partial' : 'error';
}
