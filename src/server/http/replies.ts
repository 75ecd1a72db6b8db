/**
 * What the HTTP layer answers outside Apollo: JSON bodies, GraphQL-shaped errors with a stable `extensions.code`, and
 * replies written onto a socket when Node gave up on a request before it had a response object.
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

/** Writes a whole `Connection: close` reply on a socket about to be destroyed, as Node does: small enough to go at once. */
export function writeRawReply(socket: Socket, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
