/**
 * Baseline: the ceiling of this machine. A raw `node:http` server that reads each request body
 * and answers a precomputed response body, per route, with the headers our service sends: no
 * parsing, no GraphQL. The bodies are our service's own answers, captured once by the harness.
 *
 * Usage: `tsx bench/baselines/raw-http.ts BODIES.json`, where the file maps a route (`/distance`)
 * to `{ "body": "...", "headers": { ... } }`. Prints `{"url":"http://127.0.0.1:PORT"}` once listening.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Fixed {
  readonly body: string;
  readonly headers: Record<string, string>;
}
const file = process.argv[2];
if (!file) throw new Error('usage: raw-http.ts BODIES.json');
const routes = new Map<string, { body: Buffer; headers: Record<string, string | number> }>(
  Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Fixed>).map(([route, { body, headers }]) => {
    const bytes = Buffer.from(body);
    return [route, { body: bytes, headers: { ...headers, 'content-length': bytes.length } }];
  }),
);

const server = http.createServer((req, res) => {
  const route = routes.get(req.url ?? '');
  // Drain the request body before answering, as any real server must.
  req.on('data', () => undefined);
  req.on('end', () => {
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, route.headers);
    res.end(route.body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
