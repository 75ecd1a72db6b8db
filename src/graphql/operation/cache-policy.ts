/**
 * An operation's cache policy from the `@cacheControl` hints of every field it selects, by Apollo Server's rules but
 * decided once from the plan, not by a hook per resolved field: a field returning a composite type takes its type's hint,
 * else 0 unless it or the type says `inheritMaxAge`; a field's own hint overrides its type's; a root field without one is
 * 0; scalars below the root add nothing; the smallest `maxAge` wins. Where Apollo decides at run time this is as strict
 * or stricter: a field under a null parent still counts, `_entities` takes the strictest entity's hint, introspection is 0.
 */
import {
  getNamedType,
  isCompositeType,
  isUnionType,
  Kind,
  type ConstDirectiveNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
} from 'graphql';
import type { PlannedField } from './plan.js';

/** What a response may be cached for: `maxAge` seconds (0: not at all) in shared or private caches. */
export interface ResponsePolicy {
  readonly maxAge: number;
  readonly scope: 'PUBLIC' | 'PRIVATE';
}

export const NOT_CACHEABLE: ResponsePolicy = Object.freeze({ maxAge: 0, scope: 'PUBLIC' });

interface Hint {
  readonly maxAge?: number;
  readonly scope?: 'PUBLIC' | 'PRIVATE';
  readonly inheritMaxAge?: boolean;
}

export function cacheControlHeader(policy: ResponsePolicy, hasErrors: boolean): string {
  return hasErrors || policy.maxAge <= 0 ? 'no-store' : `max-age=${policy.maxAge}, ${policy.scope.toLowerCase()}`;
}

/** The most restrictive hint of every planned field (skipped ones included: a policy holds for every request of the operation). */
export function cachePolicy(roots: readonly PlannedField[]): ResponsePolicy {
  let maxAge = Number.POSITIVE_INFINITY;
  let scope: ResponsePolicy['scope'] = 'PUBLIC';
  const walk = (fields: readonly PlannedField[], isRoot: boolean): void => {
    for (const field of fields) {
      const name = field.definition.name;
      if (name === '__typename') continue;
      if (name.startsWith('__')) {
        maxAge = 0;
        continue;
      }
      const hint = fieldHint(field, isRoot);
      if (hint.maxAge !== undefined) maxAge = Math.min(maxAge, hint.maxAge);
      if (hint.scope === 'PRIVATE') scope = 'PRIVATE';
      walk(field.children, false);
    }
  };
  walk(roots, true);
  return maxAge === Number.POSITIVE_INFINITY || maxAge <= 0 ? NOT_CACHEABLE : { maxAge, scope };
}

function fieldHint(field: PlannedField, isRoot: boolean): Hint {
  const { definition } = field;
  const target: GraphQLNamedType = getNamedType(definition.type);
  let hint: Hint = {};
  let inherit = false;
  const composite = isCompositeType(target);
  if (composite) {
    hint = isRoot && definition.name === '_entities' && isUnionType(target) ? strictestOf(target.getTypes()) : hintOf(target.astNode?.directives, target.extensionASTNodes);
    inherit = hint.inheritMaxAge === true;
  }
  const own = hintOf(definition.astNode?.directives, []);
  if (own.inheritMaxAge && hint.maxAge === undefined) {
    inherit = true;
    if (own.scope) hint = { ...hint, scope: own.scope };
  } else if (own.maxAge !== undefined || own.scope !== undefined) {
    hint = { ...hint, ...own };
  }
  if (hint.maxAge === undefined && ((composite && !inherit) || isRoot)) hint = { ...hint, maxAge: 0 };
  return hint;
}

function strictestOf(types: readonly GraphQLCompositeType[]): Hint {
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

/** The `@cacheControl` arguments on a definition or its extensions, as Apollo reads them. */
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
