/**
 * The size of an operation before it runs, from its plan and the variable values it will run with
 * (coerced by graphql-js, defaults included): every input list against its bound, the fields the
 * response would hold and the spatial searches it would run, each counted once per list item it
 * appears in. The count is an upper bound: a field under a parent that resolves to null counts.
 * The verdict is per root field: a field over a bound is refused and never resolved, the others run.
 * `_entities` is refused item by item from the first that does not fit, so a router always gets its
 * list back. A list whose size no rule knows is refused rather than guessed.
 */
import { getArgumentValues, GraphQLBoolean, GraphQLNonNull, valueFromAST, type DirectiveNode, type GraphQLSchema } from 'graphql';
import { AppError, isAppError } from '../../errors.js';
import { checkPlaceName, searchAdminCode } from '../../place-names/arguments.js';
import type { PlaceMatch } from '../../place-names/name-search.js';
import { parseArea, type AreaArgs } from '../../spatial/area.js';
import { MAX_DATASETS } from '../../gazetteer/datasets.js';
import { pageSize, searchCountries, searchPoint, searchRadiusMeters, type DistanceUnit } from '../../spatial/arguments.js';
import type { PlannedField } from './plan.js';

export interface SizeLimits {
  readonly maxDistancePairs: number;
  readonly maxMatrixCells: number;
  readonly maxEntities: number;
  /** Largest page of a spatial search (`first`). */
  readonly maxNearbyResults: number;
  /** Most searches one operation may run (each counted once per list item it appears in). */
  readonly maxNearbySearches: number;
  /** Most positions of a `locationsInArea` polygon, every ring together. */
  readonly maxAreaVertices: number;
  /** Most rings of a `locationsInArea` polygon. */
  readonly maxAreaRings: number;
  /** Fewest characters of a PREFIX `locationsByPlace` name, once normalized. */
  readonly minPlacePrefix: number;
  /** Most fields one response may hold (every field counted once per list item it appears in). */
  readonly maxResponseFields: number;
}

export type VariableValues = Readonly<Record<string, unknown>>;

/** Why a root field does not run, or (`_entities`) from which item on it does not. */
export type Verdict =
  | { readonly kind: 'refused'; readonly error: AppError }
  | { readonly kind: 'partial'; readonly allowed: number; readonly error: AppError };

export interface Size {
  /** Fields the response holds at most, refused fields left out. */
  readonly fields: number;
  /** Spatial searches the operation runs at most. */
  readonly searches: number;
  /** Verdicts by response key; undefined when everything runs. */
  readonly verdicts: ReadonlyMap<string, Verdict> | undefined;
}

type Args = Readonly<Record<string, unknown>>;

/** Sizes that a field's list children take from an ancestor's arguments (a matrix's sides, a page's size). */
interface Scope {
  readonly origins?: number;
  readonly destinations?: number;
  /** Edges of a spatial search's page. */
  readonly first?: number;
}

interface Rule {
  /** Throws BAD_USER_INPUT when an argument is over its bound. */
  readonly check?: (args: Args, limits: SizeLimits) => void;
  readonly size?: (args: Args, scope: Scope) => number;
  /** What the field's descendants may read. */
  readonly scope?: (args: Args) => Scope;
  /** The field runs a spatial search each time it resolves: counted against `maxNearbySearches`. */
  readonly search?: true;
}

/** Items in a coerced list argument (coercion has made a single value a list of one). */
const itemsIn = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

const over = (what: string, count: number, max: number, advice: string): AppError =>
  new AppError('BAD_USER_INPUT', `Too many ${what}: ${count} given, at most ${max} per call. ${advice}`);

const tooManyFields = (limits: SizeLimits): AppError =>
  new AppError(
    'BAD_USER_INPUT',
    `This operation would return more than ${limits.maxResponseFields} fields (MAX_RESPONSE_FIELDS), counting each field once per list item it appears in; ask for fewer items or fewer fields per item.`,
  );

const tooManySearches = (limits: SizeLimits): AppError =>
  new AppError(
    'BAD_USER_INPUT',
    `This operation would run more than ${limits.maxNearbySearches} spatial searches (MAX_NEARBY_SEARCHES), counting each \`nearby\` once per list item it appears in; search around fewer locations per operation.`,
  );

/** A spatial search's arguments, checked as the search checks them (spatial/arguments.ts). */
function checkSearch(args: Args, radius: 'radius' | 'within', limits: SizeLimits): void {
  const unit = args.unit as DistanceUnit;
  const value = args[radius];
  if (typeof value === 'number') searchRadiusMeters(radius, value, unit);
  pageSize(args.first as number, limits.maxNearbyResults);
  searchCountries(args.countryCodes as readonly string[] | null | undefined);
}

/** The rules, by canonical schema coordinate. A unit test holds every list field and list argument of the schema to having one. */
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
  // A search under a list (`_entities`, another search's edges) runs once per item: its fields
  // multiply against MAX_RESPONSE_FIELDS, its searches against MAX_NEARBY_SEARCHES.
  'Location.nearby': {
    check: (args, limits) => checkSearch(args, 'radius', limits),
    scope: (args) => ({ first: args.first as number }),
    search: true,
  },
  'Query.nearestLocations': {
    check: (args, limits) => {
      searchPoint(args.latitude as number, args.longitude as number);
      checkSearch(args, 'within', limits);
    },
    scope: (args) => ({ first: args.first as number }),
    search: true,
  },
  'LocationConnection.edges': { size: (_, scope) => scope.first ?? 0 },
  // The polygon is checked whole here, its positions counted against MAX_AREA_VERTICES, before any code is tested.
  'Query.locationsInArea': {
    check: (args, limits) => {
      parseArea(args as AreaArgs, limits);
      pageSize(args.first as number, limits.maxNearbyResults);
      searchCountries(args.countryCodes as readonly string[] | null | undefined);
    },
    scope: (args) => ({ first: args.first as number }),
    search: true,
  },
  'Query.locationsByPlace': {
    check: (args, limits) => {
      checkPlaceName(args.name as string, args.match as PlaceMatch, limits.minPlacePrefix);
      pageSize(args.first as number, limits.maxNearbyResults);
      searchCountries(args.countryCodes as readonly string[] | null | undefined);
      searchAdminCode(args.adminCode as string | null | undefined);
    },
    scope: (args) => ({ first: args.first as number }),
    search: true,
  },
  'LocationMatchConnection.edges': { size: (_, scope) => scope.first ?? 0 },
  // As many as the files loaded, which cannot pass the files the service can load.
  'Query.datasets': { size: () => MAX_DATASETS },
  'Query._entities': { size: (args) => itemsIn(args.representations) },
};

export const RULE_COORDINATES: readonly string[] = Object.keys(RULES);

/**
 * The list arguments the rules read only the length of, by coordinate. Coercion keeps a list's
 * length, so a variable given as such an argument's whole value need not be coerced to be measured.
 */
export const COUNTED_ARGUMENTS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['Query.distances', new Set(['pairs'])],
  ['Query.distanceMatrix', new Set(['origins', 'destinations'])],
  ['Query._entities', new Set(['representations'])],
]);

const ENTITIES = 'Query._entities';

/** Whether a field's `@skip`/`@include` conditions leave it in. */
function included(conditions: readonly DirectiveNode[], variables: VariableValues): boolean {
  for (const directive of conditions) {
    const value = directive.arguments?.[0]?.value;
    const condition = value && valueFromAST(value, CONDITION, variables);
    if (directive.name.value === 'skip' ? condition === true : condition === false) return false;
  }
  return true;
}
const CONDITION = new GraphQLNonNull(GraphQLBoolean);

/** The arguments of a field as execution will see them; a value coercion refuses is this field's refusal. */
function argumentsOf(field: PlannedField, variables: VariableValues): Args {
  try {
    return getArgumentValues(field.definition, field.node, variables);
  } catch (error) {
    throw new AppError('BAD_USER_INPUT', error instanceof Error ? error.message : String(error));
  }
}

interface Cost {
  fields: number;
  searches: number;
}

/** Measures planned fields against `limits`. Throws nothing: every refusal is a verdict. */
export function measureSize(schema: GraphQLSchema, roots: readonly PlannedField[], variables: VariableValues, limits: SizeLimits): Size {
  const introspection = introspectionBound(schema);

  const cost = (fields: readonly PlannedField[], multiplicity: number, scope: Scope, into: Cost): void => {
    for (const field of fields) {
      if (!included(field.conditions, variables)) continue;
      const rule = RULES[field.coordinate];
      const args = rule?.check || rule?.size || rule?.scope ? argumentsOf(field, variables) : NO_ARGS;
      rule?.check?.(args, limits);
      const count = multiplicity * (field.returnsList ? listSize(field, rule, args, scope, introspection) : 1);
      into.fields += count;
      if (rule?.search) into.searches += count;
      if (field.children.length > 0) cost(field.children, count, rule?.scope?.(args) ?? scope, into);
    }
  };

  const total: Cost = { fields: 0, searches: 0 };
  let verdicts: Map<string, Verdict> | undefined;
  const refuse = (key: string, verdict: Verdict): void => void (verdicts ??= new Map()).set(key, verdict);

  for (const root of roots) {
    if (!included(root.conditions, variables)) continue;
    try {
      if (root.coordinate === ENTITIES) {
        const partial = entitiesVerdict(root, variables, limits, total, (fields, into) => cost(fields, 1, {}, into));
        if (partial) refuse(root.key, partial);
        continue;
      }
      const own: Cost = { fields: 0, searches: 0 };
      cost([root], 1, {}, own);
      if (total.fields + own.fields > limits.maxResponseFields) refuse(root.key, { kind: 'refused', error: tooManyFields(limits) });
      else if (total.searches + own.searches > limits.maxNearbySearches) refuse(root.key, { kind: 'refused', error: tooManySearches(limits) });
      else {
        total.fields += own.fields;
        total.searches += own.searches;
      }
    } catch (error) {
      if (!isAppError(error)) throw error;
      refuse(root.key, root.coordinate === ENTITIES ? { kind: 'partial', allowed: 0, error } : { kind: 'refused', error });
    }
  }
  return { fields: total.fields, searches: total.searches, verdicts };
}

/**
 * `_entities`: how many representations fit what is left of the limits, at the cost of one item
 * (every item selects the same fields); undefined when all of them do. Adds what runs to `total`.
 */
function entitiesVerdict(root: PlannedField, variables: VariableValues, limits: SizeLimits, total: Cost, costOf: (fields: readonly PlannedField[], into: Cost) => void): Verdict | undefined {
  const sent = itemsIn(argumentsOf(root, variables).representations);
  const item: Cost = { fields: 1, searches: 0 };
  costOf(root.children, item);
  let allowed = sent;
  let error: AppError | undefined;
  const fit = (most: number, why: () => AppError): void => {
    if (most >= allowed) return;
    allowed = Math.max(0, most);
    error = why();
  };
  fit(limits.maxEntities, () => over('representations', sent, limits.maxEntities, `Send at most MAX_ENTITIES (${limits.maxEntities}) per _entities call: the first ${limits.maxEntities} were resolved.`));
  fit(Math.floor((limits.maxResponseFields - total.fields) / item.fields), () => tooManyFields(limits));
  if (item.searches > 0) fit(Math.floor((limits.maxNearbySearches - total.searches) / item.searches), () => tooManySearches(limits));
  total.fields += allowed * item.fields;
  total.searches += allowed * item.searches;
  return error ? { kind: 'partial', allowed, error } : undefined;
}

const NO_ARGS: Args = Object.freeze({});

/** The items of a list field: by its rule, or for introspection's lists by the schema's size; any other list is refused. */
function listSize(field: PlannedField, rule: Rule | undefined, args: Args, scope: Scope, introspection: number): number {
  if (rule?.size) return rule.size(args, scope);
  if (field.parent.name.startsWith('__') || field.definition.name.startsWith('__')) return introspection;
  throw new AppError('BAD_USER_INPUT', `This subgraph cannot size the list ${field.coordinate} before running it, so it does not run it.`);
}

/** The longest list introspection can return for a schema: its types, or the most fields, arguments, values or members of one. */
const introspectionBounds = new WeakMap<GraphQLSchema, number>();
function introspectionBound(schema: GraphQLSchema): number {
  let bound = introspectionBounds.get(schema);
  if (bound !== undefined) return bound;
  const types = Object.values(schema.getTypeMap());
  bound = Math.max(types.length, schema.getDirectives().length, 20);
  for (const type of types) {
    if ('getFields' in type) {
      const fields = Object.values(type.getFields());
      bound = Math.max(bound, fields.length, ...fields.map((f) => ('args' in f ? f.args.length : 0)));
    }
    if ('getValues' in type) bound = Math.max(bound, type.getValues().length);
    if ('getTypes' in type) bound = Math.max(bound, type.getTypes().length);
    if ('getInterfaces' in type) bound = Math.max(bound, type.getInterfaces().length);
  }
  for (const directive of schema.getDirectives()) bound = Math.max(bound, directive.args.length, directive.locations.length);
  introspectionBounds.set(schema, bound);
  return bound;
}
