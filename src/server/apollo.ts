/** The Apollo Server instance: schema, error boundary, limits, landing page, request observability. */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import { cacheHintsPlugin } from '../graphql/cache-hints.js';
import type { Context } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { operationLimits } from '../graphql/limits.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { requestPlugin } from '../observability/request-plugin.js';
import { warningsPlugin } from '../graphql/warnings.js';

/** Preloaded in Apollo Sandbox in development. */
export const EXAMPLE_OPERATION = `# Distance between Beverly Hills and Manhattan
query Example {
  distance(from: "90210", to: "10001") {
    from { postalCode placeName adminCode }
    to { postalCode placeName adminCode }
    miles
    kilometers
    initialBearing
  }
}
`;

export function createApolloServer(schema: GraphQLSchema, config: Config, logger: Logger, metrics: Metrics): ApolloServer<Context> {
  const limits = operationLimits(config.limits, !config.fieldSuggestions);
  return new ApolloServer<Context>({
    schema,
    logger,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    formatError,
    // Apollo includes stack traces unless NODE_ENV is production or test; never, here.
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (drain, then exit 0); Apollo's own handler would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: config.introspection,
    plugins: [
      config.landingPage
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false, document: EXAMPLE_OPERATION })
        : ApolloServerPluginLandingPageDisabled(),
      // Cache-Control from the schema's hints, once per operation, instead of Apollo's hook on every field (cache-hints.ts).
      ApolloServerPluginCacheControlDisabled(),
      // A location served stale because the geocoder failed must not be kept downstream for a day.
      cacheHintsPlugin<Context>({ uncacheable: (context) => context.warnings.list().length > 0 }),
      requestPlugin(metrics),
      ...limits.plugins,
      warningsPlugin,
    ],
  });
}
