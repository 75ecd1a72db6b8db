/**
 * What the HTTP layer answers by itself, outside Apollo: JSON bodies, GraphQL-shaped errors with a
 * stable `extensions.code`, and the replies written straight onto a socket when Node gave up on a
 * request before there was a response object to answer with (a timeout, a malformed request).
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A GraphQL-over-HTTP error body with a stable `extensions.code`. */
export const graphqlError = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Writes a whole `Connection: close` response onto a socket the caller is about to destroy, as Node
 * itself does for a request it cannot parse: small enough to be in the kernel's buffer at once.
 */
export function writeRawReply(socket: Socket, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
