/**
 * The span of a GraphQL operation, as an Apollo Server plugin, a child of the request's HTTP span.
 * Added to Apollo only when tracing is on (server/apollo.ts), so it costs no hook otherwise; and
 * for a request whose trace is not sampled it returns no hooks: its spans would be exported nowhere.
 *
 * What it carries, after the semantic conventions for GraphQL: the operation's type and name
 * (`graphql.operation.type`, `graphql.operation.name`; the span is named `query Distances`), the
 * root fields it selects (`graphql.root_fields`, the same bounded label as the metrics), and the
 * errors of its response by code. Never the variables, nor the document, whose literals may be
 * values a client sent.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../graphql/context.js';
import { operationLabel } from './metrics.js';

export const operationSpanPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart({ contextValue }) {
    const trace = contextValue.trace;
    if (!trace?.span.sampled) return;
    const span = trace.span.child('GraphQL Operation');
    // The locator starts the batches of this request's lookups under it (geocoding/locator.ts).
    trace.current = span;
    return {
      async didResolveOperation({ operation, operationName }) {
        if (!operation) return;
        const type = operation.operation;
        span.updateName(operationName ? `${type} ${operationName}` : type);
        span.setAttributes({ 'graphql.operation.type': type, ...(operationName && { 'graphql.operation.name': operationName }) });
      },
      async willSendResponse({ response, operation, document }) {
        trace.current = trace.span;
        span.setAttribute('graphql.root_fields', contextValue.outcome.operation ?? operationLabel(operation, document));
        const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
        const errors = body?.errors ?? [];
        if (errors.length === 0) return span.end();
        const codes = [...new Set(errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
        span.setAttributes({ 'graphql.errors': errors.length, 'graphql.error.codes': codes });
        // Data with errors (an unknown code among many) is a partial answer, not a failed operation.
        span.end(body?.data ? undefined : codes[0]);
      },
    };
  },
};
