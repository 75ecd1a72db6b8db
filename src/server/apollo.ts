/** The Apollo Server instance: schema, error boundary, landing page and request logging. */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import type { Context } from '../graphql/context.js';
import { formatError, isExpectedError } from '../graphql/errors.js';
import type { Logger } from '../logger.js';

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

export function createApolloServer(schema: GraphQLSchema, config: Config, logger: Logger): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema,
    logger,
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
      errorLoggingPlugin,
      warningsPlugin,
    ],
  });
}

/** One log line per failed request, with the request id, operation name and, for unexpected errors, the stack. */
const errorLoggingPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue, operationName }) {
        const details = errors.map((error) => {
          const formatted = formatError(error.toJSON(), error);
          const expected = isExpectedError(error, error);
          return { message: error.message, code: formatted.extensions?.code, path: error.path, ...(!expected && { err: error.originalError ?? error }) };
        });
        const unexpected = details.some((d) => 'err' in d);
        contextValue.logger[unexpected ? 'error' : 'info']({ operationName, errors: details }, 'request had errors');
      },
    };
  },
};

/** Adds the request's warnings (e.g. a stale location) to the response's top-level `extensions.warnings`. */
const warningsPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        const warnings = contextValue.warnings.list();
        if (warnings.length === 0 || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        result.extensions = { ...result.extensions, warnings };
      },
    };
  },
};
