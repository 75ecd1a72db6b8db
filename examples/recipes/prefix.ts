/**
 * The prefix recipe's subgraphs: a company's own `Location` (shaped like FlyBy's) joined to
 * postal codes, and a fitness subgraph with its own `Distance`. Both collide with the
 * postal-distance subgraph's names unless it runs with SCHEMA_PREFIX=Postal.
 */
import { readFileSync } from 'node:fs';
import { concatAST, parse } from 'graphql';
import type { ExampleSubgraph } from '../supergraph.js';

const read = (file: string) => parse(readFileSync(new URL(file, import.meta.url), 'utf8'));

/** The `Location`-owning subgraph as it runs before it knows about postal codes. */
export const flybyTypeDefs = read('./flyby.graphql');
/** What it adds to join its locations to the prefixed postal-distance subgraph. */
export const flybyPostalTypeDefs = read('./flyby-postal.graphql');
export const fitnessTypeDefs = read('./fitness.graphql');

export const places = [
  { id: 'loc-1', name: 'Headquarters', description: 'Offices above the station.', photo: 'https://example.com/hq.jpg', postalCode: '10001' },
  { id: 'loc-2', name: 'West studio', description: 'A studio in the hills.', photo: 'https://example.com/west.jpg', postalCode: '90210' },
  { id: 'loc-3', name: 'Lakeside', description: 'A showroom by the lake.', photo: 'https://example.com/lake.jpg', postalCode: '60601' },
] as const;

type Place = (typeof places)[number];

export const flybySubgraph: ExampleSubgraph = {
  name: 'flyby',
  typeDefs: concatAST([flybyTypeDefs, flybyPostalTypeDefs]),
  resolvers: {
    Query: {
      locations: () => places,
      location: (_: unknown, { id }: { id: string }) => places.find((place) => place.id === id) ?? null,
    },
    Location: {
      __resolveReference: ({ id }: { id: string }) => places.find((place) => place.id === id) ?? null,
      // The join: the postal code column, handed over as the key of `PostalLocation`.
      postal: ({ postalCode }: Place) => ({ postalCode, countryCode: 'US' }),
    },
  },
};

export const workouts = [
  { id: 'w-1', name: 'Morning run', distance: { value: 5, unit: 'km' } },
  { id: 'w-2', name: 'Long ride', distance: { value: 42.5, unit: 'mi' } },
] as const;

export const fitnessSubgraph: ExampleSubgraph = {
  name: 'fitness',
  typeDefs: fitnessTypeDefs,
  resolvers: {
    Query: { workouts: () => workouts },
    Workout: { __resolveReference: ({ id }: { id: string }) => workouts.find((workout) => workout.id === id) ?? null },
  },
};
