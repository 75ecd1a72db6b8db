/**
 * The service in a container-sized heap (`--max-old-space-size`), as a platform would run it: the
 * requests that killed such a process are refused before they run, whichever channel their sizes
 * arrive by, the largest requests the limits accept are answered four at a time, and the process
 * stays up throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usCodes } from '../support/remote.js';
import { runService } from '../support/service-process.js';

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] };
}

let service: ReturnType<typeof runService>;
let url: string;

const post = (query: string, variables?: Record<string, unknown>): Promise<Answer> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then(async (res) => ({
    status: res.status,
    body: (await res.json()) as Answer['body'],
  }));

const metrics = async (): Promise<string> => (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
const workUnits = async (): Promise<number> => Number(/^graphql_work_units_total (\S+)$/m.exec(await metrics())?.[1] ?? 0);

beforeAll(async () => {
  service = runService({ PORT: '0', HOST: '127.0.0.1', NODE_OPTIONS: '--max-old-space-size=256' });
  url = String((await service.phase('listen')).url);
  await service.phase('ready');
}, 30_000);

afterAll(async () => {
  service.child.kill('SIGTERM');
  await service.exited;
});

describe('a replica with a 256 MB heap', () => {
  it('refuses the few hundred bytes of search whose page sizes hide in a variable default, before any work', async () => {
    const query =
      'query($f: Int! = 1000) { nearestLocations(latitude: 40.75, longitude: -73.99, first: $f) { edges { node { nearby(radius: 20000, first: $f) { edges { distance meters initialBearing cursor node { postalCode countryCode placeName adminName adminCode latitude longitude } } } } } } }';
    expect(query.length).toBeLessThan(300);
    const before = await workUnits();
    const answer = await post(query);
    expect([answer.status, answer.body.data, answer.body.errors?.map((e) => e.extensions?.code)]).toEqual([200, null, ['BAD_USER_INPUT']]);
    expect(await workUnits()).toBe(before);
  });

  it('refuses a matrix of 3,000 × 3,000 defaulted codes, before any work', async () => {
    const codes = JSON.stringify(usCodes(3_000));
    const query = `query($o: [String!]! = ${codes}, $d: [String!]! = ${codes}) { distanceMatrix(origins: $o, destinations: $d) { rows { distances { miles } } } }`;
    const before = await workUnits();
    const answer = await post(query);
    expect([answer.status, answer.body.data, answer.body.errors?.map((e) => e.message)]).toEqual([200, { distanceMatrix: null }, ['Too many origins: 3000 given, at most 2500 per call. Split the matrix.']]);
    expect(await workUnits()).toBe(before);
  });

  it('answers a few hundred bytes of _entities with defaulted representations and nested searches with a list of refused items', async () => {
    const query =
      'query($r: [_Any!]! = [{__typename: "Location", postalCode: "10001", countryCode: "US"}, {__typename: "Location", postalCode: "90210", countryCode: "US"}], $f: Int! = 300) { _entities(representations: $r) { ... on Location { nearby(radius: 20000, first: $f) { edges { node { nearby(radius: 20000, first: $f) { totalCount } } } } } } }';
    const before = await workUnits();
    const answer = await post(query);
    expect(answer.body.data).toEqual({ _entities: [null, null] });
    expect(answer.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 0], 'BAD_USER_INPUT'],
      [['_entities', 1], 'BAD_USER_INPUT'],
    ]);
    expect(await workUnits()).toBe(before);
  });

  it('refuses mutations and subscriptions by validation, and gives their made-up field names no metric label', async () => {
    const name = `f${'x'.repeat(100_000)}`;
    for (let i = 0; i < 20; i++) {
      const answer = await post(`${i % 2 ? 'mutation' : 'subscription'} { ${name}${i} }`);
      expect([answer.status, answer.body.errors?.map((e) => e.extensions?.code)]).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']]);
    }
    const text = await metrics();
    expect(text).not.toContain('xxxx');
    expect(text.length).toBeLessThan(200_000);
  });

  it('answers the largest requests the limits accept, four at a time, and stays up', async () => {
    const codes = usCodes(1_000);
    // Close to the most the default limits accept: 1,000 entities, five aliased distanceTo of 18 fields each (91,000 fields).
    const fields = 'meters kilometers miles nauticalMiles initialBearing method from { postalCode } to { postalCode }';
    const five = Array.from({ length: 5 }, (_, i) => `a${i}: distanceTo(postalCode: "${codes[i]}") { ${fields} from { countryCode latitude longitude placeName adminName adminCode } }`).join(' ');
    const largest = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { ${five} } } }`;
    const representations = codes.map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
    for (let round = 0; round < 3; round++) {
      const answered = await Promise.all(Array.from({ length: 4 }, () => post(largest, { r: representations })));
      expect(answered.map((r) => [r.status, r.body.errors])).toEqual(Array(4).fill([200, undefined]));
    }
    expect((await fetch(url.replace(/\/graphql$/, '/healthz'))).status).toBe(200);
    expect(service.child.exitCode).toBeNull();
  }, 60_000);
});
