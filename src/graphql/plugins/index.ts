/**
 * Every Apollo Server plugin of the service, one job each, in the order their hooks run: a response hook sees what the
 * plugins before it did.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { LandingPageOptions } from '../../explorer/settings.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Context } from '../context.js';
import type { OperationAnalyzer } from '../operation/analysis.js';
import { budgetPlugin } from './budget.js';
import { cacheControlPlugin } from './cache-control.js';
import { landingPagePlugin } from './landing-page.js';
import { sizePlugin } from './limits.js';
import { observePlugin } from './observe.js';
import { warningsPlugin } from './warnings.js';

export interface PluginDeps {
  readonly analyzer: OperationAnalyzer;
  readonly validationPlugins: readonly ApolloServerPlugin<Context>[];
  /** Which explorer a browser gets on GET /graphql, if any (EXPLORER, LANDING_PAGE). */
  readonly landingPage: LandingPageOptions;
  readonly example: string;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export function plugins({ analyzer, validationPlugins, landingPage, example, metrics, logger }: PluginDeps): ApolloServerPlugin<Context>[] {
  return [
    landingPagePlugin(landingPage, example, logger),
    // Cache-Control comes from the operation's analysis (cache-control.ts), not a hook on every field.
    ApolloServerPluginCacheControlDisabled(),
    ...validationPlugins,
    sizePlugin(analyzer),
    budgetPlugin,
    warningsPlugin,
    cacheControlPlugin(analyzer),
    observePlugin(analyzer, metrics, logger),
  ];
}
