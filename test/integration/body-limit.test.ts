/**
 * A body over MAX_BODY_BYTES (src/server/http/request.ts): answered 413 as soon as that is known,
 * and the connection closed only once the client has stopped sending or a bound is reached
 * (lingering close), so that clients still writing their body read the 413 instead of a reset.
 */
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINGER_BYTES } from '../../src/server/http/request.js';
import { captureLogs, type LogLine } from '../support/log-capture.js';
import { sample, scrape } from '../support/metrics.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { runService } from '../support/service-process.js';

const logs = captureLogs('info');
let server: TestServer;
/** The built service in its own process, for clients racing it: in one process the client and the server take turns, and the race is lost less often. */
let service: ReturnType<typeof runService>;
let serviceUrl: string;
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'info' }, undefined, logs.logger);
  service = runService({ PORT: '0', HOST: '127.0.0.1' });
  serviceUrl = String((await service.phase('listen')).url);
  await service.phase('ready');
});
afterAll(async () => {
  service.child.kill('SIGTERM');
  await Promise.all([server.stop(), service.exited]);
});

const FIVE_MB = Buffer.alloc(5_000_000, ' ');
const TOO_LARGE = { errors: [{ message: 'Request body is larger than the limit of 1000000 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] };

/** POSTs 5 MB to `url` with fetch, `times` times one after the other; each entry is the status read, or the error's code. */
async function postFiveMb(url: string, times: number, headers: Record<string, string> = {}): Promise<(number | string)[]> {
  const results: (number | string)[] = [];
  for (let i = 0; i < times; i++) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: FIVE_MB });
      await res.arrayBuffer();
      results.push(res.status);
    } catch (error) {
      const { cause } = error as { cause?: { code?: string } };
      results.push(cause?.code ?? String(error));
    }
  }
  return results;
}

/** The log line that ends the refusal of a body that declared `declared` bytes (null: none), once its connection is closed. */
async function refusalEnd(after: number, declared: string | null): Promise<LogLine> {
  for (;;) {
    const line = logs.lines.slice(after).find((l) => l.msg === 'request body refused: over the limit' && l.declared === declared);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A client that declares `declared` bytes and sends `chunk` every `everyMs` (0: as fast as the
 * socket takes it) until the server closes the connection, reading what the server says meanwhile.
 * A raw socket: Node's own client stops sending once it has read a `Connection: close` response.
 */
async function endlessPost(declared: number, chunk: Buffer, everyMs: number): Promise<{ received: string; written: number }> {
  const { hostname, port } = new URL(server.url);
  const socket = net.connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => (received += text));
  socket.on('error', () => undefined);
  // Not events.once: it rejects on the socket's 'error' (EPIPE, ECONNRESET), which is expected here.
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(`POST /graphql HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${declared}\r\n\r\n`);
  let open = true;
  void closed.then(() => (open = false));
  while (open) {
    if (everyMs > 0) await new Promise((resolve) => setTimeout(resolve, everyMs));
    if (open && !socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
  }
  return { received, written: socket.bytesWritten };
}

/** The status and JSON body of the one response in `received`. */
function responseOf(received: string): { status: number; body: unknown } {
  const [head = '', body = ''] = received.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), body: JSON.parse(body) as unknown };
}

describe('a body over MAX_BODY_BYTES', () => {
  it('is answered 413 to fetch, read by the client, 20 times in a row on kept-alive connections', async () => {
    expect(await postFiveMb(serviceUrl, 20)).toEqual(Array(20).fill(413));
  });

  it('is answered 413 to fetch, read by the client, 20 times in a row with Connection: close', async () => {
    expect(await postFiveMb(serviceUrl, 20, { connection: 'close' })).toEqual(Array(20).fill(413));
  });

  it('without a declared length, is refused at the byte that crosses the limit with a 413 the client reads while still sending', async () => {
    const req = request(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let responded = false;
    const response = once(req, 'response').then(async (args) => {
      const [res] = args as [IncomingMessage];
      responded = true;
      let text = '';
      for await (const part of res) text += part;
      return { status: res.statusCode, body: JSON.parse(text) as unknown };
    });
    // Chunked, and never ended: the response can only come from the limit.
    const write = async (): Promise<void> => {
      while (!responded && !req.destroyed) if (!req.write(chunk)) await Promise.race([once(req, 'drain'), response]);
    };
    const before = logs.lines.length;
    void write();
    expect(await response).toEqual({ status: 413, body: TOO_LARGE });
    req.destroy();
    await refusalEnd(before, null);
  });

  it(`from a client that never stops sending, is cut after LINGER_BYTES (${LINGER_BYTES}) more bytes, the 413 read`, async () => {
    const before = logs.lines.length;
    const { received, written } = await endlessPost(1_000_000_000, Buffer.alloc(64 * 1024, ' '), 0);
    expect(responseOf(received)).toEqual({ status: 413, body: TOO_LARGE });
    const end = await refusalEnd(before, '1000000000');
    expect(end).toMatchObject({ status: 413, declared: '1000000000', closed: 'bytes' });
    expect(end.discarded as number).toBeLessThanOrEqual(LINGER_BYTES + 64 * 1024);
    expect(written).toBeLessThan(1_000_000_000);
  });

  it('from a client that sends slowly and never stops, is cut after LINGER_MS, the 413 read', async () => {
    const before = logs.lines.length;
    const { received } = await endlessPost(1_000_000_000, Buffer.alloc(1_000, ' '), 50);
    expect(responseOf(received)).toEqual({ status: 413, body: TOO_LARGE });
    expect(await refusalEnd(before, '1000000000')).toMatchObject({ status: 413, closed: 'time' });
  });

  it('is counted in http_refusals_total as body_too_large', async () => {
    const counted = sample(await scrape(server.url), 'http_refusals_total', { reason: 'body_too_large' });
    await postFiveMb(`${server.url}/graphql`, 1);
    expect(sample(await scrape(server.url), 'http_refusals_total', { reason: 'body_too_large' })).toBe(counted + 1);
  });
});
