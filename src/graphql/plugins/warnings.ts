/** Adds the operation's warnings (a stale location) to the response's top-level `extensions.warnings`. */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';

export const warningsPlugin: ApolloServerPlugin<Context> = {
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
