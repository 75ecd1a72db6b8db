/**
 * Every root field honours its verdict (operation/size.ts) before its resolver: a refused field answers its error and
 * never resolves. `_entities` always answers a list as long as the representations sent: items past the allowance, and
 * items not naming one of our entity types (@apollo/subgraph leaves `_Any` unchecked), are each that item's error; the
 * rest resolve in one call, so they still batch.
 */
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema, type GraphQLUnionType } from 'graphql';
import { AppError, quoteInput } from '../errors.js';
import { andThen, type MaybePromise } from '../maybe-promise.js';
import type { Context } from './context.js';

/** Wraps the resolver of every root field of `schema` (in place) and returns the schema. */
export function guardRootFields(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  if (!query) return schema;
  const entityTypes = new Set((schema.getType('_Entity') as GraphQLUnionType | undefined)?.getTypes().map((type) => type.name) ?? []);
  for (const field of Object.values(query.getFields())) {
    const resolve: GraphQLFieldResolver<unknown, Context | undefined> = field.resolve ?? defaultFieldResolver;
    field.resolve =
      field.name === '_entities'
        ? entitiesResolver(resolve, entityTypes)
        : (source, args, context: Context | undefined, info) => {
            // No context: a tool running the schema directly (build/print-schema.ts reads `_service`).
            const verdict = context?.verdicts?.get(info.path.key as string);
            return verdict ? verdict.error : resolve(source, args, context, info);
          };
  }
  return schema;
}

function entitiesResolver(resolve: GraphQLFieldResolver<unknown, Context | undefined>, entityTypes: ReadonlySet<string>): GraphQLFieldResolver<unknown, Context | undefined> {
  return (source, args: { representations: readonly unknown[] }, context: Context | undefined, info) => {
    const verdict = context?.verdicts?.get(info.path.key as string);
    const allowed = verdict?.kind === 'partial' ? verdict.allowed : verdict ? 0 : Number.POSITIVE_INFINITY;
    const problems = args.representations.map((representation, i) => (i >= allowed ? verdict?.error : representationProblem(representation, i, entityTypes)));
    if (problems.every((problem) => problem === undefined)) return resolve(source, args, context, info);
    const valid = args.representations.filter((_, i) => problems[i] === undefined);
    const resolved = (valid.length > 0 ? resolve(source, { ...args, representations: valid }, context, info) : []) as MaybePromise<readonly unknown[]>;
    // Each refused item's error goes back at its index, so paths stay aligned with the input.
    return andThen(resolved, (results) => {
      let next = 0;
      return problems.map((problem) => problem ?? results[next++]);
    });
  };
}

function representationProblem(representation: unknown, index: number, entityTypes: ReadonlySet<string>): AppError | undefined {
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
    return new AppError('BAD_USER_INPUT', `Representation ${index} is not an object with a __typename and the entity's key fields.`);
  }
  const typename = (representation as { __typename?: unknown }).__typename;
  if (typeof typename !== 'string' || !entityTypes.has(typename)) {
    return new AppError('BAD_USER_INPUT', `Representation ${index} has __typename ${quoteInput(String(typename))}; this subgraph resolves ${[...entityTypes].join(', ')}.`);
  }
  return undefined;
}
