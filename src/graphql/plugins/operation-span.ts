/**
 * The span of a GraphQL operation, a child of the request's span, started and ended by the observe plugin: a plugin of
 * its own would cost its hooks on every request, sampled or not. Attributes follow the semantic conventions for GraphQL
 * (docs/operations.md); never the variables nor the document, whose literals may be values a client sent.
 */
import type { GraphQLFormattedError, OperationDefinitionNode } from 'graphql';
import type { Context } from '../context.js';
import type { TraceSpan } from '../../observability/tracing.js';

/** Starts the operation's span when the request's trace is sampled; the locator starts its batches under it from then on. */
export function startOperationSpan(context: Context): TraceSpan | undefined {
  const trace = context.trace;
  if (!trace?.span.sampled) return undefined;
  const span = trace.span.child('GraphQL Operation');
  trace.current = span;
  return span;
}

export interface OperationResult {
  readonly operation: OperationDefinitionNode | undefined;
  readonly operationName: string | null | undefined;
  readonly label: string;
  readonly data: unknown;
  readonly errors: readonly GraphQLFormattedError[] | undefined;
}

/** Names the span after the operation, records its errors, and ends it: failed when the response has no data. */
export function endOperationSpan(span: TraceSpan, context: Context, { operation, operationName, label, data, errors }: OperationResult): void {
  if (context.trace) context.trace.current = context.trace.span;
  if (operation) {
    span.updateName(operationName ? `${operation.operation} ${operationName}` : operation.operation);
    span.setAttributes({ 'graphql.operation.type': operation.operation, ...(operationName && { 'graphql.operation.name': operationName }) });
  }
  span.setAttribute('graphql.root_fields', label);
  if (!errors?.length) return span.end();
  const codes = [...new Set(errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
  span.setAttributes({ 'graphql.errors': errors.length, 'graphql.error.codes': codes });
  // Data with errors (an unknown code among many) is a partial answer, not a failed operation.
  span.end(data ? undefined : codes[0]);
}
