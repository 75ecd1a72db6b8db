/** `npm run example:stores`: serves the example stores subgraph on PORT (default 4002). */
import { startStoresSubgraph } from './server.js';

const port = Number(process.env.PORT ?? 4002);
const subgraph = await startStoresSubgraph({ port });
console.log(`stores subgraph listening on ${subgraph.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void subgraph.stop());
