/**
 * The span of a GraphQL operation, a child of the request's HTTP span, started and ended by the
 * observe plugin (observe.ts) rather than by a plugin of its own: an extra Apollo plugin costs its
 * hooks on every request, sampled or not, and only sampled requests need this span.
 *
 * What it carries, after the semantic conventions for GraphQL: the operation's type and name
 * (`graphql.operation.type`, `graphql.operation.name`; the span is named `query Distances`, or
 * `GraphQL Operation` when the document did not validate), the root fields it selects
 * (`graphql.root_fields`, the same bounded label as the metrics), and the errors of its response
 * by code. Never the variables, nor the document, whose literals may be values a client sent.
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

/** What the response said, for {@link endOperationSpan}. */
export interface OperationResult {
  readonly operation: OperationDefinitionNode | undefined;
  readonly operationName: string | null | undefined;
  /** The metrics label of the operation (its root fields). */
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
