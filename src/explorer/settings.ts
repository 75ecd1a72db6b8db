/** The explorer's settings: whether a browser gets a GraphQL IDE on GET /graphql, and which. */
import { z } from 'zod';
import { defineSettings, optionalBool, type OptionsOf } from '../settings.js';

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
