import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** One day, the `maxAge` schema.graphql gives `Location`, `Distance` and `DistanceMatrix`. */
const DAY = 'max-age=86400, public';

describe('Cache-Control response header', () => {
  it.each([
    ['a location', '{ location(postalCode: "90210") { postalCode placeName latitude } }'],
    ['a distance, with both its locations', '{ distance(from: "90210", to: "10001") { miles from { placeName } to { placeName } } }'],
    ['many distances', '{ distances(pairs: [{ from: "90210", to: "10001" }, { from: "60601", to: "94105" }]) { kilometers } }'],
    ['a matrix, whose rows inherit its hint', '{ distanceMatrix(origins: ["90210"], destinations: ["10001", "60601"]) { origins { placeName } rows { origin { placeName } distances { miles to { placeName } } } } }'],
  ])('lets caches keep %s for a day', async (_, query) => {
    const { body, headers } = await server.graphql(query);
    expect(body.errors).toBeUndefined();
    expect(headers.get('cache-control')).toBe(DAY);
  });

  it('lets a router keep _entities answers for a day, because the hint is on the Location type, distanceTo included', async () => {
    const { body, headers } = await server.graphql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { placeName distanceTo(postalCode: "10001") { miles } } } }`,
      { r: [{ __typename: 'Location', postalCode: '90210', countryCode: 'US' }, { __typename: 'Location', postalCode: '60601', countryCode: 'US' }] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities).toHaveLength(2);
    expect(headers.get('cache-control')).toBe(DAY);
  });

  it.each([
    ['an unknown code', '{ location(postalCode: "00000") { placeName } }', 'POSTAL_CODE_NOT_FOUND'],
    ['an unknown code among known ones', '{ a: location(postalCode: "90210") { placeName } b: location(postalCode: "00000") { placeName } }', 'POSTAL_CODE_NOT_FOUND'],
    ['an unknown _entities representation', '{ _entities(representations: [{ __typename: "Location", postalCode: "00000", countryCode: "US" }]) { ... on Location { placeName } } }', 'POSTAL_CODE_NOT_FOUND'],
    ['a malformed code', '{ distance(from: "abc", to: "10001") { miles } }', 'BAD_USER_INPUT'],
  ])('forbids storing a response with an error: %s', async (_, query, code) => {
    const { body, headers } = await server.graphql(query);
    expect(body.errors!.map((e) => e.extensions!.code)).toEqual([code]);
    expect(headers.get('cache-control')).toBe('no-store');
  });

  it('forbids storing _service { sdl }, which carries no hint: registries fetch it when they need it', async () => {
    const { body, headers } = await server.graphql('{ _service { sdl } }');
    expect(body.errors).toBeUndefined();
    expect(headers.get('cache-control')).toBe('no-store');
  });
});
