/**
 * What a browser gets on GET /graphql (Apollo's landing page): GraphiQL, served from this package and working offline,
 * Apollo Sandbox from Apollo's servers with its telemetry off, or nothing. Both open with the example operation.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { explorerAssets } from '../../explorer/assets.js';
import { graphiqlPage, newNonce } from '../../explorer/page.js';
import type { LandingPageOptions } from '../../explorer/settings.js';
import type { Logger } from '../../logger.js';
import type { Context } from '../context.js';

export function landingPagePlugin(options: LandingPageOptions, example: string, logger: Logger): ApolloServerPlugin<Context> {
  switch (options.page) {
    case 'graphiql':
      return graphiqlLandingPage(example, logger);
    case 'sandbox':
      return ApolloServerPluginLandingPageLocalDefault({ embed: { runTelemetry: false }, footer: false, document: example });
    case 'off':
      return ApolloServerPluginLandingPageDisabled();
  }
}

function graphiqlLandingPage(example: string, logger: Logger): ApolloServerPlugin<Context> {
  return {
    async serverWillStart() {
      const assets = explorerAssets();
      if (!assets.built) logger.error({ code: 'EXPLORER_NOT_BUILT' }, `GraphiQL is not built, GET /graphql shows how to build it: ${assets.reason}`);
      // Rendered for each response: each has a nonce of its own.
      return { renderLandingPage: async () => ({ html: async () => graphiqlPage(assets, { document: example, styleNonce: newNonce() }) }) };
    },
  };
}
