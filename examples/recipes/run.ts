/**
 * `npm run example:recipe -- <name>`: one recipe of docs/federation.md on your machine, in one
 * process. Starts the postal-distance subgraph (embedded US data) with the recipe's variables on
 * port 4001, the recipe's subgraphs on 4002 and up, composes what they print (`_service { sdl }`)
 * with `@apollo/composition`, serves a router on PORT (default 4000), runs the recipe's query once
 * and prints the answer; then keeps serving until Ctrl-C, for Sandbox or curl.
 *
 *   ROUTER  `apollo` (@apollo/gateway, the default) or `hive` (Hive Gateway's runtime)
 */
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startApp } from '../../src/app.js';
import { composeSupergraph, fetchSubgraphSdl, startApolloGateway, startHiveGateway, startSubgraph } from '../supergraph.js';
import { RECIPES, type RecipeName } from './index.js';

const name = process.argv[2];
if (!name || !(name in RECIPES)) {
  console.error(`usage: npm run example:recipe -- <${Object.keys(RECIPES).join('|')}>`);
  process.exit(2);
}
const recipe = RECIPES[name as RecipeName];
const router = process.env.ROUTER ?? 'apollo';
if (router !== 'apollo' && router !== 'hive') throw new Error(`ROUTER must be apollo or hive, not ${JSON.stringify(router)}`);

const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn', ...recipe.env, PORT: '4001', HOST: '127.0.0.1' });
const locations = await startApp({ config, logger: createLogger(config) });
await locations.ready;
const others = await Promise.all(recipe.subgraphs.map((subgraph, i) => startSubgraph(subgraph, { port: 4002 + i, host: '127.0.0.1', quiet: true })));

const sources = [{ name: 'locations', url: `${locations.url}/graphql` }, ...recipe.subgraphs.map((subgraph, i) => ({ name: subgraph.name, url: others[i]!.url }))];
const { supergraphSdl, hints } = composeSupergraph(await Promise.all(sources.map(async (source) => ({ ...source, sdl: await fetchSubgraphSdl(source.url) }))));
for (const hint of hints) console.warn(`composition hint ${hint.definition.code}: ${hint.message}`);
const start = router === 'hive' ? startHiveGateway : startApolloGateway;
const running = await start({ supergraphSdl, port: Number(process.env.PORT ?? 4000), host: '127.0.0.1' });

console.log(`${recipe.title}\n`);
for (const source of sources) console.log(`  ${source.name.padEnd(14)} ${source.url}`);
console.log(`  ${`${router} router`.padEnd(14)} ${running.url}\n\n${recipe.query}\n`);
const res = await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: recipe.query }) });
console.log(JSON.stringify(await res.json(), null, 2));
console.log('\nServing until Ctrl-C.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void Promise.all([running.stop(), locations.stop(), ...others.map((other) => other.stop())]));
}
