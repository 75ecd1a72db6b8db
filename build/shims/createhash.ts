/**
 * What `@apollo/utils.createhash` becomes in the bundle (build/bundle.ts): Node's own hashing.
 * The package picks Node's `crypto` through `module.require`, which a bundled module does not
 * have, so in the bundle it fell back to `sha.js`, a hash written in JavaScript, for the hash Apollo
 * Server takes of every request's query text (profiled: 0.8-1.2% of the CPU under one-distance requests).
 */
import { createHash as nodeCreateHash, type Hash } from 'node:crypto';

export function createHash(kind: string): Hash {
  return nodeCreateHash(kind);
}
