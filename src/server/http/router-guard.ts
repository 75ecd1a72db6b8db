/**
 * The router-only guard, off unless ROUTER_SECRET is set: then a request to /graphql without the
 * header `Router-Authorization: <secret>` (the names Apollo's subgraph template uses) is answered
 * 401 before its body is read, and nothing of it runs. Health, readiness and metrics stay open.
 * The header is compared in constant time: both sides are hashed to digests of one length first.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { defineSettings } from '../../settings.js';

export const routerGuardSettings = defineSettings({
  title: 'Router secret',
  variables: {
    ROUTER_SECRET: z
      .string()
      .min(16, 'at least 16 characters')
      .optional()
      .describe('When set, /graphql answers only requests whose `Router-Authorization` header is this secret (401 otherwise); set the router to send it (docs/federation.md).'),
  },
  read: (env) => ({ secret: env.ROUTER_SECRET }),
});

/** Whether a request carries the secret; null when no secret is set (every request passes). */
export function routerGuard(secret: string | undefined): ((req: IncomingMessage) => boolean) | null {
  if (secret === undefined) return null;
  const expected = digest(secret);
  return (req) => {
    const header = req.headers['router-authorization'];
    return typeof header === 'string' && timingSafeEqual(digest(header), expected);
  };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The 401 body: the code Apollo's subgraph template answers with. */
export const UNAUTHENTICATED = {
  errors: [{ message: 'This subgraph answers only its router: send the Router-Authorization header the router is configured with.', extensions: { code: 'UNAUTHENTICATED' } }],
};
