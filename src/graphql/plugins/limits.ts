/**
 * Limits checked before execution. Parsing is bounded by graphql-js's `maxTokens`; validation
 * refuses operations of a type the schema lacks, and (GraphQL Armor) depth, aliases, directives and
 * cost; then, once Apollo knows which operation runs, its analysis measures it with the variables
 * it will run with (operation/size.ts): an operation whose fragments expand too far is refused as a
 * whole, a root field over a bound is refused by its verdict (root-fields.ts), the rest runs.
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

/** Parse options, validation rules and Armor's plugins for `limits`. */
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

/**
 * GraphQL Armor's cost rule (MAX_COST), blind to page sizes: Armor multiplies a selection by a
 * literal `first`, never by a variable, and the size measure counts pages by `first` either way,
 * so the rule judges the document without those arguments: the shape of the selection.
 */
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
 * Measures every operation once Apollo knows which one runs, before it runs. A whole-operation
 * refusal is a request error answered as GraphQL-over-HTTP asks: 400 for
 * `application/graphql-response+json`, 200 for `application/json` (Apollo Gateway turns a
 * subgraph's non-2xx answer into "400: Bad Request" and drops its errors).
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
