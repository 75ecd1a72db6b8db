import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { EmbeddedGeocoder, defaultUsDataFile } from '../../src/geocoding/providers/embedded.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { usRows } from '../support/geonames.js';
import { startTestServer, type TestServer } from '../support/server.js';

const geocoder = new CountingGeocoder(new EmbeddedGeocoder({ files: [defaultUsDataFile()], logger: pino({ level: 'silent' }) }));
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, geocoder);
});
afterAll(() => server.stop());

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Location { postalCode placeName distanceTo(postalCode: "10001") { miles } } }
}`;

describe('as a federation subgraph', () => {
  it('resolves hundreds of _entities representations with one geocoder batch', async () => {
    const codes = usRows().slice(10_000, 10_300).map((r) => r.postalCode);
    const representations = codes.map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
    const before = geocoder.batches.length;
    const { body } = await server.graphql(ENTITIES, { representations });
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities.map((e: { postalCode: string }) => e.postalCode)).toEqual(codes);
    // One batch for the 300 references; `distanceTo` adds 10001 in a second tick.
    expect(geocoder.batches.slice(before).map((b) => b.length)).toEqual([300, 1]);
  });

  it('answers a bad or unknown representation with null and an error, and resolves the others', async () => {
    const { body } = await server.graphql(ENTITIES, {
      representations: [
        { __typename: 'Location', postalCode: '90210', countryCode: 'US' },
        { __typename: 'Location', postalCode: '00000', countryCode: 'us' },
        { __typename: 'Location', postalCode: 90210 },
      ],
    });
    expect(body.data!._entities[0]).toMatchObject({ postalCode: '90210' });
    expect(body.data!._entities.slice(1)).toEqual([null, null]);
    const errors = body.errors!.map((e) => [e.path, e.extensions!.code]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(errors).toEqual([
      [['_entities', 1], 'POSTAL_CODE_NOT_FOUND'],
      [['_entities', 2], 'BAD_USER_INPUT'],
    ]);
  });

  it('prints its SDL with the federation link and the Location key', async () => {
    const { body } = await server.graphql('{ _service { sdl } }');
    const sdl: string = body.data!._service.sdl;
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(sdl).toMatch(/type Location\s+@key\(fields: "postalCode countryCode"\)/);
    expect(sdl).toMatch(/distanceMatrix\(/);
  });
});
