/** Bodies the HTTP layer answers with itself, outside Apollo: JSON, and GraphQL-shaped errors. */
import type { ServerResponse } from 'node:http';

/** A GraphQL-over-HTTP error body with a stable `extensions.code`. */
export const graphqlError = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
