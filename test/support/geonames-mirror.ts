/**
 * A local mirror of GeoNames' postal-code export on 127.0.0.1, for the data command's and the
 * service's tests: the same names and layout as https://download.geonames.org/export/zip
 * (`{CC}.zip` holding `{CC}.txt` and `readme.txt`, `GB_full.csv.zip` holding `GB_full.txt`,
 * `allCountries.zip` holding `allCountries.txt`), real zips built with yazl from the files in
 * test/fixtures/geonames, and the conditional-request contract of a static file server: an ETag and
 * a Last-Modified on every file, 304 to a matching If-None-Match (or, without one, to an
 * If-Modified-Since not older than the file). Every request is recorded, so tests count them.
 *
 * The fixtures: DE, FR, GB (outward codes) and GB_full (full codes) as GeoNames lays them out, and
 * an allCountries of AD, DE, FR, GB and one US row. Its DE row for 10115 has an older place name
 * than DE.txt's ("Berlin (allCountries)"), and its US row for 90210 other coordinates than the
 * bundled US data ("Beverly Hills (allCountries)"), so a test can tell which file a row came from.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

export const FIXTURES = fileURLToPath(new URL('../fixtures/geonames/', import.meta.url));
/** Where the export lives on the real host; the mirror serves the same path. */
const EXPORT_PATH = '/export/zip';
/** The Last-Modified every file starts with (GeoNames republishes daily; any fixed date does). */
export const PUBLISHED = new Date('2026-11-02T03:15:00Z');

export interface ZipEntry {
  readonly name: string;
  readonly contents: string | Buffer;
}

export interface RecordedRequest {
  /** The file asked for, e.g. `DE.zip`. */
  readonly file: string;
  /** The status answered; 0 while the answer is pending (a held request). Recorded on arrival, so a hung request counts. */
  status: number;
  readonly ifNoneMatch: string | undefined;
  readonly ifModifiedSince: string | undefined;
}

interface Served {
  readonly zip: Buffer;
  readonly etag: string;
  readonly lastModified: Date;
}

/** A response the test chose for one file instead of the zip. */
type Override = (req: IncomingMessage, res: ServerResponse) => void;

export interface Mirror {
  /** `http://127.0.0.1:<port>/export/zip`: what GEONAMES_BASE_URL is set to. */
  readonly baseUrl: string;
  readonly requests: readonly RecordedRequest[];
  /** Requests for one file (`DE.zip`), or for all. */
  count(file?: string): number;
  /** Serves `file` (a zip name) with these entries; a new version gets a new ETag and Last-Modified. */
  publish(file: string, entries: readonly ZipEntry[], lastModified?: Date): Promise<void>;
  /** Answers requests for `file` with `respond` instead (a 500, a hang, garbage); `null` restores the file. */
  override(file: string, respond: Override | null): void;
  /** Makes requests for `file` wait until the returned function is called. */
  hold(file: string): () => void;
  close(): Promise<void>;
}

/** A zip of `entries`, built by yazl as any zip tool would (deflated, with a central directory). */
export async function buildZip(entries: readonly ZipEntry[], mtime = PUBLISHED): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.isBuffer(entry.contents) ? entry.contents : Buffer.from(entry.contents), entry.name, { mtime });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The readme GeoNames puts in each zip (its first lines, enough to be one). */
export const README = 'readme for GeoNames Postal Code files :\n\nThis work is licensed under a Creative Commons Attribution 4.0 License.\n';

/** A fixture file's text. */
export const fixture = (name: string): string => readFileSync(`${FIXTURES}${name}`, 'utf8');

/** The zip name a fixture data file is published under, as the export names it. */
const zipNameOf = (dataFile: string): string => {
  const base = dataFile.replace(/\.txt$/, '');
  return base.endsWith('_full') ? `${base}.csv.zip` : `${base}.zip`;
};

/** Starts a mirror serving every fixture in test/fixtures/geonames. */
export async function startMirror(): Promise<Mirror> {
  const files = new Map<string, Served>();
  const overrides = new Map<string, Override>();
  const holds = new Map<string, Promise<void>>();
  const requests: RecordedRequest[] = [];

  const publish = async (file: string, entries: readonly ZipEntry[], lastModified?: Date): Promise<void> => {
    const previous = files.get(file);
    // HTTP dates have whole seconds: a new version is at least a second newer.
    const date = lastModified ?? (previous ? new Date(previous.lastModified.getTime() + 60_000) : PUBLISHED);
    const zip = await buildZip(entries, date);
    files.set(file, { zip, etag: `"${createHash('sha1').update(zip).digest('hex').slice(0, 16)}"`, lastModified: date });
  };
  for (const dataFile of readdirSync(FIXTURES).filter((name) => name.endsWith('.txt'))) {
    const entries: ZipEntry[] = [{ name: dataFile, contents: fixture(dataFile) }];
    if (!dataFile.startsWith('allCountries')) entries.push({ name: 'readme.txt', contents: README });
    await publish(zipNameOf(dataFile), entries);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mirror');
    const file = url.pathname.startsWith(`${EXPORT_PATH}/`) ? url.pathname.slice(EXPORT_PATH.length + 1) : url.pathname;
    const ifNoneMatch = req.headers['if-none-match'];
    const ifModifiedSince = req.headers['if-modified-since'];
    const recorded: RecordedRequest = { file, status: 0, ifNoneMatch, ifModifiedSince };
    requests.push(recorded);
    res.on('finish', () => (recorded.status = res.statusCode));
    const answer = (): void => {
      const override = overrides.get(file);
      if (override) return override(req, res);
      const served = files.get(file);
      if (!served || req.method !== 'GET') {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html><body><h1>Not Found</h1></body></html>');
        return;
      }
      const headers = { etag: served.etag, 'last-modified': served.lastModified.toUTCString() };
      const unchanged =
        ifNoneMatch !== undefined
          ? ifNoneMatch.split(',').some((tag) => tag.trim() === served.etag)
          : ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= served.lastModified.getTime();
      if (unchanged) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': 'application/zip', 'content-length': served.zip.length });
      res.end(served.zip);
    };
    const held = holds.get(file);
    if (held) void held.then(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}${EXPORT_PATH}`,
    requests,
    count: (file) => (file === undefined ? requests.length : requests.filter((r) => r.file === file).length),
    publish,
    override: (file, respond) => void (respond ? overrides.set(file, respond) : overrides.delete(file)),
    hold(file) {
      let release = (): void => undefined;
      holds.set(
        file,
        new Promise<void>((resolve) => {
          release = () => {
            holds.delete(file);
            resolve();
          };
        }),
      );
      return () => release();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
