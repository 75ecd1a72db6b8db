/**
 * graphql-jit runs the operations Apollo has parsed and validated, each compiled once, through Apollo's `gateway` option
 * (the only way to replace `execute`). graphql-js still runs: inline-trace requests (`willResolveField` fires only under
 * graphql-js: a plugin needing it on every request needs `JIT_MAX_OPERATIONS=0`); an operation's first `compileAfter`
 * runs, so a document sent once never pays for compiling; what graphql-jit will not compile; and variables that fail
 * coercion, run again so Apollo answers 400 (safe: coercion precedes every resolver). graphql-jit compiles against a
 * second schema, since Apollo's, once wrapped for tracing, makes every field a call; both load on the first compile.
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
  readonly compileAfter?: number;
  /** How many distinct recent operations not compiled yet are counted. Default 10 × `maxOperations`. */
  readonly admissionWindow?: number;
  readonly onExecution?: (reason: ExecutionReason) => void;
  /** Called if graphql-jit cannot be loaded; graphql-js then executes everything. */
  readonly onCompilerUnavailable?: (error: unknown) => void;
}

/** A compiled operation's size, estimated: graphql-jit generates a closure and its source per planned field, plus a fixed part. */
const BYTES_PER_FIELD = 750;
const BASE_BYTES = 20_000;

/** A compiled operation, or `null`: graphql-jit would not compile it (graphql-js says why). */
type Compiled = CompiledQuery | null;

interface Compiler {
  readonly jit: typeof import('graphql-jit');
  readonly schema: GraphQLSchema;
}

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

  // The operation compiled now if it has run `compileAfter` times; undefined until then.
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

function compile({ jit, schema }: Compiler, request: GatewayGraphQLRequestContext): CompiledQuery | null {
  const result = jit.compileQuery(schema, request.document, request.request.operationName, {
    // Errors reach clients masked or as domain errors (errors.ts): a stack per error would be wasted work.
    disablingCapturingStackErrors: true,
  });
  return jit.isCompiledQuery(result) ? result : null;
}

/**
 * A graphql-jit error as graphql-js would raise it: with `extensions` (Apollo reads `extensions.code` of every error, and
 * graphql-jit leaves it out), the original error for `unwrapResolverError`, the path, and the locations it computed.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const converted = new GraphQLError(error.message, { path: error.path, originalError: error.originalError, extensions: error.extensions });
  // `locations` is readonly in graphql's types but a plain property, assigned in its constructor.
  (converted as { locations: readonly SourceLocation[] | undefined }).locations = error.locations;
  return converted;
}
