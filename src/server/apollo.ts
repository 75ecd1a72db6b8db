/** The Apollo Server instance: schema, executor, error boundary, limits, landing page, request observability. */
import { ApolloServer } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import { landingPagePlugin, type LandingPageOptions } from '../explorer/landing-page.js';
import { defineSettings, optionalBool, type OptionsOf } from '../settings.js';
import { cacheHintsPlugin } from '../graphql/cache-hints.js';
import type { Context } from '../graphql/context.js';
import { formatError } from '../graphql/error-boundary.js';
import { compiledExecution, jitSettings, type ExecutionReason } from '../graphql/executor.js';
import { operationLimits, type Limits } from '../graphql/limits.js';
import type { SchemaNaming } from '../graphql/naming.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { requestPlugin } from '../observability/request-plugin.js';
import { warningsPlugin } from '../graphql/warnings.js';

export const apolloSettings = defineSettings({
  title: 'GraphQL server',
  variables: {
    INTROSPECTION: optionalBool().describe('Schema introspection. Default: on in development, off in production.'),
    FIELD_SUGGESTIONS: optionalBool().describe('"Did you mean …" suggestions in validation errors. Default: on in development, off in production.'),
  },
  read: (env, { production }) => ({
    introspection: env.INTROSPECTION ?? !production,
    fieldSuggestions: env.FIELD_SUGGESTIONS ?? !production,
  }),
});

/** Preloaded in the explorer (GraphiQL or Apollo Sandbox), under the names the schema serves. */
export function exampleOperation(naming: SchemaNaming): string {
  return `# Distance between Beverly Hills and Manhattan
query Example {
  ${naming.toSchema('distance')}(from: "90210", to: "10001") {
    from { postalCode placeName adminCode }
    to { postalCode placeName adminCode }
    miles
    kilometers
    initialBearing
  }
}
`;
}

/**
 * `schema` builds the schema: once for Apollo, and once more for the compiled executor, which
 * needs an instance Apollo never instruments (executor.ts). `naming` says which names it serves
 * (`SCHEMA_PREFIX`), for whatever looks a type or root field up by name.
 */
/** The parts of the configuration the Apollo Server instance reads. */
export interface ApolloOptions {
  readonly apollo: OptionsOf<typeof apolloSettings>;
  readonly landingPage: LandingPageOptions;
  readonly limits: Limits;
  readonly jit: OptionsOf<typeof jitSettings>;
}

export function createApolloServer(schema: () => GraphQLSchema, naming: SchemaNaming, config: ApolloOptions, logger: Logger, metrics: Metrics): ApolloServer<Context> {
  const limits = operationLimits(config.limits, !config.apollo.fieldSuggestions, naming);
  return new ApolloServer<Context>({
    ...executionOptions(schema, config, logger, metrics),
    logger,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    formatError,
    stringifyResult: serializer(logger),
    // Apollo includes stack traces unless NODE_ENV is production or test; never, here.
    includeStacktraceInErrorResponses: false,
    // service.ts owns shutdown (drain, then exit 0); Apollo's own handler would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: config.apollo.introspection,
    plugins: [
      landingPagePlugin(config.landingPage, exampleOperation(naming), logger),
      // Cache-Control from the schema's hints, once per operation, instead of Apollo's hook on every field (cache-hints.ts).
      ApolloServerPluginCacheControlDisabled(),
      // A location served stale because the geocoder failed must not be kept downstream for a day.
      cacheHintsPlugin<Context>({
        uncacheable: (context) => context.warnings.list().length > 0,
        // The response cache keeps a response by this policy (http/graphql-route.ts).
        onPolicy: (context, policy) => (context.outcome.policy = policy),
      }),
      requestPlugin(metrics, logger),
      ...limits.plugins,
      warningsPlugin,
    ],
  });
}

/**
 * Apollo's serializer (JSON and a newline), but a response that cannot be serialized (too large
 * for a string, say) is logged with what is known of it before Apollo answers 500 for it: Apollo
 * itself answers such a failure without a log line.
 */
export function serializer(logger: Logger): (value: FormattedExecutionResult) => string {
  return (value) => {
    try {
      return `${JSON.stringify(value)}\n`;
    } catch (error) {
      logger.error({ err: error, errors: value.errors?.length ?? 0 }, 'the response could not be serialized; answered 500 instead');
      throw new GraphQLError('The response could not be built; ask for fewer items.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    }
  };
}

/** Apollo executes with graphql-jit through its gateway interface (executor.ts), or with graphql-js when `JIT_MAX_OPERATIONS=0`. */
function executionOptions(schema: () => GraphQLSchema, config: ApolloOptions, logger: Logger, metrics: Metrics): { schema: GraphQLSchema } | { gateway: GatewayInterface } {
  if (config.jit.maxOperations === 0) return { schema: schema() };
  // Bound once: a labelled child's inc() skips hashing the labels on every request.
  const executions: Record<ExecutionReason, { inc(): void }> = {
    compiled: metrics.graphqlExecutions.labels('jit', 'compiled'),
    trace: metrics.graphqlExecutions.labels('graphql-js', 'trace'),
    'new-operation': metrics.graphqlExecutions.labels('graphql-js', 'new-operation'),
    'not-compilable': metrics.graphqlExecutions.labels('graphql-js', 'not-compilable'),
    'invalid-variables': metrics.graphqlExecutions.labels('graphql-js', 'invalid-variables'),
  };
  return {
    gateway: compiledExecution({
      schema,
      ...config.jit,
      onExecution: (reason) => executions[reason].inc(),
      onCompilerUnavailable: (err) => logger.error({ err }, 'graphql-jit could not be loaded: every operation runs on graphql-js'),
    }),
  };
}
