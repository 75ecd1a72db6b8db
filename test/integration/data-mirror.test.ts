/** The mirror client's HTTP contract, against servers on 127.0.0.1 that misbehave on purpose and count requests. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { download } from '../../src/data/mirror.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** Starts a server answering with `handler`; records the path of every request. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

const destination = () => path.join(mkdtempSync(path.join(tmpdir(), 'mirror-')), 'file.zip');

describe('download', () => {
  it('follows a redirect on the same host and returns the validators', async () => {
    const { url, paths } = await serve((req, res) => {
      if (req.url === '/old/DE.zip') return void res.writeHead(301, { location: '/new/DE.zip' }).end();
      res.writeHead(200, { etag: '"v1"', 'last-modified': 'Mon, 02 Nov 2026 03:15:00 GMT', 'content-length': 3 }).end('zip');
    });
    const file = destination();
    expect(await download(`${url}/old/DE.zip`, file)).toEqual({ kind: 'downloaded', bytes: 3, validators: { etag: '"v1"', lastModified: 'Mon, 02 Nov 2026 03:15:00 GMT' } });
    expect(paths).toEqual(['/old/DE.zip', '/new/DE.zip']);
    expect(readFileSync(file, 'utf8')).toBe('zip');
  });

  it('refuses a redirect to another host, and stops after 5 redirects', async () => {
    const other = await serve((_req, res) => res.writeHead(200).end('elsewhere'));
    const { url } = await serve((req, res) => {
      if (req.url === '/away') return void res.writeHead(302, { location: `${other.url.replace('127.0.0.1', 'localhost')}/DE.zip` }).end();
      res.writeHead(302, { location: `/loop${req.url}` }).end();
    });
    const file = destination();
    await expect(download(`${url}/away`, file)).rejects.toMatchObject({
      code: 'MIRROR_UNAVAILABLE',
      message: expect.stringContaining(`redirected to ${other.url.replace('127.0.0.1', 'localhost')}/DE.zip, which is not https on 127.0.0.1; if the mirror moved, set GEONAMES_BASE_URL to its new address`),
    });
    expect(other.paths).toEqual([]);
    await expect(download(`${url}/DE.zip`, file)).rejects.toMatchObject({ code: 'MIRROR_UNAVAILABLE', message: expect.stringContaining('more than 5 redirects') });
    expect(existsSync(file)).toBe(false);
  });

  it('times out a mirror that accepts and never answers, and one that stalls mid-body: MIRROR_TIMEOUT, naming the setting', async () => {
    const silent = await serve(() => undefined);
    await expect(download(`${silent.url}/DE.zip`, destination(), { idleTimeoutMs: 100 })).rejects.toMatchObject({
      code: 'MIRROR_TIMEOUT',
      message: `cannot download ${silent.url}/DE.zip: timed out, nothing received for 100 ms (GEONAMES_IDLE_TIMEOUT_MS); the mirror or the network is stalled: try again later, or set GEONAMES_BASE_URL to another mirror`,
    });
    const stalling = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('x'.repeat(10));
    });
    await expect(download(`${stalling.url}/DE.zip`, destination(), { idleTimeoutMs: 100 })).rejects.toMatchObject({
      code: 'MIRROR_TIMEOUT',
      message: expect.stringContaining('timed out after 10 bytes, nothing received for 100 ms (GEONAMES_IDLE_TIMEOUT_MS)'),
    });
  });

  it('gives up on a download still running at the deadline, however steadily it trickles in, and leaves no file', async () => {
    const trickling = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      const timer = setInterval(() => res.write('x'), 20);
      res.on('close', () => clearInterval(timer));
    });
    const file = destination();
    await expect(download(`${trickling.url}/DE.zip`, file, { idleTimeoutMs: 5_000, deadlineMs: 300 })).rejects.toMatchObject({
      code: 'MIRROR_TIMEOUT',
      message: expect.stringMatching(/: not finished within 300 ms \(GEONAMES_DOWNLOAD_DEADLINE_MS\), \d+ bytes received; the mirror or the link is too slow: try again later, use a closer mirror \(GEONAMES_BASE_URL\), or raise GEONAMES_DOWNLOAD_DEADLINE_MS$/),
    });
  });

  it('refuses a body over maxBytes from its Content-Length, before reading it, and one without a length once it passes the cap', async () => {
    const announced = await serve((_req, res) => void res.writeHead(200, { 'content-length': 2048 }).end('x'.repeat(2048)));
    await expect(download(`${announced.url}/DE.zip`, destination(), { maxBytes: 1024 })).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: `${announced.url}/DE.zip is 2 KiB (its Content-Length), more than the 1 KiB a download may be (GEONAMES_MAX_DOWNLOAD_BYTES); nothing was written (GeoNames' zips are far smaller: check GEONAMES_BASE_URL, or raise GEONAMES_MAX_DOWNLOAD_BYTES)`,
    });
    const unannounced = await serve((_req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(4096));
    });
    await expect(download(`${unannounced.url}/DE.zip`, destination(), { maxBytes: 1024 })).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringMatching(/DE\.zip is more than the 1 KiB a download may be \(GEONAMES_MAX_DOWNLOAD_BYTES\)/),
    });
  });

  it('fails a body cut short of its Content-Length', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('x'.repeat(10), () => res.socket?.destroy());
    });
    await expect(download(`${url}/DE.zip`, destination())).rejects.toMatchObject({ code: 'MIRROR_UNAVAILABLE', message: expect.stringContaining('the download broke off after 10 bytes') });
  });

  it('answers "unchanged" to a 304 only when it asked conditionally', async () => {
    const seen: (string | undefined)[] = [];
    const { url } = await serve((req, res) => {
      seen.push(req.headers['if-none-match']);
      res.writeHead(304).end();
    });
    expect(await download(`${url}/DE.zip`, destination(), { validators: { etag: '"v1"' } })).toEqual({ kind: 'unchanged' });
    await expect(download(`${url}/DE.zip`, destination())).rejects.toMatchObject({ code: 'MIRROR_UNAVAILABLE', message: expect.stringContaining('the mirror answered 304 Not Modified, not the file') });
    expect(seen).toEqual(['"v1"', undefined]);
  });
});
