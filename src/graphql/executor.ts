/**
 * Compiled execution: graphql-jit runs the operations Apollo Server has parsed and validated.
 *
 * Why: when the response cache cannot answer (distinct requests), most of a request's CPU went to
 * graphql-js itself: coercing the variables (`coerceInputValueImpl`, 22% under 100 distinct pairs)
 * and walking the selection set generically for every item. graphql-jit compiles an operation once
 * into JavaScript specialised for its selection set and its variables' types; measured against the
 * graphql-js build in three runs, distinct 100-item requests were served at 1.4–1.8× the rate
 * (README, Performance).
 *
 * How it plugs in: Apollo Server 5 accepts another executor only through its `gateway` option (a
 * `GatewayInterface` whose `load()` hands it the schema and an executor). Everything else stays
 * Apollo's: parsing, validation with our limits, every plugin hook, error formatting through our
 * boundary, the HTTP response. Only the `execute` step changes. One hook does not survive it: a
 * plugin's `willResolveField` runs only where graphql-js executes. Apollo's inline-trace plugin is
 * the only one here that has it, and its requests are left to graphql-js (below); a plugin that
 * needs it on every request would need `JIT_MAX_OPERATIONS=0`.
 *
 * graphql-js (Apollo's own execution, the same results as without this module) still runs:
 *  - a request for an inline trace (`apollo-federation-include-trace: ftv1`): Apollo's trace plugin
 *    records fields by wrapping the schema's resolvers, and graphql-jit calls the resolvers of its
 *    own schema instance (below), so a traced request executes on the schema Apollo instruments;
 *  - an operation the first `compileAfter` times it runs (default once): compiling costs about as
 *    much as parsing and validating (~0.2–0.3 ms), so a document sent once (literal arguments, a
 *    developer's query) would pay it for nothing, and would evict operations that are used; the
 *    next time, it is compiled and kept;
 *  - an operation graphql-jit will not compile (an unknown `operationName`, say), and variables that
 *    fail coercion: graphql-js's errors are what Apollo turns into 400s with `BAD_USER_INPUT`, so
 *    the request is run again by graphql-js (no resolver has run; coercion precedes execution).
 *
 * Two instances of the schema: Apollo's, and one only this module sees. On the first traced request
 * Apollo wraps every field of its schema in a resolver that checks for trace hooks (and stays so);
 * graphql-jit compiles a field without a resolver to a plain property read, so compiling against
 * the wrapped schema would turn every field into a function call from then on. Both are built from
 * the same type definitions and resolvers, so a document valid for one is valid for the other.
 *
 * graphql-jit and the second schema are loaded when the first operation is due for compilation,
 * not at start-up: importing graphql-jit (with fast-json-stringify and ajv) took ~120 ms and the
 * schema ~15 ms, which would otherwise add to every start-up (the US data is ready in ~550 ms).
 * The request that needs them waits for them, once.
 */
import type { GatewayExecutionResult, GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, printSchema, type GraphQLSchema, type SourceLocation } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { defineSettings, int } from '../settings.js';

export const jitSettings = defineSettings({
  title: 'Compiled execution (graphql-jit)',
  variables: {
    JIT_MAX_OPERATIONS: int(0, 1_000_000, 1_000).describe(
      'Most operations kept compiled, least recently used evicted first; 0 turns compilation off (graphql-js executes everything).',
    ),
    JIT_MAX_BYTES: int(1_048_576, 4_294_967_295, 64 * 1024 * 1024).describe(
      'Most bytes of compiled operations kept (default 64 MiB), estimated from the fields each compiles; whichever of this and JIT_MAX_OPERATIONS is reached first evicts.',
    ),
    JIT_COMPILE_AFTER: int(0, 1_000_000, 1).describe('Executions by graphql-js before an operation is compiled; 0 compiles it the first time.'),
  },
  read: (env) => ({ maxOperations: env.JIT_MAX_OPERATIONS, maxBytes: env.JIT_MAX_BYTES, compileAfter: env.JIT_COMPILE_AFTER }),
});

/** Why an execution ran where it did (the `reason` label of `graphql_executions_total`). */
export type ExecutionReason = 'compiled' | 'trace' | 'new-operation' | 'not-compilable' | 'invalid-variables';

export interface CompiledExecutionOptions {
  /** Builds the schema; called twice (Apollo's instance and the compiler's, see the header). */
  readonly schema: () => GraphQLSchema;
  /** Most compiled operations kept, least recently used evicted first. Must be > 0. */
  readonly maxOperations: number;
  /** Most bytes of compiled operations kept, estimated as {@link BYTES_PER_FIELD} per field `weigh` counts. */
  readonly maxBytes: number;
  /** The fields an operation compiles to (its plan, fragments expanded). */
  readonly weigh: (request: GatewayGraphQLRequestContext) => number;
  /** Executions by graphql-js before an operation is compiled; 0 compiles it the first time. Default 1. */
  readonly compileAfter?: number;
  /** How many distinct recent operations not compiled yet are counted. Default 10 × `maxOperations`. */
  readonly admissionWindow?: number;
  /** Called once per execution with where it ran; the metrics count it. */
  readonly onExecution?: (reason: ExecutionReason) => void;
  /** Called if graphql-jit cannot be loaded; graphql-js then executes everything. */
  readonly onCompilerUnavailable?: (error: unknown) => void;
}

/**
 * What a compiled operation holds, estimated: graphql-jit generates a closure and its source per
 * field of the plan, plus a fixed part per operation (measured: docs/performance.md, JIT cache).
 */
const BYTES_PER_FIELD = 750;
const BASE_BYTES = 20_000;

/** A compiled operation, or `null`: graphql-jit would not compile it (graphql-js says why). */
type Compiled = CompiledQuery | null;

/** What compiling needs, loaded on first need (see the header). */
interface Compiler {
  readonly jit: typeof import('graphql-jit');
  readonly schema: GraphQLSchema;
}

/** The gateway to pass as Apollo Server's `gateway` option. */
export function compiledExecution(options: CompiledExecutionOptions): GatewayInterface {
  if (!(options.maxOperations > 0)) throw new RangeError(`maxOperations must be positive, got ${options.maxOperations}`);
  const compileAfter = options.compileAfter ?? 1;
  if (!(Number.isInteger(compileAfter) && compileAfter >= 0)) throw new RangeError(`compileAfter must be a whole number, got ${compileAfter}`);
  const served = options.schema();
  const count = options.onExecution ?? (() => undefined);
  let compiler: Promise<Compiler | null> | undefined;
  const loadCompiler = (): Promise<Compiler | null> =>
    (compiler ??= import('graphql-jit').then(
      (jit) => ({ jit, schema: options.schema() }),
      (error: unknown) => {
        options.onCompilerUnavailable?.(error);
        return null;
      },
    ));
  // lru-cache never stores undefined or null, so "would not compile" is kept as a boxed null.
  const compiled = new LRUCache<string, { readonly query: Compiled; readonly bytes: number }>({
    max: options.maxOperations,
    maxSize: options.maxBytes,
    sizeCalculation: (entry) => entry.bytes,
  });
  // Executions so far of operations not compiled yet.
  const uses = new LRUCache<string, number>({ max: options.admissionWindow ?? 10 * options.maxOperations });
  const listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();

  const graphqlJs = async (request: GatewayGraphQLRequestContext, reason: ExecutionReason): Promise<GatewayExecutionResult> => {
    count(reason);
    return execute({
      schema: served,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables,
      operationName: request.request.operationName,
    });
  };

  // Private: the operation compiled now if it has run `compileAfter` times (`key` not compiled yet); undefined until then.
  const admit = async (request: GatewayGraphQLRequestContext, key: string): Promise<{ readonly query: Compiled } | undefined> => {
    const ran = uses.get(key) ?? 0;
    if (ran < compileAfter) {
      uses.set(key, ran + 1);
      return undefined;
    }
    const loaded = await loadCompiler();
    // Another request of the same operation may have compiled it while this one waited for the compiler.
    const known = compiled.get(key);
    if (known) return known;
    const entry = { query: loaded && compile(loaded, request), bytes: BASE_BYTES + BYTES_PER_FIELD * options.weigh(request) };
    compiled.set(key, entry);
    uses.delete(key);
    return entry;
  };

  const executor: GatewayExecutor = async (request) => {
    // Set by Apollo's inline-trace plugin when the router asked for a trace (and only then).
    if (request.metrics.captureTraces) return graphqlJs(request, 'trace');
    // Apollo's hash of the query text (SHA-256, fixed length), then the operation chosen in it.
    const key = request.queryHash + (request.request.operationName ?? '');
    const entry = compiled.get(key) ?? (await admit(request, key));
    if (!entry) return graphqlJs(request, 'new-operation');
    if (!entry.query) return graphqlJs(request, 'not-compilable');
    const result = await entry.query.query(undefined, request.context, request.request.variables);
    // Only a variable-coercion failure leaves `data` out entirely; execution errors leave it null at most.
    if (result.data === undefined && result.errors) return graphqlJs(request, 'invalid-variables');
    count('compiled');
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  return {
    async load() {
      // Without a gateway Apollo prints the schema for the listeners that want its text (none of ours: printed only if read).
      let sdl: string | undefined;
      const schemaContext = {
        apiSchema: served,
        get coreSupergraphSdl(): string {
          return (sdl ??= printSchema(served));
        },
      };
      for (const listener of listeners) listener(schemaContext);
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async stop() {
      listeners.clear();
    },
  };
}

// Private: the request's operation compiled, or null if graphql-jit will not compile it.
function compile({ jit, schema }: Compiler, request: GatewayGraphQLRequestContext): CompiledQuery | null {
  const result = jit.compileQuery(schema, request.document, request.request.operationName, {
    // Errors reach clients masked or as domain errors (errors.ts): a stack per error would be wasted work.
    disablingCapturingStackErrors: true,
  });
  return jit.isCompiledQuery(result) ? result : null;
}

/**
 * An error of graphql-jit as graphql-js would have raised it. graphql-jit's errors inherit from
 * graphql's `GraphQLError` but define no `extensions` unless the thrown error had some, and Apollo
 * reads `error.extensions.code` of every error (an error without them would be answered as a bare
 * INTERNAL_SERVER_ERROR, without its path and without our boundary). The original error is kept
 * for `unwrapResolverError` (errors.ts), the path for partial results. graphql-js derives
 * `locations` from the field's AST nodes, which graphql-jit's errors do not carry; graphql-jit
 * computed the same locations from the same nodes, so they are copied.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const converted = new GraphQLError(error.message, { path: error.path, originalError: error.originalError, extensions: error.extensions });
  // `locations` is readonly in graphql's types but a plain property, assigned in its constructor.
  (converted as { locations: readonly SourceLocation[] | undefined }).locations = error.locations;
  return converted;
}
