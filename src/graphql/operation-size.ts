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
import { METERS_PER_UNIT, pageSize, searchCountries, searchPoint, searchRadiusMeters, type DistanceUnit } from '../spatial/arguments.js';

/** The bounds `measureOperation` checks. */
export interface SizeLimits {
  readonly maxDistancePairs: number;
  readonly maxMatrixCells: number;
  readonly maxEntities: number;
  /** Largest page of a spatial search (`first`). */
  readonly maxNearbyResults: number;
  /** Most spatial searches one operation may run (each counted once per list item it appears in). */
  readonly maxNearbySearches: number;
  /** Most fields one response may hold (every field counted once per list item it appears in). */
  readonly maxResponseFields: number;
}

/** What the measure found of an operation that fits its limits. */
export interface OperationSize {
  /** Fields the response holds at most. */
  readonly fields: number;
  /** Whether a variable's value entered the measure; when not, every request of the operation measures the same. */
  readonly readVariables: boolean;
  /** Spatial searches the operation runs at most. */
  readonly searches: number;
}

/** Argument values as sent: literals, or variables' raw JSON (coercion comes later). */
type Args = Readonly<Record<string, unknown>>;

/** Sizes that a field's list children take from an ancestor's arguments (a matrix's sides, a page's size). */
interface Scope {
  readonly origins?: number;
  readonly destinations?: number;
  /** Edges of a spatial search's page. */
  readonly first?: number;
}

interface Rule {
  /** Throws BAD_USER_INPUT when an input list is over its bound. */
  readonly check?: (args: Args, limits: SizeLimits) => void;
  /** How many items the field's list holds; fields without a rule that return a list count 1. */
  readonly size?: (args: Args, scope: Scope) => number;
  /** What the field's descendants may read. */
  readonly scope?: (args: Args) => Scope;
  /** The field runs a spatial search each time it resolves: counted against `maxNearbySearches`. */
  readonly search?: true;
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
  // A spatial search: its arguments checked here, before any lookup (the resolver checks them
  // again, with the countries loaded); its page holds `first` edges. A `nearby` under a list
  // (`_entities`, another search's edges) runs once per item: its fields multiply against
  // MAX_RESPONSE_FIELDS, and its searches against MAX_NEARBY_SEARCHES, since a search costs
  // a hundred times what a field does (0.03 to 0.5 ms).
  'Location.nearby': {
    check: (args, limits) => checkSearch(args, 'radius', limits),
    scope: (args) => ({ first: sizeOf(args.first) }),
    search: true,
  },
  'Query.nearestLocations': {
    check: (args, limits) => {
      if (typeof args.latitude === 'number' && typeof args.longitude === 'number') searchPoint(args.latitude, args.longitude);
      checkSearch(args, 'within', limits);
    },
    scope: (args) => ({ first: sizeOf(args.first) }),
    search: true,
  },
  'LocationConnection.edges': { size: (_, scope) => scope.first ?? 0 },
  'Query._entities': {
    check: (args, limits) => {
      const representations = itemsIn(args.representations);
      if (representations > limits.maxEntities) throw over('representations', representations, limits.maxEntities, 'Send at most MAX_ENTITIES per _entities call.');
    },
    size: (args) => itemsIn(args.representations),
  },
};

/**
 * Checks the arguments of a spatial search as sent, each by the rule the search applies
 * (src/spatial/arguments.ts). A value of the wrong type is left to GraphQL's coercion, which
 * refuses it with its own BAD_USER_INPUT once this measure is done.
 */
function checkSearch(args: Args, radius: 'radius' | 'within', limits: SizeLimits): void {
  const unit = typeof args.unit === 'string' && Object.hasOwn(METERS_PER_UNIT, args.unit) ? (args.unit as DistanceUnit) : undefined;
  if (typeof args[radius] === 'number' && unit) searchRadiusMeters(radius, args[radius], unit);
  if (typeof args.first === 'number') pageSize(args.first, limits.maxNearbyResults);
  const countries = args.countryCodes;
  if (Array.isArray(countries) ? countries.every((c) => typeof c === 'string') : typeof countries === 'string') {
    searchCountries(Array.isArray(countries) ? (countries as string[]) : [countries as string]);
  }
}

/** A page size as sent, for counting: a number that passed its check, or 0 for one coercion will refuse. */
const sizeOf = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : 0);

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
  let searches = 0;

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
        for (const arg of selection.arguments ?? []) {
          const value = valueOf(arg.value);
          // A variable that was not sent leaves the argument to its default, as coercion will.
          if (value !== undefined || arg.value.kind !== Kind.VARIABLE) args[arg.name.value] = value;
        }
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
      if (rule?.search) {
        searches += count;
        if (searches > limits.maxNearbySearches) {
          throw new AppError(
            'BAD_USER_INPUT',
            `This operation would run more than ${limits.maxNearbySearches} spatial searches (MAX_NEARBY_SEARCHES), counting each \`nearby\` once per list item it appears in; search around fewer locations per operation.`,
          );
        }
      }
      if (selection.selectionSet) walk(selection.selectionSet, getNamedType(field.type), count, rule?.scope?.(args) ?? scope, spread);
    }
  };

  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, 1, {}, new Set());
  return { fields, searches, readVariables };
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

/** A value node as plain data: lists as arrays of their items' values, variables from `variables`, input objects as their nodes. */
function literalValue(node: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.LIST:
      return node.values.map((item) => literalValue(item, variables));
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
