/**
 * `npm run example:recipe -- <name>`: one recipe of docs/federation.md on your machine, in one
 * process. Starts the postal-distance subgraph (embedded US data) with the recipe's variables, the
 * recipe's subgraphs, composes what they print (`_service { sdl }`) with `@apollo/composition`,
 * serves a router, runs the recipe's query once and prints the answer; then keeps serving until
 * Ctrl-C, for Sandbox or curl.
 *
 *   LOCATIONS_PORT  the postal-distance subgraph (default 4001)
 *   SUBGRAPHS_PORT  the recipe's first subgraph, the others on the ports after it (default 4002; 0: free ports)
 *   PORT            the router (default 4000)
 *   ROUTER          `apollo` (@apollo/gateway, the default) or `hive` (Hive Gateway's runtime)
 */
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startApp } from '../../src/app.js';
import { fail, portFromEnv, startOrExit } from '../start.js';
import { composeSupergraph, fetchSubgraphSdl, startApolloGateway, startHiveGateway, startSubgraph, type RunningSubgraph } from '../supergraph.js';
import { RECIPES, type RecipeName } from './index.js';

const program = 'example:recipe';
const name = process.argv[2];
if (!name || !(name in RECIPES)) {
  console.error(`usage: npm run example:recipe -- <${Object.keys(RECIPES).join('|')}>`);
  process.exit(2);
}
const recipe = RECIPES[name as RecipeName];
const router = process.env.ROUTER ?? 'apollo';
if (router !== 'apollo' && router !== 'hive') fail(program, `ROUTER must be apollo or hive, not ${JSON.stringify(router)}`);
const locationsPort = portFromEnv(program, 'LOCATIONS_PORT', 4001);
const subgraphsPort = portFromEnv(program, 'SUBGRAPHS_PORT', 4002);
const routerPort = portFromEnv(program, 'PORT', 4000);
const host = '127.0.0.1';

const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn', ...recipe.env, PORT: String(locationsPort), HOST: host });
const locations = await startOrExit(program, { port: locationsPort, host, portVariable: 'LOCATIONS_PORT' }, () => startApp({ config, logger: createLogger(config) }));
await locations.ready;
const others: RunningSubgraph[] = [];
for (const [i, subgraph] of recipe.subgraphs.entries()) {
  const port = subgraphsPort === 0 ? 0 : subgraphsPort + i;
  others.push(await startOrExit(program, { port, host, portVariable: 'SUBGRAPHS_PORT' }, () => startSubgraph(subgraph, { port, host, quiet: true })));
}

const sources = [{ name: 'locations', url: `${locations.url}/graphql` }, ...recipe.subgraphs.map((subgraph, i) => ({ name: subgraph.name, url: others[i]!.url }))];
const { supergraphSdl, hints } = composeSupergraph(await Promise.all(sources.map(async (source) => ({ ...source, sdl: await fetchSubgraphSdl(source.url) }))));
for (const hint of hints) console.warn(`composition hint ${hint.definition.code}: ${hint.message}`);
const start = router === 'hive' ? startHiveGateway : startApolloGateway;
const running = await startOrExit(program, { port: routerPort, host, portVariable: 'PORT' }, () => start({ supergraphSdl, port: routerPort, host }));

console.log(`${recipe.title}\n`);
for (const source of sources) console.log(`  ${source.name.padEnd(14)} ${source.url}`);
console.log(`  ${`${router} router`.padEnd(14)} ${running.url}\n\n${recipe.query}\n`);
const res = await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: recipe.query }) });
console.log(JSON.stringify(await res.json(), null, 2));
console.log('\nServing until Ctrl-C.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void Promise.all([running.stop(), locations.stop(), ...others.map((other) => other.stop())]));
}
