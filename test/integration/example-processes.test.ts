/**
 * The example programs as a user starts them (`npm run example:…`, here `node --import tsx`): a
 * port in use or a port that is not one ends them with one line on stderr naming the variable to
 * change, exit code 1, and no stack.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToEnd, type Ran } from '../support/child-process.js';
import { startStoresSubgraph, type StoresSubgraph } from '../../examples/stores/server.js';
import { startTestServer, type TestServer } from '../support/server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs an example to its exit; resolves with its exit code and what it printed. */
function runExample(script: string, args: readonly string[], env: Record<string, string>): Promise<Ran> {
  return runToEnd(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
}

const inUse = (program: string, host: string, port: number, variable: string) =>
  `${program}: cannot listen on ${host}port ${port}: another process is using it. Set ${variable} to a free port, or find the process holding it: ss -ltnp 'sport = :${port}' or lsof -i :${port} (PORT_IN_USE)\n`;

let holder: ReturnType<typeof createServer>;
let busy: number;
beforeAll(async () => {
  holder = createServer().listen(0);
  await once(holder, 'listening');
  busy = (holder.address() as { port: number }).port;
});
afterAll(() => holder.close());

// tsx compiles each example and its imports (Apollo, the gateways) at every start: seconds each.
describe('the examples, on a port in use', { timeout: 60_000 }, () => {
  it('example:stores says which port and what to do, in one line, exit 1', async () => {
    const { code, stderr } = await runExample('examples/stores/main.ts', [], { PORT: String(busy) });
    expect([code, stderr]).toEqual([1, inUse('example:stores', '', busy, 'PORT')]);
  });

  it('example:recipe names LOCATIONS_PORT when the port of this subgraph is taken', async () => {
    const { code, stderr } = await runExample('examples/recipes/run.ts', ['join'], { LOCATIONS_PORT: String(busy) });
    expect([code, stderr]).toEqual([1, inUse('example:recipe', '127.0.0.1 ', busy, 'LOCATIONS_PORT')]);
  });

  describe('example:gateway, with both subgraphs up', () => {
    let locations: TestServer;
    let stores: StoresSubgraph;
    beforeAll(async () => {
      [locations, stores] = await Promise.all([startTestServer(), startStoresSubgraph({ port: 0, host: '127.0.0.1', quiet: true })]);
    });
    afterAll(() => Promise.all([locations.stop(), stores.stop()]));

    it('names PORT when the router port is taken', async () => {
      const { code, stderr } = await runExample('examples/gateway.ts', [], { PORT: String(busy), LOCATIONS_URL: `${locations.url}/graphql`, STORES_URL: stores.url });
      expect([code, stderr]).toEqual([1, inUse('example:gateway', '127.0.0.1 ', busy, 'PORT')]);
    });
  });
});

describe('the examples, on a port that is not one', { timeout: 60_000 }, () => {
  it('example:stores names the variable and what it accepts, in one line, exit 1', async () => {
    const { code, stderr } = await runExample('examples/stores/main.ts', [], { PORT: 'eighty' });
    expect([code, stderr]).toEqual([1, 'example:stores: PORT="eighty" is not a TCP port: a whole number from 0 to 65535 (0 picks a free one)\n']);
  });
});
