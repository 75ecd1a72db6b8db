/**
 * Clients that hold connections open by sending their requests slowly (or not at all), and probes
 * that must still get in: for the HTTP layer's timeouts and connection cap, and its benchmark.
 */
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import net from 'node:net';

export interface SlowClient {
  readonly socket: net.Socket;
  /** What the server sent on this connection, as text. */
  received: string;
  /** Whether the server closed the connection (before `stop` did). */
  closedByServer: boolean;
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<void>;
}

export interface SlowClients {
  readonly clients: readonly SlowClient[];
  /** How many the server has closed so far. */
  closedByServer(): number;
  /** Stops dripping and closes what the server has not. */
  stop(): void;
}

export interface SlowOptions {
  /** Sent as soon as the connection opens. */
  readonly first: string;
  /** Sent on every open connection every `everyMs`; nothing when empty. */
  readonly drip?: string;
  readonly everyMs?: number;
  /** Connections opened at once, so that the listen backlog is not overrun. */
  readonly batch?: number;
}

/** A POST to /graphql whose headers announce `contentLength` bytes, and the first of them. */
export const slowBodyStart = (contentLength: number): string =>
  `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${contentLength}\r\n\r\n{`;

/** Opens `count` connections to `baseUrl`'s host and port that send `first`, then `drip` now and then. */
export async function openSlowClients(baseUrl: string, count: number, { first, drip = '', everyMs = 250, batch = 100 }: SlowOptions): Promise<SlowClients> {
  const { hostname, port } = new URL(baseUrl);
  const clients: SlowClient[] = [];
  let stopping = false;
  for (let start = 0; start < count; start += batch) {
    const opened = Array.from({ length: Math.min(batch, count - start) }, () => {
      const socket = net.connect(Number(port), hostname);
      let onClose!: () => void;
      const client: SlowClient = { socket, received: '', closedByServer: false, closed: new Promise<void>((resolve) => (onClose = resolve)) };
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => (client.received += text));
      socket.on('error', () => undefined);
      socket.once('close', () => {
        if (!stopping) client.closedByServer = true;
        onClose();
      });
      clients.push(client);
      return new Promise<void>((resolve, reject) => {
        socket.once('connect', () => {
          socket.write(first);
          resolve();
        });
        socket.once('error', reject);
      });
    });
    await Promise.all(opened);
  }
  const timer = drip
    ? setInterval(() => {
        for (const { socket } of clients) if (!socket.destroyed) socket.write(drip);
      }, everyMs)
    : undefined;
  return {
    clients,
    closedByServer: () => clients.filter((c) => c.closedByServer).length,
    stop() {
      stopping = true;
      clearInterval(timer);
      for (const { socket } of clients) socket.destroy();
    },
  };
}

/** What one probe got: the status, or the error's code when the connection failed; and how long it took, in ms. */
export interface ProbeResult {
  readonly status: number | string;
  readonly ms: number;
}

/** One GET on a fresh connection (no agent), so a probe also tests that new connections are accepted. */
export function probe(url: string): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (status: number | string): void => resolve({ status, ms: performance.now() - started });
    const req = get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
      res.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
    });
    req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
  });
}

/** This process's soft limit on open files (Linux: /proc/self/limits), or undefined where it cannot be read. */
export function openFileLimit(): number | undefined {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
