/**
 * The mirror client: fetches one file of a GeoNames export mirror straight to disk with Node's own
 * http/https client (the geocoders' transport buffers bodies; these are megabytes).
 *
 * - Conditional: given the validators of the copy on disk, it sends If-None-Match/If-Modified-Since
 *   and a 304 means "unchanged", nothing downloaded.
 * - Redirects: followed (at most 5) only on the same host, and never from https to http, so a
 *   redirect can neither send the download elsewhere nor drop its encryption.
 * - Timeout: on connecting, on the answer, and on every stretch of the body without a byte (not on
 *   the whole download, which on a slow link may rightly take minutes).
 * - A new connection per request (`agent: false`): a command makes a handful, and no idle socket
 *   keeps the process alive after it.
 */
import { createWriteStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { DataError, firstFailure, systemErrorCode } from './errors.js';

/** What identifies a version of a file on the mirror; stored next to the data file (see data-dir.ts). */
export interface Validators {
  readonly etag?: string | undefined;
  /** The HTTP date the mirror gave, as it gave it. */
  readonly lastModified?: string | undefined;
}

export interface DownloadOptions {
  /** The copy on disk: sent as If-None-Match / If-Modified-Since. */
  readonly validators?: Validators | undefined;
  /** Longest wait for the connection, the answer and each stretch of the body, in ms. Default 30,000. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called as the body arrives, with the bytes so far and the announced length, if any. */
  readonly onProgress?: ((received: number, total: number | undefined) => void) | undefined;
}

export type DownloadOutcome =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'downloaded'; readonly validators: Validators; readonly bytes: number };

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 30_000;
const USER_AGENT = 'postal-distance-subgraph data command (Node.js)';

/** Downloads `url` into `destination`, a new file (it must not exist). Throws `DataError` for anything the mirror does wrong. */
export async function download(url: string, destination: string, options: DownloadOptions = {}): Promise<DownloadOutcome> {
  const { validators, timeoutMs = DEFAULT_TIMEOUT_MS, signal } = options;
  const origin = new URL(url);
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'application/zip, */*' };
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;

  let current = origin;
  for (let redirects = 0; ; redirects++) {
    const { res, failure } = await get(current, headers, timeoutMs, signal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location) {
      res.resume();
      const next = new URL(location, current);
      if (next.hostname !== origin.hostname || (next.protocol !== 'https:' && next.protocol !== current.protocol)) {
        throw unavailable(url, `redirected to ${next.href}, which is not https on ${origin.hostname}; if the mirror moved, set GEONAMES_BASE_URL to its new address`);
      }
      if (redirects >= MAX_REDIRECTS) throw unavailable(url, `more than ${MAX_REDIRECTS} redirects`);
      current = next;
      continue;
    }
    if (status === 304 && validators) {
      res.resume();
      return { kind: 'unchanged' };
    }
    if (status === 404 || status === 410) {
      res.resume();
      throw new DataError('NOT_ON_MIRROR', `the mirror has no ${last(origin.pathname)} (${status} from ${url}): check the name (a country's ISO 3166-1 alpha-2 code, a full-code file such as GB_full, or allCountries; the mirror's folder lists them)`);
    }
    if (status !== 200) {
      res.resume();
      throw unavailable(url, `answered ${status} ${res.statusMessage ?? ''}`.trim());
    }
    return { kind: 'downloaded', validators: validatorsOf(res), bytes: await save(res, destination, url, failure, options.onProgress, signal) };
  }
}

// Private: one GET; resolves with the response head. `failure` holds why the request was torn down later (a timeout mid-body).
async function get(url: URL, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal | undefined): Promise<{ res: IncomingMessage; failure: { error?: Error } }> {
  const failure: { error?: Error } = {};
  const client = url.protocol === 'https:' ? https : http;
  try {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = client.get(url, { headers, agent: false, timeout: timeoutMs, ...(signal && { signal }) }, resolve);
      req.on('timeout', () => {
        failure.error = Object.assign(new Error(`nothing received for ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
        req.destroy(failure.error);
      });
      req.on('error', reject);
    });
    return { res, failure };
  } catch (error) {
    if (signal?.aborted) throw error;
    throw unavailable(url.href, describe(error));
  }
}

// Private: streams the body to `destination`, counting it; returns its length.
async function save(
  res: IncomingMessage,
  destination: string,
  url: string,
  failure: { error?: Error },
  onProgress: DownloadOptions['onProgress'],
  signal: AbortSignal | undefined,
): Promise<number> {
  const announced = Number(res.headers['content-length']);
  const total = Number.isSafeInteger(announced) && announced >= 0 ? announced : undefined;
  let received = 0;
  const file = createWriteStream(destination, { flags: 'wx' });
  const failed = firstFailure([res, file]);
  try {
    await pipeline(
      res,
      async function* count(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          received += chunk.length;
          onProgress?.(received, total);
          yield chunk;
        }
      },
      file,
      { signal },
    );
  } catch (error) {
    // The disk's failures and an abort are not the mirror's: the caller words them.
    if (failed() === file || signal?.aborted) throw error;
    throw unavailable(url, `the download broke off after ${received} bytes (${describe(failure.error ?? error)})`);
  }
  if (total !== undefined && received !== total) throw unavailable(url, `the download broke off after ${received} of ${total} bytes`);
  return received;
}

function validatorsOf(res: IncomingMessage): Validators {
  const etag = res.headers.etag;
  const lastModified = res.headers['last-modified'];
  return { ...(etag && { etag }), ...(lastModified && { lastModified }) };
}

const unavailable = (url: string, what: string): DataError =>
  new DataError('MIRROR_UNAVAILABLE', `cannot download ${url}: ${what}; try again later, or set GEONAMES_BASE_URL to another mirror`);

const describe = (error: unknown): string => {
  const code = systemErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
};

const last = (pathname: string): string => pathname.slice(pathname.lastIndexOf('/') + 1);
