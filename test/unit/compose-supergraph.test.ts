/** The supergraph committed for compose.yaml's router (examples/compose/supergraph.ts says why it is committed). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeExampleSupergraph, SUPERGRAPH_FILE } from '../../examples/compose/supergraph.js';

describe('the supergraph of compose.yaml', () => {
  it('is what composing the two schema files gives today (else: npm run supergraph:compose)', () => {
    expect(readFileSync(SUPERGRAPH_FILE, 'utf8'), 'examples/compose/supergraph.graphql is stale: run `npm run supergraph:compose`').toBe(composeExampleSupergraph());
  });

  it('routes each subgraph to its compose service, by name and port', () => {
    const graphs = [...readFileSync(SUPERGRAPH_FILE, 'utf8').matchAll(/@join__graph\(name: "(\w+)", url: "([^"]+)"\)/g)].map(([, name, url]) => ({ name, url }));
    expect(graphs).toEqual([
      { name: 'locations', url: 'http://locations:4001/graphql' },
      { name: 'stores', url: 'http://stores:4002/graphql' },
    ]);
  });
});
