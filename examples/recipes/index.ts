/**
 * The federation recipes of docs/federation.md: for each, the other subgraphs, how the
 * postal-distance subgraph is configured beside them, and a client operation that shows it.
 * `examples/recipes/run.ts` runs one; test/integration/recipes.test.ts runs them all through both routers.
 */
import { storesSubgraph } from '../stores/server.js';
import type { ExampleSubgraph } from '../supergraph.js';
import { directorySubgraph } from './directory.js';
import { fitnessSubgraph, flybySubgraph } from './prefix.js';
import { shippingSubgraph } from './shipping.js';

export interface Recipe {
  /** One line: what it shows. */
  readonly title: string;
  /** Variables of the postal-distance subgraph (over its defaults). */
  readonly env: Readonly<Record<string, string>>;
  /** The other subgraphs of the supergraph. */
  readonly subgraphs: readonly ExampleSubgraph[];
  /** A client operation that shows the recipe through a router. */
  readonly query: string;
}

export const RECIPES = {
  join: {
    title: 'Join a plain postal code column (stores), and add a field to Location (Location.stores)',
    env: {},
    subgraphs: [storesSubgraph],
    query: `{
  stores(first: 3) { name location { postalCode placeName distanceTo(postalCode: "10001") { miles } } }
  location(postalCode: "99553") { placeName stores { name } }
}`,
  },
  nearby: {
    title: 'Stores within 25 miles of 10001, nearest first (Location.nearby here, Location.stores in the stores subgraph)',
    env: {},
    subgraphs: [storesSubgraph],
    query: `{
  location(postalCode: "10001") {
    nearby(radius: 25, unit: MILES, first: 100) {
      edges { distance node { postalCode stores { name } } }
    }
  }
}`,
  },
  byPlace: {
    title: 'Stores in the codes of a place, by its name (Query.locationsByPlace here, Location.stores in the stores subgraph)',
    env: {},
    subgraphs: [storesSubgraph],
    query: `{
  locationsByPlace(name: "Beverly Hills", adminCode: "CA") {
    totalCount
    edges { node { postalCode stores { name } } }
  }
}`,
  },
  inArea: {
    title: 'Stores inside a polygon: Manhattan below Central Park (Query.locationsInArea here, Location.stores in the stores subgraph)',
    env: {},
    subgraphs: [storesSubgraph],
    query: `{
  locationsInArea(polygon: [[[-74.019, 40.700], [-73.971, 40.709], [-73.958, 40.762], [-74.010, 40.762], [-74.019, 40.700]]], first: 200) {
    totalCount
    edges { node { postalCode stores { name } } }
  }
}`,
  },
  contribute: {
    title: 'Contribute a field to Location computed from its coordinates (Location.shippingZone, @requires)',
    env: {},
    subgraphs: [shippingSubgraph],
    query: `{
  distance(from: "90210", to: "10001") { miles from { placeName shippingZone } to { placeName shippingZone } }
}`,
  },
  provide: {
    title: 'Provide place names you already store (@provides on Store.location)',
    env: {},
    subgraphs: [directorySubgraph],
    query: `{
  directory { name location { placeName adminCode } }
}`,
  },
  prefix: {
    title: 'Compose beside subgraphs that already own Location and Distance (SCHEMA_PREFIX=Postal)',
    env: { SCHEMA_PREFIX: 'Postal' },
    subgraphs: [flybySubgraph, fitnessSubgraph],
    query: `{
  locations { name postal { placeName distanceTo(postalCode: "10001") { miles } } }
  workouts { name distance { value unit } }
}`,
  },
  limits: {
    title: 'Router limits: one _entities call per list, never split (MAX_ENTITIES=100 against 150 stores)',
    env: { MAX_ENTITIES: '100' },
    subgraphs: [storesSubgraph],
    query: `{
  stores(first: 150) { name location { placeName } }
}`,
  },
} satisfies Record<string, Recipe>;

export type RecipeName = keyof typeof RECIPES;
