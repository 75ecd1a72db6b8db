/**
 * The service in a container-sized heap (`--max-old-space-size`), as a platform would run it: the
 * requests that killed such a process before the limits existed are refused, the largest requests
 * the limits accept are answered, four at a time, and the process stays up throughout.
 */
import { describe, expect, it } from 'vitest';
import { usCodes } from '../support/remote.js';
import { runService } from '../support/service-process.js';

const post = (url: string, query: string, variables: Record<string, unknown>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then(async (res) => ({
    status: res.status,
    body: (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
  }));

describe('a replica with a 256 MB heap', () => {
  it('refuses the attacks that used to exhaust it, answers the largest accepted requests four at a time, and stays up', async () => {
    const service = runService({ PORT: '0', HOST: '127.0.0.1', NODE_OPTIONS: '--max-old-space-size=256' });
    try {
      const url = String((await service.phase('listen')).url);
      await service.phase('ready');
      const codes = usCodes(1_000);

      // The review's attack: 60,000 destinations under fifteen aliased distanceTo (a 540 KB request).
      const fields = 'meters kilometers miles nauticalMiles initialBearing method from { postalCode } to { postalCode }';
      const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: distanceTo(postalCode: "10001") { ${fields} }`).join(' ');
      const destinations = Array.from({ length: 60_000 }, (_, i) => codes[i % codes.length]);
      const attack = `query($d: [String!]!) { distanceMatrix(origins: [], destinations: $d) { destinations { ${aliases} } } }`;
      const refused = await Promise.all(Array.from({ length: 4 }, () => post(url, attack, { d: destinations })));
      expect(refused.map((r) => [r.status, r.body.data, r.body.errors?.[0]?.extensions?.code])).toEqual(Array(4).fill([200, undefined, 'BAD_USER_INPUT']));

      // Close to the most the default limits accept: 1,000 entities, five aliased distanceTo of 18 fields each (91,000 fields).
      const five = Array.from({ length: 5 }, (_, i) => `a${i}: distanceTo(postalCode: "${codes[i]}") { ${fields} from { countryCode latitude longitude placeName adminName adminCode } }`).join(' ');
      const largest = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { ${five} } } }`;
      const representations = codes.map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
      for (let round = 0; round < 3; round++) {
        const answered = await Promise.all(Array.from({ length: 4 }, () => post(url, largest, { r: representations })));
        expect(answered.map((r) => [r.status, r.body.errors])).toEqual(Array(4).fill([200, undefined]));
      }
      expect((await fetch(url.replace(/\/graphql$/, '/healthz'))).status).toBe(200);
      expect(service.child.exitCode).toBeNull();
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  }, 60_000);
});
