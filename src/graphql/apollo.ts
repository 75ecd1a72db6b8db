/**
 * The Apollo Server instance: the schema, the executor, the limits, the plugins and the error boundary. The HTTP layer
 * hands it requests through Apollo's integration API, with one context per operation (context.ts).
 */
import { ApolloServer } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import type { LandingPageOptions } from '../explorer/settings.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { defineSettings, optionalBool, type OptionsOf } from '../settings.js';
import type { Context } from './context.js';
import { formatError } from './error-boundary.js';
import { compiledExecution, type ExecutionReason, type jitSettings } from './executor.js';
import type { Limits } from './limits.js';
import type { SchemaNaming } from './naming.js';
import { OperationAnalyzer } from './operation/analysis.js';
import { validation } from './plugins/limits.js';
import { plugins } from './plugins/index.js';

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

export interface ApolloOptions {
  readonly apollo: OptionsOf<typeof apolloSettings>;
  readonly landingPage: LandingPageOptions;
  readonly limits: Limits;
  readonly jit: OptionsOf<typeof jitSettings>;
}

export interface ApolloDeps {
  /** Builds the schema: once for Apollo, once more for the compiled executor (executor.ts). */
  readonly schema: () => GraphQLSchema;
  readonly naming: SchemaNaming;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

const MAX_HELD_FIELDS = 200_000;

export function createApolloServer(config: ApolloOptions, { schema, naming, logger, metrics }: ApolloDeps): ApolloServer<Context> {
  const { limits } = config;
  const analyzer = new OperationAnalyzer({ toCanonical: naming.toCanonical, limits, maxPlanFields: limits.maxSelectedFields, maxHeldFields: MAX_HELD_FIELDS });
  const rules = validation(limits, !config.apollo.fieldSuggestions);
  return new ApolloServer<Context>({
    ...executionOptions(schema, config, analyzer, logger, metrics),
    logger,
    validationRules: rules.validationRules,
    parseOptions: rules.parseOptions,
    formatError,
    stringifyResult: serializer(logger),
    // Apollo includes stack traces unless NODE_ENV is production or test; never, here.
    includeStacktraceInErrorResponses: false,
    // service.ts owns shutdown (drain, then exit 0); Apollo's own handler would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: config.apollo.introspection,
    plugins: plugins({ analyzer, validationPlugins: rules.plugins, landingPage: config.landingPage, example: exampleOperation(naming), metrics, logger }),
  });
}

/** Apollo's serializer, but a response that cannot be serialized (too large) is logged before Apollo answers 500 for it. */
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

/** graphql-jit through Apollo's gateway interface (executor.ts), or graphql-js when `JIT_MAX_OPERATIONS=0`. */
function executionOptions(
  schema: () => GraphQLSchema,
  config: ApolloOptions,
  analyzer: OperationAnalyzer,
  logger: Logger,
  metrics: Metrics,
): { schema: GraphQLSchema } | { gateway: GatewayInterface } {
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
      // What an operation weighs compiled: graphql-jit generates code for every field of its plan.
      weigh: (request) => (request.operation ? analyzer.analyse(request.schema, request.document, request.operation).weight : 1),
      onExecution: (reason) => executions[reason].inc(),
      onCompilerUnavailable: (err) => logger.error({ err }, 'graphql-jit could not be loaded: every operation runs on graphql-js'),
    }),
  };
}
