/** `npm run example:stores`: serves the example stores subgraph on PORT (default 4002). */
import { portFromEnv, startOrExit } from '../start.js';
import { startStoresSubgraph } from './server.js';

const program = 'example:stores';
const port = portFromEnv(program, 'PORT', 4002);
const subgraph = await startOrExit(program, { port, portVariable: 'PORT' }, () => startStoresSubgraph({ port }));
console.log(`stores subgraph listening on ${subgraph.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void subgraph.stop());
