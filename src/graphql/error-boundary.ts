/**
 * The error boundary: every error leaving the service passes through `formatError`. Domain errors and Apollo's client
 * errors (parse, validation, variables) keep their message and code; anything else is masked, in every mode, so no stack
 * trace or internal message reaches a client. The observe plugin logs the details under the request id.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { isAppError } from '../errors.js';

/** Codes Apollo Server and graphql-js raise for mistakes in the request itself. */
const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * Whether an error is one we meant to show: an `AppError`, or a request-level client error (nothing else a resolver threw).
 * Told by code, not `instanceof GraphQLError`, which holds only while every module shares one copy of graphql.
 */
export function isExpectedError(formatted: GraphQLFormattedError, error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (isAppError(original)) return true;
  const code = formatted.extensions?.code;
  return original === error && ((typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) || isRequestRefusal(error));
}

/** A 4xx Apollo raised about the request with no code of its own (a bad persisted query): BAD_REQUEST, not masked. */
function isRequestRefusal(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { locations, path } = formatted;
  const where = { ...(locations && { locations }), ...(path && { path }) };
  const original = unwrapResolverError(error);
  if (isAppError(original)) return { message: original.message, ...where, extensions: { code: original.code } };
  if (isExpectedError(formatted, error)) {
    const code = formatted.extensions?.code;
    return { message: messageFor(formatted), ...where, extensions: { code: typeof code === 'string' && CLIENT_ERROR_CODES.has(code) ? code : 'BAD_REQUEST' } };
  }
  return { message: 'Internal server error', ...where, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** How Apollo's CSRF prevention (`preventCsrf`) starts its refusal; it gives the refusal no code of its own. */
const CSRF_REFUSAL = 'This operation has been blocked as a potential Cross-Site Request Forgery';

/** A client error's message in this service's terms where Apollo's names its own API (introspection) or no remedy (CSRF). */
function messageFor(formatted: GraphQLFormattedError): string {
  if (formatted.extensions?.validationErrorCode === 'INTROSPECTION_DISABLED') {
    return 'Introspection is turned off on this service (the default in production). Its operator can turn it on with INTROSPECTION=true; a router or rover reads the schema through `_service { sdl }`, which stays on.';
  }
  if (formatted.message.startsWith(CSRF_REFUSAL)) {
    return "Refused as a possible cross-site request forgery (CSRF): a browser can send a request like this one from any page. Add the header 'apollo-require-preflight: true' (curl -H 'apollo-require-preflight: true' ...), or POST JSON with 'content-type: application/json'.";
  }
  return formatted.message;
}
