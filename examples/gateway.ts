/**
 * `npm run example:gateway`: the whole supergraph on your machine without rover. Asks both
 * running subgraphs for their SDL (as `rover dev` does), composes it with `@apollo/composition`,
 * and serves a router on http://localhost:4000/graphql.
 *
 *   LOCATIONS_URL  the postal-distance subgraph (default http://localhost:4001/graphql, `npm start`)
 *   STORES_URL     the example stores subgraph (default http://localhost:4002/graphql, `npm run example:stores`)
 *   PORT           where the router listens (default 4000)
 *   ROUTER         `apollo` (@apollo/gateway, the default) or `hive` (Hive Gateway's runtime)
 */
import { fail, portFromEnv, startOrExit } from './start.js';
import { composeSupergraph, fetchSubgraphSdl, startApolloGateway, startHiveGateway } from './supergraph.js';

const locationsUrl = process.env.LOCATIONS_URL ?? 'http://localhost:4001/graphql';
const storesUrl = process.env.STORES_URL ?? 'http://localhost:4002/graphql';
const port = portFromEnv('example:gateway', 'PORT', 4000);
const router = process.env.ROUTER ?? 'apollo';
if (router !== 'apollo' && router !== 'hive') fail('example:gateway', `ROUTER must be apollo or hive, not ${JSON.stringify(router)}`);

/** A subgraph's SDL, or one line naming the subgraph, its URL and how to start it, and exit 1. */
async function sdlOf(name: string, url: string, howToStart: string): Promise<string> {
  try {
    return await fetchSubgraphSdl(url);
  } catch (error) {
    const { cause } = error as { cause?: { code?: string; message?: string } };
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    console.error(`example:gateway: the ${name} subgraph does not answer at ${url} (${reason}). Start it with \`${howToStart}\`, or point ${name.toUpperCase()}_URL at it.`);
    process.exit(1);
  }
}

const { supergraphSdl, hints } = composeSupergraph([
  { name: 'locations', url: locationsUrl, sdl: await sdlOf('locations', locationsUrl, 'npm start') },
  { name: 'stores', url: storesUrl, sdl: await sdlOf('stores', storesUrl, 'npm run example:stores') },
]);
for (const hint of hints) console.warn(`composition hint ${hint.definition.code}: ${hint.message}`);

const start = router === 'hive' ? startHiveGateway : startApolloGateway;
const running = await startOrExit('example:gateway', { port, host: '127.0.0.1', portVariable: 'PORT' }, () => start({ supergraphSdl, port, host: '127.0.0.1' }));
console.log(`${router} router listening on ${running.url} (locations: ${locationsUrl}, stores: ${storesUrl})`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void running.stop());
