import { GraphQLScalarType, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CANONICAL_NAMING, lowerCamel, renameResolvers, renameTypeDefs, schemaNaming } from '../../src/graphql/naming.js';
import { typeDefs } from '../../src/graphql/schema.js';

const postal = schemaNaming(typeDefs, 'Postal');

describe('the lower-camel form of a prefix, for root fields', () => {
  it('lowers the first letter of a word, a run of capitals as one word, and keeps the capital that starts the next word', () => {
    expect(['Postal', 'PD', 'PDGeo', 'PD2', 'P', 'GeoPostal', 'X9y'].map(lowerCamel)).toEqual(['postal', 'pd', 'pdGeo', 'pd2', 'p', 'geoPostal', 'x9y']);
  });
});

describe('the naming of schema.graphql under SCHEMA_PREFIX=Postal', () => {
  it('prefixes every type, input and enum the schema defines', () => {
    const types = ['Location', 'DistanceMethod', 'Distance', 'DistancePairInput', 'DistanceMatrix', 'DistanceMatrixRow'];
    expect(types.map(postal.toSchema)).toEqual([
      'PostalLocation',
      'PostalDistanceMethod',
      'PostalDistance',
      'PostalDistancePairInput',
      'PostalDistanceMatrix',
      'PostalDistanceMatrixRow',
    ]);
    expect(types.map(postal.toSchema).map(postal.toCanonical)).toEqual(types);
  });

  it('prefixes every root field in lower camel case, and maps them back', () => {
    const fields = ['location', 'distance', 'distances', 'distanceMatrix'];
    expect(fields.map(postal.toSchema)).toEqual(['postalLocation', 'postalDistance', 'postalDistances', 'postalDistanceMatrix']);
    expect(fields.map(postal.toSchema).map(postal.toCanonical)).toEqual(fields);
  });

  it('maps field coordinates part by part: a root field is renamed, a field of another type never is', () => {
    expect(postal.toSchema('Query.distances')).toBe('Query.postalDistances');
    expect(postal.toSchema('DistanceMatrixRow.distances')).toBe('PostalDistanceMatrixRow.distances');
    expect(postal.toSchema('Location.distanceTo')).toBe('PostalLocation.distanceTo');
    expect(postal.toCanonical('Query.postalDistanceMatrix')).toBe('Query.distanceMatrix');
    expect(postal.toCanonical('PostalDistanceMatrixRow.distances')).toBe('DistanceMatrixRow.distances');
    expect(postal.toCanonical('Query._entities')).toBe('Query._entities');
  });

  it("leaves the root types, federation's names, built-in scalars and unknown names as they are", () => {
    const untouched = ['Query', '_entities', '_service', '_Any', '_Entity', '_Service', 'FieldSet', 'link__Import', 'String', 'Float', 'ID', 'Store', 'distanceTo'];
    expect(untouched.map(postal.toSchema)).toEqual(untouched);
    expect(untouched.map(postal.toCanonical)).toEqual(untouched);
    // A canonical name is not a served one under a prefix, and passes through unmapped.
    expect(postal.toCanonical('Location')).toBe('Location');
  });

  it('renames the schema in place: the same definitions, fields, arguments, directives and descriptions', () => {
    const renamed = print(renameTypeDefs(typeDefs, postal));
    const back = renamed
      .replace(/\bPostal([A-Z]\w*)/g, '$1')
      .replace(/\bpostal([A-Z])(\w*)\(/g, (_, first: string, rest: string) => `${first.toLowerCase()}${rest}(`)
      // A root field without arguments, named here: `postalCode:` is a field of Location that stays.
      .replace(/\bpostalDatasets:/, 'datasets:');
    expect(back).toBe(print(typeDefs));
    expect(renamed).toMatch(/type PostalLocation @key\(fields: "postalCode countryCode"\) @cacheControl\(maxAge: 86400\)/);
    expect(renamed).toMatch(/postalDistances\(\n[\s\S]*pairs: \[PostalDistancePairInput!\]!/);
  });
});

describe('without a prefix', () => {
  it('serves exactly schema.graphql: the same document and resolver map, not copies', () => {
    const naming = schemaNaming(typeDefs, '');
    expect(naming).toBe(CANONICAL_NAMING);
    expect(renameTypeDefs(typeDefs, naming)).toBe(typeDefs);
    const resolvers = { Query: {}, Location: {} };
    expect(renameResolvers(resolvers, naming)).toBe(resolvers);
    expect(['Location', 'distance', 'Query.distances'].map(naming.toSchema)).toEqual(['Location', 'distance', 'Query.distances']);
  });
});

describe('any schema, so that types added later are renamed too', () => {
  // Every kind of definition and reference, custom root names, and what federation owns.
  const sdl = parse(`
    schema { query: Root }
    scalar Cursor
    interface Node { id: ID! }
    enum DistanceUnit { KILOMETERS MILES }
    input NearbyInput { unit: DistanceUnit = KILOMETERS }
    type PageInfo @shareable { hasNextPage: Boolean! endCursor: Cursor }
    type LocationEdge implements Node { id: ID! cursor: Cursor! node: Location! }
    type LocationConnection { edges: [LocationEdge!]! pageInfo: PageInfo! }
    type Location @key(fields: "postalCode") { postalCode: String! nearby(input: NearbyInput): LocationConnection }
    union Result = Location | LocationEdge
    extend type Location { timeZone: String }
    type Root { nearestLocations(first: Int = 10): LocationConnection search: [Result!]! }
    extend type Root { location: Location }
    scalar FieldSet
    scalar link__Import
  `);
  const naming = schemaNaming(sdl, 'Geo');

  it('renames every definition, extension and reference, and the fields of the declared root type', () => {
    expect(print(renameTypeDefs(sdl, naming))).toBe(
      print(
        parse(`
    schema { query: Root }
    scalar GeoCursor
    interface GeoNode { id: ID! }
    enum GeoDistanceUnit { KILOMETERS MILES }
    input GeoNearbyInput { unit: GeoDistanceUnit = KILOMETERS }
    type GeoPageInfo @shareable { hasNextPage: Boolean! endCursor: GeoCursor }
    type GeoLocationEdge implements GeoNode { id: ID! cursor: GeoCursor! node: GeoLocation! }
    type GeoLocationConnection { edges: [GeoLocationEdge!]! pageInfo: GeoPageInfo! }
    type GeoLocation @key(fields: "postalCode") { postalCode: String! nearby(input: GeoNearbyInput): GeoLocationConnection }
    union GeoResult = GeoLocation | GeoLocationEdge
    extend type GeoLocation { timeZone: String }
    type Root { geoNearestLocations(first: Int = 10): GeoLocationConnection geoSearch: [GeoResult!]! }
    extend type Root { geoLocation: GeoLocation }
    scalar FieldSet
    scalar link__Import
  `),
      ),
    );
  });

  it('refuses a prefix that is not a GraphQL name starting upper case', () => {
    for (const bad of ['postal', 'Post-al', '9Postal', 'Postal_', ' Postal']) expect(() => schemaNaming(sdl, bad)).toThrow(RangeError);
  });

  it('refuses a prefix under which a renamed name would be one the schema already has', () => {
    const clash = parse('type Location { id: ID! } type GeoLocation { id: ID! } type Query { location: Location }');
    expect(() => schemaNaming(clash, 'Geo')).toThrow('Under the schema prefix Geo, Location would be served as GeoLocation, a name the schema already has');
  });
});

describe('the resolver map', () => {
  it('is keyed by the served type names and root field names, with the same resolvers', () => {
    const location = () => null;
    const __resolveReference = () => null;
    const renamed = renameResolvers({ Query: { location, distance: location }, Location: { __resolveReference } }, postal);
    expect(renamed).toEqual({ Query: { postalLocation: location, postalDistance: location }, PostalLocation: { __resolveReference } });
    expect((renamed.PostalLocation as { __resolveReference: unknown }).__resolveReference).toBe(__resolveReference);
  });

  it("passes a custom scalar's instance on as it is, renamed or not", () => {
    const cursor = new GraphQLScalarType({ name: 'Cursor' });
    const other = new GraphQLScalarType({ name: 'JSON' });
    const naming = schemaNaming(parse('scalar Cursor type Query { a: Cursor }'), 'Geo');
    const renamed = renameResolvers({ Cursor: cursor, JSON: other }, naming);
    expect(renamed.GeoCursor).toBe(cursor);
    expect(renamed.JSON).toBe(other);
  });
});
