/**
 * Limits against abusive operations, applied before execution.
 *
 * Depth, aliases, directives and cost come from GraphQL Armor's validation rules (aliases of
 * `__typename` count too: Armor lets them through by default). Armor's cost rule runs blind to
 * page sizes (`costWithoutPageSizes` below says why). Tokens are bounded by graphql-js's
 * own `maxTokens` parse option (passed as Apollo's `parseOptions`): Armor's Apollo token plugin
 * would parse every document a second time to count them. List sizes and the size of the whole
 * response are measured from the operation and its variables (operation-size.ts) once the
 * operation is known and before it runs.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import Negotiator from 'negotiator';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  defaultFieldResolver,
  GraphQLError,
  Kind,
  TypeInfo,
  ValidationContext,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type GraphQLUnionType,
  type ValidationRule,
} from 'graphql';
import { AppError, isAppError, quoteInput } from '../errors.js';
import { andThen, type MaybePromise } from '../maybe-promise.js';
import type { SchemaNaming } from './naming.js';
import { measureOperation } from './operation-size.js';
import { defineSettings, int, type OptionsOf } from '../settings.js';
import type { Context } from './context.js';

export const limitSettings = defineSettings({
  title: 'Limits, checked before execution',
  variables: {
    MAX_DISTANCE_PAIRS: int(1, 100_000, 1_000).describe('Most pairs in one `distances` call.'),
    MAX_MATRIX_CELLS: int(1, 1_000_000, 2_500).describe('Most cells (origins × destinations) in one `distanceMatrix` call.'),
    MAX_ENTITIES: int(1, 100_000, 5_000).describe(
      'Most representations in one `_entities` call. A router sends every `Location` of one list in one call, never split: this is the longest list a client may resolve through it (docs/federation.md).',
    ),
    MAX_NEARBY_RESULTS: int(1, 100_000, 1_000).describe('Largest page (`first`) of a spatial search (`Location.nearby`, `Query.nearestLocations`).'),
    MAX_NEARBY_SEARCHES: int(1, 100_000, 100).describe(
      'Most spatial searches one operation may run, counting a `nearby` once per list item it appears in (under `_entities` or another search\'s edges); each takes 0.03 to 0.5 ms.',
    ),
    MAX_POSTAL_CODES: int(1, 1_000_000, 6_000).describe(
      'Most distinct postal codes one operation may look up (protects a paid geocoder from alias and list floods); keep it above MAX_ENTITIES, or a long list of distinct codes fails past it.',
    ),
    MAX_DEPTH: int(1, 100, 10).describe(
      'Deepest field nesting (GraphQL Armor). Routers wrap entity fields in an inline fragment that counts as a level, so two `distanceTo` hops through a router arrive 7 deep.',
    ),
    MAX_ALIASES: int(0, 1_000, 15).describe('Most aliases per operation (GraphQL Armor).'),
    MAX_DIRECTIVES: int(0, 1_000, 50).describe('Most directives per operation (GraphQL Armor).'),
    MAX_COST: int(1, 1_000_000, 5_000).describe("Highest static cost of an operation (GraphQL Armor's cost model)."),
    MAX_TOKENS: int(100, 1_000_000, 15_000).describe('Most lexical tokens in a document (graphql-js parser; the same default as Apollo Router).'),
    MAX_RESPONSE_FIELDS: int(1, 100_000_000, 100_000).describe(
      'Most fields one response may hold, counting each field once per list item it appears in (aliases and fragments included); measured from the arguments before anything runs.',
    ),
  },
  read: (env) => ({
    maxDistancePairs: env.MAX_DISTANCE_PAIRS,
    maxMatrixCells: env.MAX_MATRIX_CELLS,
    maxEntities: env.MAX_ENTITIES,
    maxNearbyResults: env.MAX_NEARBY_RESULTS,
    maxNearbySearches: env.MAX_NEARBY_SEARCHES,
    maxPostalCodes: env.MAX_POSTAL_CODES,
    maxDepth: env.MAX_DEPTH,
    maxAliases: env.MAX_ALIASES,
    maxDirectives: env.MAX_DIRECTIVES,
    maxCost: env.MAX_COST,
    maxTokens: env.MAX_TOKENS,
    maxResponseFields: env.MAX_RESPONSE_FIELDS,
  }),
});

export type Limits = OptionsOf<typeof limitSettings>;

export interface OperationLimits {
  readonly plugins: ApolloServerPlugin<Context>[];
  readonly validationRules: ValidationRule[];
  readonly parseOptions: { readonly maxTokens: number };
}

export function operationLimits(limits: Limits, maskFieldSuggestions: boolean, naming: SchemaNaming): OperationLimits {
  const protection = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases, allowList: [] },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { enabled: false }, // costWithoutPageSizes instead
    maxTokens: { enabled: false }, // see the header: parseOptions.maxTokens instead
    blockFieldSuggestion: { enabled: maskFieldSuggestions },
  }).protect();
  return {
    // Armor types its plugins for any context; ours is a subtype of theirs.
    plugins: [...(protection.plugins as ApolloServerPlugin<Context>[]), operationSizePlugin(limits, naming)],
    validationRules: [...protection.validationRules, costWithoutPageSizes(limits.maxCost)],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/**
 * GraphQL Armor's cost rule (`MAX_COST`), blind to page sizes. Armor multiplies the cost of a
 * field's selection by a literal `first` or `last` argument, never by a variable; operation-size.ts
 * already counts each page by its `first`, literal or variable alike, against MAX_RESPONSE_FIELDS
 * and MAX_NEARBY_SEARCHES. Counted by both, a literal page of more than about 700 edges exceeded
 * the default MAX_COST whatever it selected, though MAX_NEARBY_RESULTS allows 1,000, while the same
 * page asked through a variable passed. So the rule judges a copy of the document without those
 * arguments: the shape of the selection, as it does for every other list. Errors are reported as
 * Armor's Apollo integration reports them (BAD_USER_INPUT on the validation context).
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
      return false; // judged whole; nothing below is this rule's
    },
  });
}

/**
 * Measures every operation once Apollo knows which one runs, before it runs (operation-size.ts).
 * A breach is a request error with BAD_USER_INPUT, nothing executed, answered as GraphQL-over-HTTP
 * asks: 400 when the response is `application/graphql-response+json`, 200 when it is
 * `application/json` (the spec's advice for that type, and what keeps the message: Apollo Gateway
 * turns any non-2xx answer from a subgraph into "400: Bad Request" and drops its errors).
 */
function operationSizePlugin(limits: Limits, naming: SchemaNaming): ApolloServerPlugin<Context> {
  // Fragments by name, per parsed document (Apollo reuses the parsed document of a repeated query).
  const fragmentsOf = new WeakMap<DocumentNode, ReadonlyMap<string, FragmentDefinitionNode>>();
  // Operations whose size no variable changes, measured once and known to fit (one distance, say).
  const fits = new WeakSet<OperationDefinitionNode>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation || fits.has(operation)) return; // no operation: Apollo has already answered the request
          let fragments = fragmentsOf.get(document);
          if (!fragments) {
            const byName = new Map<string, FragmentDefinitionNode>();
            for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) byName.set(d.name.value, d);
            fragmentsOf.set(document, (fragments = byName));
          }
          try {
            const size = measureOperation(schema, operation, fragments, request.variables, limits, naming.toCanonical);
            if (!size.readVariables) fits.add(operation);
          } catch (error) {
            if (!isAppError(error)) throw error;
            const status = answersGraphQLResponseJson(request.http?.headers.get('accept')) ? 400 : 200;
            throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status } } });
          }
        },
      };
    },
  };
}

/** Whether Apollo answers a request with this `Accept` in `application/graphql-response+json` (the same negotiation it makes). */
function answersGraphQLResponseJson(accept: string | undefined): boolean {
  if (!accept) return false;
  return new Negotiator({ headers: { accept } }).mediaType(['application/json', 'application/graphql-response+json']) === 'application/graphql-response+json';
}

/**
 * Checks each representation `_entities` receives, which @apollo/subgraph leaves to `_Any` (no
 * validation): one that is not an object naming an entity type of this subgraph is that item's
 * BAD_USER_INPUT, not an exception that fails the whole list as an internal error. The rest resolve.
 */
export function checkRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  if (!field) return schema;
  const resolve = field.resolve ?? defaultFieldResolver;
  const entityTypes = new Set((schema.getType('_Entity') as GraphQLUnionType | undefined)?.getTypes().map((type) => type.name));
  field.resolve = (source, args: { representations: unknown[] }, context: Context, info) => {
    const problems = args.representations.map((representation, i) => representationProblem(representation, i, entityTypes));
    if (problems.every((problem) => problem === undefined)) return resolve(source, args, context, info);
    const valid = args.representations.filter((_, i) => problems[i] === undefined);
    const resolved = resolve(source, { ...args, representations: valid }, context, info) as MaybePromise<readonly unknown[]>;
    // Splices each invalid item's error back at its index, so paths stay aligned with the input.
    return andThen(resolved, (results) => {
      let next = 0;
      return problems.map((problem) => problem ?? results[next++]);
    });
  };
  return schema;
}

function representationProblem(representation: unknown, index: number, entityTypes: ReadonlySet<string>): AppError | undefined {
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
    return new AppError('BAD_USER_INPUT', `Representation ${index} is not an object with a __typename and the entity's key fields.`);
  }
  const typename = (representation as { __typename?: unknown }).__typename;
  if (typeof typename !== 'string' || !entityTypes.has(typename)) {
    return new AppError(
      'BAD_USER_INPUT',
      `Representation ${index} has __typename ${quoteInput(String(typename))}; this subgraph resolves ${[...entityTypes].join(', ')}.`,
    );
  }
  return undefined;
}
