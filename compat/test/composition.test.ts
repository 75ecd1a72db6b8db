/**
 * Composition with every engine that runs offline: Apollo's and The Guild's libraries, Cosmo's
 * wgc and Grafbase's CLI. Our SDL is what the built service prints for `_service { sdl }`, so the
 * prefix and the configured limits are what is composed. Each case must compose with no errors.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { apollo, COMPOSERS, type SubgraphSchema } from '../src/compose.js';
import { CLASHING_FIXTURES, fixture, PUBLIC_FIXTURES } from '../src/fixtures.js';
import { serviceSdl } from '../src/graphql-client.js';
import { STORES_SCHEMA } from '../src/paths.js';
import { startService } from '../src/processes.js';
import { BEFORE_SDL, WAREHOUSES_SDL } from '../recipes/zip-only/warehouses.js';

let plainSdl: string;
let postalSdl: string;

beforeAll(async () => {
  const [plainService, postalService] = await Promise.all([startService(), startService({ SCHEMA_PREFIX: 'Postal' })]);
  [plainSdl, postalSdl] = await Promise.all([serviceSdl(plainService.url), serviceSdl(postalService.url)]);
  await Promise.all([plainService.stop(), postalService.stop()]);
});

/** Ours, named so that it meets no fixture's subgraph name (trails-clash has a `locations`). */
const locations = (sdl: () => string): SubgraphSchema => ({ name: 'postal-distance', url: 'http://postal-distance.example/graphql', get sdl() { return sdl(); } });
const stores: SubgraphSchema = { name: 'stores', url: 'http://stores.example/graphql', sdl: readFileSync(STORES_SCHEMA, 'utf8') };
const warehouses = (sdl: string): SubgraphSchema => ({ name: 'warehouses', url: 'http://warehouses.example/graphql', sdl });

/** Each case: what is composed with our subgraph, by name. */
const CASES: readonly { readonly name: string; readonly subgraphs: () => readonly SubgraphSchema[] }[] = [
  { name: 'our subgraph alone', subgraphs: () => [locations(() => plainSdl)] },
  { name: 'our subgraph with SCHEMA_PREFIX=Postal, alone', subgraphs: () => [locations(() => postalSdl)] },
  { name: 'beside the example stores subgraph', subgraphs: () => [locations(() => plainSdl), stores] },
  ...PUBLIC_FIXTURES.flatMap((name) => [
    { name: `beside ${name}`, subgraphs: () => [locations(() => plainSdl), ...fixture(name).subgraphs] },
    { name: `beside ${name} with SCHEMA_PREFIX=Postal`, subgraphs: () => [locations(() => postalSdl), ...fixture(name).subgraphs] },
  ]),
  ...CLASHING_FIXTURES.map((name) => ({ name: `beside ${name} with SCHEMA_PREFIX=Postal`, subgraphs: () => [locations(() => postalSdl), ...fixture(name).subgraphs] })),
  { name: 'beside the ZIP-only adopter, as the recipe writes it', subgraphs: () => [locations(() => plainSdl), warehouses(WAREHOUSES_SDL)] },
];

// The CLIs (wgc above all) spend seconds starting up: one engine's cases run side by side.
describe.concurrent.each(COMPOSERS)('$name', (composer) => {
  // A fixture that fails alone is the fixture's fault, not ours: these tell the two apart.
  it.for([...PUBLIC_FIXTURES, ...CLASHING_FIXTURES])('composes the fixture %s alone with no errors', async (name, { expect }) => {
    const { errors, output } = await composer.compose(fixture(name).subgraphs);
    expect(errors).toEqual([]);
    expect(output).toBeTruthy();
  });

  it.for(CASES)('composes $name with no errors', async ({ subgraphs }, { expect }) => {
    const { errors, output } = await composer.compose(subgraphs());
    expect(errors).toEqual([]);
    expect(output).toBeTruthy();
  });

  it.for(CLASHING_FIXTURES)('refuses %s beside our unprefixed names, for Query.location (the reason for SCHEMA_PREFIX)', async (name, { expect }) => {
    const { errors } = await composer.compose([locations(() => plainSdl), ...fixture(name).subgraphs]);
    expect(errors.join('\n')).toMatch(/Query\.location\b/);
  });
});

describe('what the recipes fix, as Apollo composition says it', () => {
  it('fails for a ZIP-only key with a SATISFIABILITY_ERROR per field a router could not reach', async () => {
    const { errors } = await apollo.compose([locations(() => plainSdl), warehouses(BEFORE_SDL)]);
    // One per field of ours a Warehouse's location could not reach (docs/federation.md, "Your key is the ZIP alone").
    expect(errors.map((e) => e.split(':')[0])).toEqual(Array(13).fill('SATISFIABILITY_ERROR'));
  });

  it('composes our cost hints into the supergraph', async () => {
    const { output } = await apollo.compose([locations(() => plainSdl)]);
    // The four searches, sized by `first`: the radius and area searches weighing 10, the name search 5; the matrix's lists at 7; `distances` at 32.
    expect(output?.match(/@listSize\(slicingArguments: \["first"\], sizedFields: \["edges"\], requireOneSlicingArgument: false\)/g)).toHaveLength(4);
    expect(output?.match(/@cost\(weight: 10\)/g)).toHaveLength(3);
    expect(output?.match(/@cost\(weight: 5\)/g)).toHaveLength(1);
    expect(output?.match(/@listSize\(assumedSize: 7\)/g)).toHaveLength(4);
    expect(output?.match(/@listSize\(assumedSize: 32\)/g)).toHaveLength(1);
  });
});

