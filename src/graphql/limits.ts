/**
 * The limits on what one operation may ask and do, as settings: the plugins apply them before
 * execution (plugins/limits.ts, operation/size.ts) and the work budget while it runs.
 */
import { defineSettings, int, type OptionsOf } from '../settings.js';

export const limitSettings = defineSettings({
  title: 'Limits',
  variables: {
    MAX_DISTANCE_PAIRS: int(1, 100_000, 1_000).describe('Most pairs in one `distances` call.'),
    MAX_MATRIX_CELLS: int(1, 1_000_000, 2_500).describe('Most cells (origins × destinations) in one `distanceMatrix` call.'),
    MAX_ENTITIES: int(1, 100_000, 5_000).describe(
      'Most representations one `_entities` call resolves; those past it are each answered null with an error. A router sends every `Location` of one list in one call, never split: this is the longest list a client may resolve through it (docs/federation.md).',
    ),
    MAX_NEARBY_RESULTS: int(1, 100_000, 1_000).describe(
      'Largest page (`first`) of a search (`Location.nearby`, `Query.nearestLocations`, `Query.locationsInArea`, `Query.locationsByPlace`).',
    ),
    MAX_NEARBY_SEARCHES: int(1, 100_000, 100).describe(
      'Most searches one operation may run (`nearby`, `nearestLocations`, `locationsInArea`, `locationsByPlace`), counting a `nearby` once per list item it appears in (under `_entities` or another search\'s edges).',
    ),
    MAX_AREA_VERTICES: int(4, 1_000_000, 10_000).describe(
      'Most positions of a `locationsInArea` polygon, every ring together; each code in the box around the polygon is tested against every edge (WORK_BUDGET charges a unit per 400 edges).',
    ),
    MAX_AREA_RINGS: int(1, 100_000, 100).describe('Most rings of a `locationsInArea` polygon: its outer boundary and its holes.'),
    MIN_PLACE_PREFIX: int(1, 100, 2).describe(
      'Fewest characters of a `locationsByPlace` name with `match: PREFIX`, counted once case, accents and punctuation are set aside.',
    ),
    MAX_POSTAL_CODES: int(1, 1_000_000, 6_000).describe(
      'Most distinct postal codes one operation may look up (protects a paid geocoder from alias and list floods); keep it above MAX_ENTITIES, or a long list of distinct codes fails past it.',
    ),
    MAX_DEPTH: int(1, 100, 10).describe(
      'Deepest field nesting (GraphQL Armor). Routers wrap entity fields in an inline fragment that counts as a level, so two `distanceTo` hops through a router arrive 7 deep.',
    ),
    MAX_ALIASES: int(0, 1_000, 15).describe('Most aliases per operation (GraphQL Armor).'),
    MAX_DIRECTIVES: int(0, 1_000, 50).describe('Most directives per operation (GraphQL Armor).'),
    MAX_COST: int(1, 1_000_000, 5_000).describe("Highest static cost of an operation (GraphQL Armor's cost model)."),
    MAX_TOKENS: int(100, 1_000_000, 15_000).describe('Most lexical tokens in a document (graphql-js parser; the same default as Apollo Router).'),
    MAX_RESPONSE_FIELDS: int(1, 100_000_000, 100_000).describe(
      'Most fields one response may hold, counting each field once per list item it appears in (aliases and fragments included); measured from the arguments before anything runs.',
    ),
    MAX_SELECTED_FIELDS: int(1, 1_000_000, 10_000).describe(
      'Most fields an operation may select once its fragments are expanded, whatever its lists hold (a few hundred bytes of fragments spread in fragments can select millions).',
    ),
    WORK_BUDGET: int(1, 1_000_000_000, 2_000_000).describe(
      'Most units of work one operation may do while it runs (a postal code looked up, a geodesic solved, a code tested by a search (against a polygon: per 400 edges), a search edge built: one unit each); past it the operation is stopped with WORK_BUDGET_EXCEEDED. A second line behind the limits checked before execution.',
    ),
  },
  read: (env) => ({
    maxDistancePairs: env.MAX_DISTANCE_PAIRS,
    maxMatrixCells: env.MAX_MATRIX_CELLS,
    maxEntities: env.MAX_ENTITIES,
    maxNearbyResults: env.MAX_NEARBY_RESULTS,
    maxNearbySearches: env.MAX_NEARBY_SEARCHES,
    maxAreaVertices: env.MAX_AREA_VERTICES,
    maxAreaRings: env.MAX_AREA_RINGS,
    minPlacePrefix: env.MIN_PLACE_PREFIX,
    maxPostalCodes: env.MAX_POSTAL_CODES,
    maxDepth: env.MAX_DEPTH,
    maxAliases: env.MAX_ALIASES,
    maxDirectives: env.MAX_DIRECTIVES,
    maxCost: env.MAX_COST,
    maxTokens: env.MAX_TOKENS,
    maxResponseFields: env.MAX_RESPONSE_FIELDS,
    maxSelectedFields: env.MAX_SELECTED_FIELDS,
    workBudget: env.WORK_BUDGET,
  }),
});

export type Limits = OptionsOf<typeof limitSettings>;
