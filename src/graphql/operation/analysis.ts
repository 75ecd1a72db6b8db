/**
 * One analysis per parsed operation (Apollo reuses a repeated query's document), from its plan (plan.ts): its metrics
 * label (root fields the schema defines, so no client makes one up), cache policy, and size for one request's variables
 * (size.ts; measured once when no variable enters it, else coerced by graphql-js exactly as execution will).
 */
import { getVariableValues, Kind, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValueNode, type VariableDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { AppError, isAppError } from '../../errors.js';
import { cachePolicy, NOT_CACHEABLE, type ResponsePolicy } from './cache-policy.js';
import { planOperation, type PlannedField } from './plan.js';
import { COUNTED_ARGUMENTS, measureSize, RULE_COORDINATES, type Size, type SizeLimits, type Verdict } from './size.js';

export interface OperationAnalysis {
  /** Fields of its plan (what it weighs in memory, and what graphql-jit compiles). */
  readonly weight: number;
  /** The metrics label: the root fields selected, sorted and joined with `+` (`distance+location`). */
  readonly label: string;
  readonly policy: ResponsePolicy;
  /** Why the whole operation is refused before it runs, if it is (its fragments expand too far). */
  readonly refusal: AppError | undefined;
  size(variables: Readonly<Record<string, unknown>> | undefined): Size;
}

export interface AnalysisOptions {
  readonly toCanonical: (coordinate: string) => string;
  readonly limits: SizeLimits;
  /** Most fields an operation may select once its fragments are expanded. */
  readonly maxPlanFields: number;
  /** Most planned fields kept, over every analysis held; least recently used evicted first. */
  readonly maxHeldFields: number;
}

/** The label of requests that never had an operation to run (a parse or validation error). */
export const INVALID_LABEL = 'invalid';

const RULED = new Set(RULE_COORDINATES);

/**
 * Analyses by parsed operation, bounded by the fields their plans hold, not tied to Apollo's document cache: that weighs
 * documents by their text, and a few hundred bytes of fragments can plan into thousands of fields.
 */
export class OperationAnalyzer {
  private readonly analyses: LRUCache<OperationDefinitionNode, OperationAnalysis>;

  constructor(private readonly options: AnalysisOptions) {
    this.analyses = new LRUCache({ maxSize: options.maxHeldFields, sizeCalculation: (analysis) => Math.max(1, analysis.weight) });
  }

  analyse(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationAnalysis {
    let analysis = this.analyses.get(operation);
    if (!analysis) this.analyses.set(operation, (analysis = this.make(schema, document, operation)));
    return analysis;
  }

  private make(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationAnalysis {
    const { limits, toCanonical, maxPlanFields } = this.options;
    let roots: readonly PlannedField[];
    try {
      roots = planOperation(schema, document, operation, { toCanonical, maxFields: maxPlanFields });
    } catch (error) {
      if (!isAppError(error)) throw error;
      return { weight: 1, label: labelOf(operation, []), policy: NOT_CACHEABLE, refusal: error, size: () => EMPTY };
    }
    const weight = countFields(roots);
    const label = labelOf(operation, roots);
    const policy = cachePolicy(roots);
    const { read, counted } = variablesRead(operation, roots);
    if (read.length === 0) {
      const size = measureSize(schema, roots, {}, limits);
      return { weight, label, policy, refusal: undefined, size: () => size };
    }
    return {
      weight,
      label,
      policy,
      refusal: undefined,
      size: (variables = {}) => {
        // A list sent for a counted argument stands for itself: its coercion (execution's) would keep its length.
        const sent = (definition: VariableDefinitionNode) => Array.isArray(variables[definition.variable.name.value]);
        const coerced = getVariableValues(schema, read.filter((definition) => !(counted.has(definition) && sent(definition))), variables, { maxErrors: 1 });
        if (coerced.errors) return refuseAll(roots, new AppError('BAD_USER_INPUT', coerced.errors[0]?.message ?? 'Invalid variables.'));
        const values: Record<string, unknown> = { ...coerced.coerced };
        for (const definition of counted) if (sent(definition)) values[definition.variable.name.value] = variables[definition.variable.name.value];
        return measureSize(schema, roots, values, limits);
      },
    };
  }
}

const EMPTY: Size = { fields: 0, searches: 0, verdicts: undefined };

/** Variables that fail coercion refuse every root field, so no executor runs one on values the measure did not see. */
function refuseAll(roots: readonly PlannedField[], error: AppError): Size {
  const verdicts = new Map<string, Verdict>();
  for (const root of roots) verdicts.set(root.key, root.coordinate === 'Query._entities' ? { kind: 'partial', allowed: 0, error } : { kind: 'refused', error });
  return { fields: 0, searches: 0, verdicts };
}

const countFields = (fields: readonly PlannedField[]): number => fields.reduce((sum, field) => sum + 1 + countFields(field.children), 0);

function labelOf(operation: OperationDefinitionNode, roots: readonly PlannedField[]): string {
  const label = [...new Set(roots.map((root) => root.definition.name))].sort().join('+');
  return operation.operation === 'query' ? label : `${operation.operation}:${label}`;
}

/**
 * The definitions of the variables that the size reads (in arguments of fields with a rule, and in
 * `@skip`/`@include`), and those of them read only as the whole value of a counted argument.
 */
function variablesRead(operation: OperationDefinitionNode, roots: readonly PlannedField[]): { read: VariableDefinitionNode[]; counted: Set<VariableDefinitionNode> } {
  const names = new Set<string>();
  const countedNames = new Set<string>();
  const collect = (value: ValueNode | undefined): void => {
    if (value) visit(value, { Variable: (node) => void names.add(node.name.value) });
  };
  const walk = (fields: readonly PlannedField[]): void => {
    for (const field of fields) {
      for (const condition of field.conditions) for (const arg of condition.arguments ?? []) collect(arg.value);
      if (RULED.has(field.coordinate)) {
        const counted = COUNTED_ARGUMENTS.get(field.coordinate);
        for (const arg of field.node.arguments ?? []) {
          if (counted?.has(arg.name.value) && arg.value.kind === Kind.VARIABLE) countedNames.add(arg.value.name.value);
          else collect(arg.value);
        }
      }
      walk(field.children);
    }
  };
  walk(roots);
  const read = (operation.variableDefinitions ?? []).filter(({ variable }) => names.has(variable.name.value) || countedNames.has(variable.name.value));
  return { read, counted: new Set(read.filter(({ variable }) => countedNames.has(variable.name.value) && !names.has(variable.name.value))) };
}
