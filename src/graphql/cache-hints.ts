/**
 * Cache hints for routers and CDNs without a hook on every resolved field.
 *
 * Apollo Server's default cache-control plugin computes a response's `Cache-Control` from the
 * `@cacheControl` hints of every field it resolves, through a `willResolveField` hook: one closure
 * and one policy object per field, 300 of them for 100 distances. Our hints sit on types, never
 * change at run time (no resolver sets a dynamic hint), so the policy of an operation follows from
 * its text: this plugin derives it once per parsed operation, with Apollo's rules, and sets the
 * header as Apollo's plugin would. Apollo's own plugin must be turned off beside it
 * (`ApolloServerPluginCacheControlDisabled`).
 *
 * Apollo's rules, applied to every field the operation selects (fragments and aliases included):
 * a field returning an object, interface or union takes its type's hint, else 0 unless the type (or
 * the field) says `inheritMaxAge`; a field's own `@cacheControl` overrides its type's; a root field
 * without a hint is 0; scalar fields below the root add nothing. The response may be kept for the
 * smallest `maxAge` found, and is `no-store` when that is 0 or when the response has errors.
 * Where Apollo decides at run time, this is at least as strict:
 *  - a field under a parent that resolved to null still counts (Apollo never resolves it);
 *  - `_entities` counts the hint of every entity type the schema has (Apollo counts the types of
 *    the representations sent, and none for an empty list, which it then answers `no-store`);
 *  - introspection (`__schema`, `__type`) and `_service` are `no-store` (Apollo: by default too,
 *    except introspection beside a hinted field).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  type ConstDirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

const hasFields = (type: unknown): type is GraphQLObjectType | GraphQLInterfaceType => isObjectType(type) || isInterfaceType(type);
const isComposite = (type: unknown): type is GraphQLCompositeType => hasFields(type) || isUnionType(type);
function namedType(type: GraphQLOutputType): GraphQLNamedType {
  let t: GraphQLOutputType = type;
  while ('ofType' in t) t = t.ofType;
  return t;
}

/** What a response may be cached for: `maxAge` seconds (0: not at all) in shared or private caches. */
export interface ResponsePolicy {
  readonly maxAge: number;
  readonly scope: 'PUBLIC' | 'PRIVATE';
}

interface Hint {
  readonly maxAge?: number;
  readonly scope?: 'PUBLIC' | 'PRIVATE';
  readonly inheritMaxAge?: boolean;
}

const NOT_CACHEABLE: ResponsePolicy = Object.freeze({ maxAge: 0, scope: 'PUBLIC' });

/** The `Cache-Control` header Apollo's plugin sets for a policy and a response with or without errors. */
export function cacheControlHeader(policy: ResponsePolicy, hasErrors: boolean): string {
  return hasErrors || policy.maxAge <= 0 ? 'no-store' : `max-age=${policy.maxAge}, ${policy.scope.toLowerCase()}`;
}

/**
 * The policy of one operation of a document: the most restrictive hint of every field it selects.
 * Pure; {@link cacheHintsPlugin} memoizes it per parsed operation.
 */
export function operationPolicy(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): ResponsePolicy {
  const root = schema.getRootType(operation.operation);
  if (!root) return NOT_CACHEABLE;
  let maxAge = Number.POSITIVE_INFINITY;
  let scope: ResponsePolicy['scope'] = 'PUBLIC';
  const restrict = (hint: Hint): void => {
    if (hint.maxAge !== undefined) maxAge = Math.min(maxAge, hint.maxAge);
    if (hint.scope === 'PRIVATE') scope = 'PRIVATE';
  };

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, isRoot: boolean, spread: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (isComposite(type)) walk(selection.selectionSet, type, isRoot, spread);
        else maxAge = 0;
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (spread.has(name)) continue; // a cycle; validation rejects it anyway
        if (fragment && isComposite(type)) walk(fragment.selectionSet, type, isRoot, new Set([...spread, name]));
        else maxAge = 0;
        continue;
      }
      const name = selection.name.value;
      if (name === '__typename') continue;
      const field = hasFields(parent) ? parent.getFields()[name] : undefined;
      // Introspection and anything the schema does not know (validation fails it first) are never cached.
      if (!field) {
        maxAge = 0;
        continue;
      }
      const target = namedType(field.type);
      restrict(fieldHint(field, target, isRoot));
      if (selection.selectionSet && isComposite(target)) walk(selection.selectionSet, target, false, spread);
    }
  };
  walk(operation.selectionSet, root, true, new Set());
  return maxAge === Number.POSITIVE_INFINITY || maxAge <= 0 ? NOT_CACHEABLE : { maxAge, scope };
}

// Private: the policy Apollo's plugin gives one field (see the header for `_entities`).
function fieldHint(field: GraphQLField<unknown, unknown>, target: GraphQLNamedType, isRoot: boolean): Hint {
  let hint: Hint = {};
  let inherit = false;
  const composite = isComposite(target);
  if (composite) {
    hint = isRoot && field.name === '_entities' && isUnionType(target) ? entitiesHint(target.getTypes()) : hintOf(target.astNode?.directives, target.extensionASTNodes);
    inherit = hint.inheritMaxAge === true;
  }
  const own = hintOf(field.astNode?.directives, []);
  if (own.inheritMaxAge && hint.maxAge === undefined) {
    inherit = true;
    if (own.scope) hint = { ...hint, scope: own.scope };
  } else if (own.maxAge !== undefined || own.scope !== undefined) {
    hint = { ...hint, ...own };
  }
  if (hint.maxAge === undefined && ((composite && !inherit) || isRoot)) hint = { ...hint, maxAge: 0 };
  return hint;
}

// Private: `_entities` may return any entity type; take the strictest of their hints.
function entitiesHint(types: readonly GraphQLCompositeType[]): Hint {
  let maxAge: number | undefined;
  let scope: Hint['scope'];
  for (const type of types) {
    const hint = hintOf(type.astNode?.directives, type.extensionASTNodes);
    const age = hint.maxAge ?? 0;
    maxAge = maxAge === undefined ? age : Math.min(maxAge, age);
    if (hint.scope === 'PRIVATE') scope = 'PRIVATE';
  }
  return { maxAge: maxAge ?? 0, ...(scope && { scope }) };
}

// Private: the `@cacheControl` arguments on a definition or its extensions, as Apollo reads them.
function hintOf(directives: readonly ConstDirectiveNode[] | undefined, extensions: readonly { readonly directives?: readonly ConstDirectiveNode[] }[]): Hint {
  for (const list of [directives, ...extensions.map((e) => e.directives)]) {
    const directive = list?.find((d) => d.name.value === 'cacheControl');
    if (!directive?.arguments) continue;
    const arg = (name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
    const maxAge = arg('maxAge');
    const scope = arg('scope');
    const inherit = arg('inheritMaxAge');
    const scopeValue = scope?.kind === Kind.ENUM && (scope.value === 'PUBLIC' || scope.value === 'PRIVATE') ? scope.value : undefined;
    if (inherit?.kind === Kind.BOOLEAN && inherit.value) return { inheritMaxAge: true, ...(scopeValue && { scope: scopeValue }) };
    return { ...(maxAge?.kind === Kind.INT && { maxAge: Number.parseInt(maxAge.value, 10) }), ...(scopeValue && { scope: scopeValue }) };
  }
  return {};
}

export interface CacheHintsOptions<TContext> {
  /** A response this says yes for is `no-store` whatever its hints, as one with errors is (e.g. it carries a warning). */
  readonly uncacheable?: (context: TContext) => boolean;
  /** Told the policy each response was given (`maxAge` 0 when it is not cacheable). */
  readonly onPolicy?: (context: TContext, policy: ResponsePolicy) => void;
}

/**
 * Sets `Cache-Control` on every response from the policy of its operation, computed once per
 * parsed operation (Apollo reuses the parsed document of a repeated query, so a repeated
 * operation costs one WeakMap lookup).
 */
export function cacheHintsPlugin<TContext extends object>(options: CacheHintsOptions<TContext> = {}): ApolloServerPlugin<TContext> {
  const policies = new WeakMap<OperationDefinitionNode, ResponsePolicy>();
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation, document, schema, contextValue }) {
          const hasErrors =
            response.body.kind !== 'single' || (response.body.singleResult.errors?.length ?? 0) > 0 || options.uncacheable?.(contextValue) === true;
          let policy = NOT_CACHEABLE;
          if (!hasErrors && operation && document) {
            let known = policies.get(operation);
            if (!known) {
              const fragments = new Map<string, FragmentDefinitionNode>();
              for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
              known = operationPolicy(schema, operation, fragments);
              policies.set(operation, known);
            }
            policy = known;
          }
          response.http.headers.set('cache-control', cacheControlHeader(policy, hasErrors));
          options.onPolicy?.(contextValue, policy);
        },
      };
    },
  };
}
