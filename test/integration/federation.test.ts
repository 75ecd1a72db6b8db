import { Trace } from '@apollo/usage-reporting-protobuf';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kind, parse, print, visit } from 'graphql';
import { pino } from 'pino';
import { composeSupergraph } from '../../examples/supergraph.js';
import { STORES_SCHEMA_FILE } from '../../examples/stores/server.js';
import { usEmbedded } from '../support/embedded.js';
import { CountingGeocoder } from '../support/counting-geocoder.js';
import { usRows } from '../support/geonames.js';
import { startTestServer, type TestServer } from '../support/server.js';

const geocoder = new CountingGeocoder(usEmbedded());
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

  it('prints its SDL with the federation link, the Location key, and what it shares', async () => {
    const { body } = await server.graphql('{ _service { sdl } }');
    const sdl: string = body.data!._service.sdl;
    expect(sdl).toMatch(
      /@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.9", import: \["@key", "@shareable", "@inaccessible", "@tag", "@cost", "@listSize"\]\)/,
    );
    expect(sdl).toMatch(/type Location\s+@key\(fields: "postalCode countryCode"\)\s+@cacheControl\(maxAge: 86400\)/);
    expect(sdl).toMatch(/distanceMatrix\(/);
    const applied = new Set<string>();
    const shareable: string[] = [];
    visit(parse(sdl), {
      Directive: (node) => void applied.add(node.name.value),
      FieldDefinition: (node) => void (node.directives?.some((d) => d.name.value === 'shareable') && shareable.push(node.name.value)),
    });
    expect([...applied].sort()).toEqual(['cacheControl', 'cost', 'key', 'link', 'listSize', 'shareable']);
    // The data of a Location, never what it computes (distanceTo); its key fields are shareable already.
    expect(shareable).toEqual(['latitude', 'longitude', 'placeName', 'adminName', 'adminCode', 'timeZone']);
  });

  it('composes alone with no hints, and the supergraph carries its cost hints for routers', async () => {
    const { body } = await server.graphql('{ _service { sdl } }');
    const { supergraphSdl, hints } = composeSupergraph([{ name: 'locations', url: 'http://127.0.0.1:4001/graphql', sdl: body.data!._service.sdl }]);
    expect(hints.map((h) => `${h.definition.code}: ${h.message}`)).toEqual([]);
    expect(supergraphSdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/cost\/v0\.1", import: \["@listSize"\]\)/);
    const hinted: string[] = [];
    for (const definition of parse(supergraphSdl).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      for (const field of definition.fields ?? []) {
        for (const d of field.directives ?? []) if (d.name.value === 'cost' || d.name.value === 'listSize') hinted.push(`${definition.name.value}.${field.name.value} ${print(d)}`);
      }
    }
    expect(hinted).toEqual([
      'DistanceMatrix.origins @listSize(assumedSize: 7)',
      'DistanceMatrix.destinations @listSize(assumedSize: 7)',
      'DistanceMatrix.rows @listSize(assumedSize: 7)',
      'DistanceMatrixRow.distances @listSize(assumedSize: 7)',
      'Location.distanceTo @cost(weight: 2)',
      'Location.nearby @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
      'Location.nearby @cost(weight: 10)',
      'Query.distances @listSize(assumedSize: 32)',
      'Query.nearestLocations @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
      'Query.nearestLocations @cost(weight: 10)',
      'Query.datasets @listSize(assumedSize: 25)',
      'Query.locationsInArea @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
      'Query.locationsInArea @cost(weight: 10)',
      'Query.locationsByPlace @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)',
      'Query.locationsByPlace @cost(weight: 5)',
    ]);
  });

  it('prints SDL that composition accepts as it is, beside the example stores subgraph, with no hints', async () => {
    const { body } = await server.graphql('{ _service { sdl } }');
    const { supergraphSdl, hints } = composeSupergraph([
      { name: 'locations', url: 'http://127.0.0.1:4001/graphql', sdl: body.data!._service.sdl },
      { name: 'stores', url: 'http://127.0.0.1:4002/graphql', sdl: readFileSync(STORES_SCHEMA_FILE, 'utf8') },
    ]);
    expect(hints.map((h) => h.definition.code)).toEqual([]);
    expect(supergraphSdl).toMatch(/LOCATIONS @join__graph\(name: "locations"/);
    expect(supergraphSdl).toMatch(/@join__type\(graph: LOCATIONS, key: "postalCode countryCode"\)/);
    // The cache hints stay in the subgraph: routers learn them from the Cache-Control header.
    expect(supergraphSdl).not.toMatch(/cacheControl/);
  });
});

/** The field names of a trace's tree, nested as the response is: `['location', ['placeName', 'latitude']]`. */
type FieldTree = (string | FieldTree)[];
function fieldTree(node: Trace.INode): FieldTree {
  return (node.child ?? []).flatMap((child) => {
    const name = child.responseName ?? `[${child.index}]`;
    return child.child?.length ? [name, fieldTree(child)] : [name];
  });
}

describe('inline tracing (ftv1)', () => {
  const QUERY = '{ location(postalCode: "90210") { postalCode latitude distanceTo(postalCode: "10001") { miles } } }';

  it('returns a trace of every resolved field when the router asks for one', async () => {
    const { body } = await server.graphql(QUERY, undefined, { 'apollo-federation-include-trace': 'ftv1' });
    expect(body.errors).toBeUndefined();
    const encoded = body.extensions?.ftv1;
    expect(typeof encoded).toBe('string');
    const trace = Trace.decode(Buffer.from(encoded as string, 'base64'));
    expect(fieldTree(trace.root!)).toEqual(['location', ['postalCode', 'latitude', 'distanceTo', ['miles']]]);
    expect(Number(trace.durationNs)).toBeGreaterThan(0);
  });

  it('adds no trace when the router does not ask', async () => {
    const { body } = await server.graphql(QUERY);
    expect(body.errors).toBeUndefined();
    expect(body.extensions).toBeUndefined();
  });
});
