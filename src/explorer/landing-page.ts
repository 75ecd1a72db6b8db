/**
 * What a browser gets on GET /graphql (Apollo's landing page: a GET whose Accept prefers text/html):
 * GraphiQL, served from this package and working offline (page.ts, assets.ts); Apollo Sandbox,
 * embedded from Apollo's servers; or nothing. Both IDEs open with the example operation.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { defineSettings, optionalBool, type OptionsOf } from '../settings.js';
import { explorerAssets } from './assets.js';
import { graphiqlPage, newNonce } from './page.js';

export const landingPageSettings = defineSettings({
  title: 'Explorer',
  variables: {
    LANDING_PAGE: optionalBool().describe('A GraphQL IDE on GET /graphql from a browser, the one EXPLORER names; its schema docs need INTROSPECTION. Default: on in development, off in production.'),
    EXPLORER: z
      .enum(['graphiql', 'sandbox'])
      .default('graphiql')
      .describe("graphiql: GraphiQL, served by this service, works offline; sandbox: Apollo Sandbox, loaded from Apollo's servers (needs the internet)."),
  },
  read: (env, { production }) => ({ page: (env.LANDING_PAGE ?? !production) ? env.EXPLORER : ('off' as const) }),
});

export type LandingPageOptions = OptionsOf<typeof landingPageSettings>;

/** The landing page plugin for `options`, preloaded with `document`. */
export function landingPagePlugin(options: LandingPageOptions, document: string, logger: Logger): ApolloServerPlugin<BaseContext> {
  switch (options.page) {
    case 'graphiql':
      return graphiqlLandingPage(document, logger);
    case 'sandbox':
      // Apollo's telemetry stays off: the Sandbox was asked for, not its usage reports.
      return ApolloServerPluginLandingPageLocalDefault({ embed: { runTelemetry: false }, footer: false, document });
    case 'off':
      return ApolloServerPluginLandingPageDisabled();
  }
}

function graphiqlLandingPage(document: string, logger: Logger): ApolloServerPlugin<BaseContext> {
  return {
    async serverWillStart() {
      const assets = explorerAssets();
      if (!assets.built) logger.error({ code: 'EXPLORER_NOT_BUILT' }, `GraphiQL is not built, GET /graphql shows how to build it: ${assets.reason}`);
      // Rendered for each response: each has a nonce of its own.
      return { renderLandingPage: async () => ({ html: async () => graphiqlPage(assets, { document, styleNonce: newNonce() }) }) };
    },
  };
}
