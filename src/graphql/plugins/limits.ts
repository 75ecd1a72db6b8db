/**
 * Limits checked before execution: graphql-js's `maxTokens` while parsing; in validation, the schema's operation types and
 * (GraphQL Armor) depth, aliases, directives and cost; then the operation's analysis with its variables (operation/size.ts):
 * one whose fragments expand too far is refused whole, a root field over a bound by its verdict (root-fields.ts).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { GraphQLError, TypeInfo, ValidationContext, visit, type ValidationRule } from 'graphql';
import Negotiator from 'negotiator';
import type { AppError } from '../../errors.js';
import type { Context } from '../context.js';
import type { OperationAnalyzer } from '../operation/analysis.js';

/** The limits this module applies (a subset of `Limits`, limits.ts). */
export interface ValidationLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxCost: number;
  readonly maxTokens: number;
}

export interface Validation {
  readonly validationRules: ValidationRule[];
  readonly parseOptions: { readonly maxTokens: number };
  /** GraphQL Armor's own plugins (masking field suggestions). */
  readonly plugins: ApolloServerPlugin<Context>[];
}

export function validation(limits: ValidationLimits, maskFieldSuggestions: boolean): Validation {
  const protection = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases, allowList: [] },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { enabled: false }, // costWithoutPageSizes instead
    maxTokens: { enabled: false }, // graphql-js's parser counts tokens instead of a second parse
    blockFieldSuggestion: { enabled: maskFieldSuggestions },
  }).protect();
  return {
    validationRules: [knownOperationTypes, ...protection.validationRules, costWithoutPageSizes(limits.maxCost)],
    parseOptions: { maxTokens: limits.maxTokens },
    // Armor types its plugins for any context; ours is a subtype of theirs.
    plugins: protection.plugins as ApolloServerPlugin<Context>[],
  };
}

/** A mutation or subscription against a schema without one is a validation error, not an internal one. */
const knownOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (context.getSchema().getRootType(node.operation)) return;
    context.reportError(new GraphQLError(`This service runs no ${node.operation} operations: its schema has no ${node.operation} type. Send a query.`, { nodes: node }));
  },
});

/** Armor's cost rule (MAX_COST) on the selection without `first`/`last`: the size measure counts pages, Armor only literal ones. */
function costWithoutPageSizes(maxCost: number): ValidationRule {
  const rule = costLimitRule({
    maxCost,
    ignoreIntrospection: true,
    propagateOnRejection: false,
    onReject: [(context, error) => context?.reportError(new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } }))],
  });
  return (context) => ({
    Document(document) {
      const withoutPages = visit(document, { Argument: (node) => (node.name.value === 'first' || node.name.value === 'last' ? null : undefined) });
      const schema = context.getSchema();
      visit(withoutPages, rule(new ValidationContext(schema, withoutPages, new TypeInfo(schema), (error) => context.reportError(error))));
      return false;
    },
  });
}

/**
 * Measures every operation before it runs. A whole-operation refusal is answered as GraphQL-over-HTTP asks: 400 for
 * `application/graphql-response+json`, 200 for `application/json` (Apollo Gateway drops a non-2xx answer's errors).
 */
export function sizePlugin(analyzer: OperationAnalyzer): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema, contextValue }) {
          if (!operation) return; // Apollo has answered the request already
          const analysis = analyzer.analyse(schema, document, operation);
          if (analysis.refusal) throw requestError(analysis.refusal, request.http?.headers.get('accept'));
          contextValue.verdicts = analysis.size(request.variables).verdicts;
        },
      };
    },
  };
}

function requestError(error: AppError, accept: string | undefined): GraphQLError {
  const status = accept && new Negotiator({ headers: { accept } }).mediaType(['application/json', 'application/graphql-response+json']) === 'application/graphql-response+json' ? 400 : 200;
  return new GraphQLError(error.message, { extensions: { code: error.code, http: { status } } });
}
