/**
 * Baseline: the framework's floor. What any Apollo Federation subgraph of this schema costs:
 * Apollo Server 5's standalone server with its default plugins (cache control included, as a
 * typical subgraph has it), `buildSubgraphSchema` from the same `schema.graphql`, and resolvers
 * answering from a plain `Map` of the US GeoNames rows with the haversine formula. No validation,
 * no limits, no metrics, no caching layers: the least a subgraph can do.
 *
 * Prints `{"url":"http://127.0.0.1:PORT/"}` on stdout once listening. Run: `tsx bench/baselines/bare-apollo.ts`.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { parse } from 'graphql';
import { defaultUsDataFile } from '../../src/gazetteer/loaded-data.js';
import { readGeoNames, type UsRow } from '../lib/shapes.js';

const typeDefs = parse(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
const places = new Map<string, UsRow>(readGeoNames(defaultUsDataFile()).map((row) => [row.postalCode, row]));

const R = 6_371_008.8;
const RAD = Math.PI / 180;
function distance(a: UsRow | undefined, b: UsRow | undefined) {
  if (!a || !b) return null;
  const φ1 = a.latitude * RAD;
  const φ2 = b.latitude * RAD;
  const Δλ = (b.longitude - a.longitude) * RAD;
  const h = Math.sin((φ2 - φ1) / 2) ** 2 + Math.cos(φ1) * Math.cos(φ2) * Math.sin(Δλ / 2) ** 2;
  const meters = 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
  const bearing = (Math.atan2(Math.sin(Δλ) * Math.cos(φ2), Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ)) / RAD + 360) % 360;
  return { from: a, to: b, meters, kilometers: meters / 1000, miles: meters / 1609.344, nauticalMiles: meters / 1852, initialBearing: bearing, method: 'HAVERSINE' };
}
const place = (code: string) => {
  const row = places.get(code);
  return row && { ...row, countryCode: 'US' };
};

interface PairArgs {
  from: string;
  to: string;
}
const resolvers = {
  Query: {
    location: (_: unknown, { postalCode }: { postalCode: string }) => place(postalCode),
    distance: (_: unknown, { from, to }: PairArgs) => distance(place(from), place(to)),
    distances: (_: unknown, { pairs }: { pairs: PairArgs[] }) => pairs.map(({ from, to }) => distance(place(from), place(to))),
    distanceMatrix: (_: unknown, { origins, destinations }: { origins: string[]; destinations: string[] }) => {
      const o = origins.map(place);
      const d = destinations.map(place);
      return { origins: o, destinations: d, rows: o.map((origin) => ({ origin, distances: d.map((to) => distance(origin, to)) })) };
    },
  },
  Location: {
    __resolveReference: ({ postalCode }: { postalCode: string }) => place(postalCode),
    distanceTo: (from: UsRow, { postalCode }: { postalCode: string }) => distance(from, place(postalCode)),
  },
};

const server = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }) });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
