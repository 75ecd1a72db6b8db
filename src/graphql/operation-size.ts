/**
 * The size of an operation, measured from its text and variables before anything runs: every
 * input list against its own bound, and the fields the response would hold, counted once per list
 * item they appear in, aliases and fragments included. A list's size is known from the arguments
 * (`pairs`, `representations`, `origins` × `destinations`), so an operation that would build a
 * response of millions of fields is refused with BAD_USER_INPUT before a single code is looked up.
 *
 * Why a count of fields, not only list limits: each list was bounded, and still one request could
 * multiply them (`distanceMatrix(origins: [])` bypassed a product limit; fifteen aliased
 * `distanceTo` under 60,000 entities asked for 900,000 distances). Fields are what the response is
 * made of, so their count bounds both the work and the bytes.
 *
 * The count is an upper bound: a field under a parent that resolves to null is counted anyway, and
 * `@skip`/`@include` with a variable that is not a boolean count as included.
 */
import {
  getNamedType,
  isInterfaceType,
  isListType,
  isObjectType,
  isNonNullType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { AppError } from '../errors.js';

/** The bounds `measureOperation` checks. */
export interface SizeLimits {
  readonly maxDistancePairs: number;
  readonly maxMatrixCells: number;
  readonly maxEntities: number;
  /** Most fields one response may hold (every field counted once per list item it appears in). */
  readonly maxResponseFields: number;
}

/** What the measure found of an operation that fits its limits. */
export interface OperationSize {
  /** Fields the response holds at most. */
  readonly fields: number;
  /** Whether a variable's value entered the measure; when not, every request of the operation measures the same. */
  readonly readVariables: boolean;
}

/** Argument values as sent: literals, or variables' raw JSON (coercion comes later). */
type Args = Readonly<Record<string, unknown>>;

/** Sizes that a field's list children take from an ancestor's arguments (a matrix's sides). */
interface Scope {
  readonly origins?: number;
  readonly destinations?: number;
}

interface Rule {
  /** Throws BAD_USER_INPUT when an input list is over its bound. */
  readonly check?: (args: Args, limits: SizeLimits) => void;
  /** How many items the field's list holds; fields without a rule that return a list count 1. */
  readonly size?: (args: Args, scope: Scope) => number;
  /** What the field's descendants may read. */
  readonly scope?: (args: Args) => Scope;
}

/** Items in a list argument as sent: coercion turns a single value into a one-item list. */
export const itemsIn = (value: unknown): number => (Array.isArray(value) ? value.length : value === undefined || value === null ? 0 : 1);

const over = (what: string, count: number, max: number, advice: string): AppError =>
  new AppError('BAD_USER_INPUT', `Too many ${what}: ${count} given, at most ${max} per call. ${advice}`);

/** The rules, by the schema coordinate (`Type.field`) in canonical names. A unit test holds every list field and list argument of the schema to having one. */
const RULES: Readonly<Record<string, Rule>> = {
  'Query.distances': {
    check: (args, limits) => {
      const pairs = itemsIn(args.pairs);
      if (pairs > limits.maxDistancePairs) throw over('pairs', pairs, limits.maxDistancePairs, 'Split the list.');
    },
    size: (args) => itemsIn(args.pairs),
  },
  'Query.distanceMatrix': {
    check: (args, limits) => {
      const origins = itemsIn(args.origins);
      const destinations = itemsIn(args.destinations);
      const max = limits.maxMatrixCells;
      // Each side on its own too: an empty side makes the product 0 whatever the other holds.
      if (origins > max) throw over('origins', origins, max, 'Split the matrix.');
      if (destinations > max) throw over('destinations', destinations, max, 'Split the matrix.');
      if (origins * destinations > max) {
        throw new AppError('BAD_USER_INPUT', `Matrix too large: ${origins} × ${destinations} = ${origins * destinations} cells, at most ${max} per call. Split it.`);
      }
    },
    scope: (args) => ({ origins: itemsIn(args.origins), destinations: itemsIn(args.destinations) }),
  },
  'DistanceMatrix.origins': { size: (_, scope) => scope.origins ?? 0 },
  'DistanceMatrix.destinations': { size: (_, scope) => scope.destinations ?? 0 },
  'DistanceMatrix.rows': { size: (_, scope) => scope.origins ?? 0 },
  'DistanceMatrixRow.distances': { size: (_, scope) => scope.destinations ?? 0 },
  'Query._entities': {
    check: (args, limits) => {
      const representations = itemsIn(args.representations);
      if (representations > limits.maxEntities) throw over('representations', representations, limits.maxEntities, 'Send at most MAX_ENTITIES per _entities call.');
    },
    size: (args) => itemsIn(args.representations),
  },
};

/** Schema coordinates of the fields and arguments `RULES` covers (for the test that keeps them complete). */
export const RULE_COORDINATES: readonly string[] = Object.keys(RULES);

/**
 * Measures `operation` with `variables` against `limits`. Throws BAD_USER_INPUT (an `AppError`)
 * naming the first bound it breaks. `canonical` maps a schema coordinate (`Type.field`) to the
 * canonical one the rules use (they differ under a schema prefix: `SchemaNaming.toCanonical`).
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Readonly<Record<string, unknown>> | undefined,
  limits: SizeLimits,
  canonical: (coordinate: string) => string = (coordinate) => coordinate,
): OperationSize {
  const vars = variables ?? {};
  let readVariables = false;
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) readVariables = true;
    return literalValue(node, vars);
  };
  let fields = 0;

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, multiplicity: number, scope: Scope, spread: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (!included(selection.directives, valueOf)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type) walk(selection.selectionSet, type, multiplicity, scope, spread);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        // A cycle is a validation error; it never reaches here, but must not loop if it did.
        if (fragment && type && !spread.has(name)) walk(fragment.selectionSet, type, multiplicity, scope, new Set([...spread, name]));
        continue;
      }
      const name = selection.name.value;
      const field: GraphQLField<unknown, unknown> | undefined = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
      if (!field) {
        fields += multiplicity; // __typename, introspection: one value each
        continue;
      }
      const rule = RULES[canonical(`${parent.name}.${name}`)];
      // Arguments are read only where a rule reads them: other fields' variables never change the size.
      const args: Record<string, unknown> = {};
      if (rule) {
        for (const arg of field.args) if (arg.defaultValue !== undefined) args[arg.name] = arg.defaultValue;
        for (const arg of selection.arguments ?? []) args[arg.name.value] = valueOf(arg.value);
        rule.check?.(args, limits);
      }
      const size = returnsList(field) ? (rule?.size?.(args, scope) ?? 1) : 1;
      const count = multiplicity * size;
      fields += count;
      if (fields > limits.maxResponseFields) {
        throw new AppError(
          'BAD_USER_INPUT',
          `This operation would return more than ${limits.maxResponseFields} fields (MAX_RESPONSE_FIELDS), counting each field once per list item it appears in; ask for fewer items or fewer fields per item.`,
        );
      }
      if (selection.selectionSet) walk(selection.selectionSet, getNamedType(field.type), count, rule?.scope?.(args) ?? scope, spread);
    }
  };

  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, 1, {}, new Set());
  return { fields, readVariables };
}

function returnsList(field: GraphQLField<unknown, unknown>): boolean {
  const type = isNonNullType(field.type) ? field.type.ofType : field.type;
  return isListType(type);
}

/** Whether `@skip`/`@include` leave a selection in; a condition that cannot be read counts as included. */
function included(directives: readonly { readonly name: { readonly value: string }; readonly arguments?: readonly { readonly value: ValueNode }[] }[] | undefined, valueOf: (node: ValueNode) => unknown): boolean {
  for (const directive of directives ?? []) {
    const condition = directive.arguments?.[0] ? valueOf(directive.arguments[0].value) : undefined;
    if (directive.name.value === 'skip' && condition === true) return false;
    if (directive.name.value === 'include' && condition === false) return false;
  }
  return true;
}

/** A value node as plain data: lists as arrays (their items only counted), variables from `variables`. */
function literalValue(node: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.LIST:
      return node.values;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    default:
      return node.kind === Kind.STRING || node.kind === Kind.ENUM ? node.value : node;
  }
}
