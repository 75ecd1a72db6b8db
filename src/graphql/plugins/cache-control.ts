/**
 * Sets each response's `Cache-Control` from its operation's policy (`no-store` with any error or warning), and records on
 * the context (`answer.result`) what the HTTP layer needs: the operation's label, the policy given, its outcome.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context, ResultKind } from '../context.js';
import { INVALID_LABEL, type OperationAnalyzer } from '../operation/analysis.js';
import { cacheControlHeader, NOT_CACHEABLE } from '../operation/cache-policy.js';

export function cacheControlPlugin(analyzer: OperationAnalyzer): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation, document, schema, contextValue }) {
          const analysis = operation && document ? analyzer.analyse(schema, document, operation) : undefined;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const hasErrors = !body || (body.errors?.length ?? 0) > 0 || contextValue.warnings.list().length > 0;
          const policy = hasErrors || !analysis ? NOT_CACHEABLE : analysis.policy;
          response.http.headers.set('cache-control', cacheControlHeader(policy, hasErrors));
          contextValue.answer.result = { label: analysis?.label ?? INVALID_LABEL, policy, kind: kindOf(body) };
        },
      };
    },
  };
}

function kindOf(body: { readonly data?: unknown; readonly errors?: readonly unknown[] } | undefined): ResultKind {
  if (!body) return 'error';
  if (!body.errors?.length) return 'success';
  return body.data ? 'partial' : 'error';
}
