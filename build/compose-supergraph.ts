/**
 * Writes examples/compose/supergraph.graphql, the supergraph compose.yaml's router serves (see
 * examples/compose/supergraph.ts). Usage: `npm run supergraph:compose` after changing either schema;
 * test/unit/compose-supergraph.test.ts fails while the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeExampleSupergraph, SUPERGRAPH_FILE } from '../examples/compose/supergraph.js';

writeFileSync(SUPERGRAPH_FILE, composeExampleSupergraph());
process.stdout.write(`wrote ${path.relative(process.cwd(), SUPERGRAPH_FILE)}\n`);
