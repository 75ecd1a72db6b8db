/**
 * The mirror client: one file of a GeoNames mirror straight to disk with node:http/https (the
 * geocoders' transport buffers bodies; these are megabytes). Conditional when given the copy's
 * validators (304: unchanged). Redirects are followed (at most 5) only on the same host and never
 * from https to http, so none can send the download elsewhere or drop its encryption. Bounded by
 * `maxBytes` (Content-Length, then the bytes received), by `idleTimeoutMs` of silence (connecting,
 * answering, within the body) and by `deadlineMs` overall. Failures are worded by cause (DNS,
 * refused, timeout, the mirror's outage). A new connection per request (`agent: false`), so no idle
 * socket keeps the command alive.
 */
import { createWriteStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { DataError, firstFailure, formatBytes, isDataError, released, systemErrorCode } from './errors.js';
import { DEFAULT_LIMITS } from './settings.js';

/** What identifies a version of a file on the mirror; stored next to the data file (see data-dir.ts). */
export interface Validators {
  readonly etag?: string | undefined;
  /** The HTTP date the mirror gave, as it gave it. */
  readonly lastModified?: string | undefined;
}

export interface DownloadOptions {
  /** The copy on disk: sent as If-None-Match / If-Modified-Since. */
  readonly validators?: Validators | undefined;
  /** Longest wait for the connection, the answer and each stretch of the body, in ms (GEONAMES_IDLE_TIMEOUT_MS). */
  readonly idleTimeoutMs?: number | undefined;
  /** Longest the whole download may take, in ms (GEONAMES_DOWNLOAD_DEADLINE_MS). */
  readonly deadlineMs?: number | undefined;
  /** Largest body, in bytes (GEONAMES_MAX_DOWNLOAD_BYTES). */
  readonly maxBytes?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called as the body arrives, with the bytes so far and the announced length, if any. */
  readonly onProgress?: ((received: number, total: number | undefined) => void) | undefined;
}

export type DownloadOutcome =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'downloaded'; readonly validators: Validators; readonly bytes: number };

const MAX_REDIRECTS = 5;
const USER_AGENT = 'postal-distance-subgraph data command (Node.js)';

/** One download's bounds and cancellation, as every step sees them. */
interface Run {
  readonly url: string;
  readonly idleTimeoutMs: number;
  readonly deadlineMs: number;
  readonly maxBytes: number;
  /** The caller's cancellation (Ctrl-C, shutdown): its failures are the caller's to word. */
  readonly cancelled: AbortSignal | undefined;
  readonly deadline: AbortSignal;
  /** Either of the two: what the request and the body stream are given. */
  readonly signal: AbortSignal;
}

/** Downloads `url` into `destination`, a new file (it must not exist). Throws `DataError` for anything the mirror does wrong. */
export async function download(url: string, destination: string, options: DownloadOptions = {}): Promise<DownloadOutcome> {
  const { validators, signal: cancelled } = options;
  const deadlineMs = options.deadlineMs ?? DEFAULT_LIMITS.deadlineMs;
  const deadline = AbortSignal.timeout(deadlineMs);
  const run: Run = {
    url,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_LIMITS.idleTimeoutMs,
    deadlineMs,
    maxBytes: options.maxBytes ?? DEFAULT_LIMITS.maxDownloadBytes,
    cancelled,
    deadline,
    signal: cancelled ? AbortSignal.any([cancelled, deadline]) : deadline,
  };
  const origin = new URL(url);
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'application/zip, */*' };
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;

  let current = origin;
  for (let redirects = 0; ; redirects++) {
    const { res, failure } = await get(current, headers, run);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location) {
      res.resume();
      const next = new URL(location, current);
      if (next.hostname !== origin.hostname || (next.protocol !== 'https:' && next.protocol !== current.protocol)) {
        throw unavailable(url, `redirected to ${next.href}, which is not https on ${origin.hostname}`, 'if the mirror moved, set GEONAMES_BASE_URL to its new address');
      }
      if (redirects >= MAX_REDIRECTS) throw unavailable(url, `more than ${MAX_REDIRECTS} redirects`, 'check GEONAMES_BASE_URL in a browser, or set it to another mirror');
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
      throw statusError(url, status, res.statusMessage);
    }
    return { kind: 'downloaded', validators: validatorsOf(res), bytes: await save(res, destination, failure, options.onProgress, run) };
  }
}

// One GET; resolves with the response head. `failure` holds why the request was torn down later (a timeout mid-body).
async function get(url: URL, headers: Record<string, string>, run: Run): Promise<{ res: IncomingMessage; failure: { error?: Error } }> {
  const failure: { error?: Error } = {};
  const client = url.protocol === 'https:' ? https : http;
  try {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = client.get(url, { headers, agent: false, timeout: run.idleTimeoutMs, signal: run.signal }, resolve);
      req.on('timeout', () => {
        failure.error = Object.assign(new Error(`nothing received for ${run.idleTimeoutMs} ms`), { code: 'ETIMEDOUT' });
        req.destroy(failure.error);
      });
      req.on('error', reject);
    });
    return { res, failure };
  } catch (error) {
    if (run.cancelled?.aborted) throw error;
    throw requestError(run, url, error, null);
  }
}

// Streams the body to `destination`, counting it against `maxBytes`; returns its length.
async function save(res: IncomingMessage, destination: string, failure: { error?: Error }, onProgress: DownloadOptions['onProgress'], run: Run): Promise<number> {
  const announced = Number(res.headers['content-length']);
  const total = Number.isSafeInteger(announced) && announced >= 0 ? announced : undefined;
  if (total !== undefined && total > run.maxBytes) {
    res.destroy();
    throw tooLarge(run, `is ${formatBytes(total)} (its Content-Length), more than`);
  }
  let received = 0;
  const file = createWriteStream(destination, { flags: 'wx' });
  const failed = firstFailure([res, file]);
  try {
    await pipeline(
      res,
      async function* count(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          received += chunk.length;
          if (received > run.maxBytes) throw tooLarge(run, 'is more than');
          onProgress?.(received, total);
          yield chunk;
        }
      },
      file,
      { signal: run.signal },
    );
  } catch (error) {
    await released(file);
    // A cancellation and the disk's failures are not the mirror's: the caller words them.
    if (isDataError(error) || run.cancelled?.aborted) throw error;
    if (!run.deadline.aborted && failed() === file) throw error;
    throw requestError(run, new URL(run.url), failure.error ?? error, received);
  }
  if (total !== undefined && received !== total) throw unavailable(run.url, `the download broke off after ${received} of ${total} bytes`, TRY_AGAIN);
  return received;
}

function validatorsOf(res: IncomingMessage): Validators {
  const etag = res.headers.etag;
  const lastModified = res.headers['last-modified'];
  return { ...(etag && { etag }), ...(lastModified && { lastModified }) };
}

const TRY_AGAIN = 'try again later, or set GEONAMES_BASE_URL to another mirror';

/** Why a request or its body failed, by cause; `received`: the body's bytes so far, or null before the answer. */
function requestError(run: Run, url: URL, error: unknown, received: number | null): DataError {
  const { url: asked } = run;
  const after = received === null ? '' : ` after ${received} bytes`;
  if (run.deadline.aborted) {
    return new DataError(
      'MIRROR_TIMEOUT',
      `cannot download ${asked}: not finished within ${run.deadlineMs} ms (GEONAMES_DOWNLOAD_DEADLINE_MS)${received === null ? ', no answer yet' : `, ${received} bytes received`}; the mirror or the link is too slow: try again later, use a closer mirror (GEONAMES_BASE_URL), or raise GEONAMES_DOWNLOAD_DEADLINE_MS`,
      { cause: error },
    );
  }
  const code = systemErrorCode(error);
  const host = url.hostname;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
    case 'EAI_FAIL':
      return new DataError(
        'MIRROR_DNS_FAILED',
        `cannot download ${asked}: DNS failure, the host name ${host} does not resolve (${code}); check the host in GEONAMES_BASE_URL for a typo, and that this machine can resolve names (its DNS settings, or its proxy)`,
        { cause: error },
      );
    case 'EAI_AGAIN':
      return new DataError(
        'MIRROR_DNS_FAILED',
        `cannot download ${asked}: DNS failure, no DNS server answered for ${host} (EAI_AGAIN); check this machine's network and DNS settings, then try again`,
        { cause: error },
      );
    case 'ECONNREFUSED':
      return new DataError(
        'MIRROR_REFUSED',
        `cannot download ${asked}: connection refused, nothing accepts connections at ${host}:${url.port || (url.protocol === 'https:' ? 443 : 80)} (ECONNREFUSED); check the host and port in GEONAMES_BASE_URL, and any proxy or firewall in between`,
        { cause: error },
      );
    case 'ETIMEDOUT':
      return new DataError(
        'MIRROR_TIMEOUT',
        `cannot download ${asked}: timed out${after}, nothing received for ${run.idleTimeoutMs} ms (GEONAMES_IDLE_TIMEOUT_MS); the mirror or the network is stalled: ${TRY_AGAIN}`,
        { cause: error },
      );
    default:
      return unavailable(asked, received === null ? describe(error) : `the download broke off after ${received} bytes (${describe(error)})`, TRY_AGAIN, error);
  }
}

/** A status other than 200, 304 and 404/410. */
function statusError(url: string, status: number, statusMessage: string | undefined): DataError {
  const answered = `the mirror answered ${status} ${statusMessage ?? ''}`.trim();
  if (status >= 500 || status === 429) return unavailable(url, `${answered}, an outage or overload on its side`, TRY_AGAIN);
  return unavailable(url, `${answered}, not the file`, 'check GEONAMES_BASE_URL (it must be the folder holding DE.zip and the others), or set it to another mirror');
}

const unavailable = (url: string, what: string, todo: string, cause?: unknown): DataError =>
  new DataError('MIRROR_UNAVAILABLE', `cannot download ${url}: ${what}; ${todo}`, cause === undefined ? undefined : { cause });

const tooLarge = (run: Run, what: string): DataError =>
  new DataError(
    'TOO_LARGE',
    `${run.url} ${what} the ${formatBytes(run.maxBytes)} a download may be (GEONAMES_MAX_DOWNLOAD_BYTES); nothing was written (GeoNames' zips are far smaller: check GEONAMES_BASE_URL, or raise GEONAMES_MAX_DOWNLOAD_BYTES)`,
  );

const describe = (error: unknown): string => {
  const code = systemErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
};

const last = (pathname: string): string => pathname.slice(pathname.lastIndexOf('/') + 1);
