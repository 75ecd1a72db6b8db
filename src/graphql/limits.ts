/**
 * Limits against abusive operations, applied before execution.
 *
 * Depth, aliases, directives and cost come from GraphQL Armor's validation rules. Tokens are
 * bounded by graphql-js's own `maxTokens` parse option (passed as Apollo's `parseOptions`): Armor's
 * Apollo token plugin would parse every document a second time to count them.
 * List sizes are checked where the lists are read: `distances` and `distanceMatrix` in their
 * resolvers, `_entities` by `limitEntities` below.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { defaultFieldResolver, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Context } from './context.js';

export interface OperationLimits {
  readonly plugins: ApolloServerPlugin<Context>[];
  readonly validationRules: ValidationRule[];
  readonly parseOptions: { readonly maxTokens: number };
}

export function operationLimits(limits: Config['limits'], maskFieldSuggestions: boolean): OperationLimits {
  const protection = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    maxTokens: { enabled: false }, // see the header: parseOptions.maxTokens instead
    blockFieldSuggestion: { enabled: maskFieldSuggestions },
  }).protect();
  return {
    // Armor types its plugins for any context; ours is a subtype of theirs.
    plugins: protection.plugins as ApolloServerPlugin<Context>[],
    validationRules: protection.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/**
 * Bounds `_entities(representations:)`, which @apollo/subgraph leaves unbounded, by wrapping its
 * resolver in the built schema: the check runs once per call, before any representation resolves.
 */
export function limitEntities(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  if (!field) return schema;
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args: { representations?: unknown[] }, context: Context, info) => {
    const count = args.representations?.length ?? 0;
    const max = context.limits.maxEntities;
    if (count > max) {
      throw new AppError('BAD_USER_INPUT', `Too many representations: ${count} given, at most ${max} per _entities call.`);
    }
    return resolve(source, args, context, info);
  };
  return schema;
}
