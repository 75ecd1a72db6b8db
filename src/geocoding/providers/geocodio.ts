/**
 * Geocodio-compatible batch API: `POST {url}/{version}/geocode?api_key=...` with a JSON array of
 * queries, answered in input order, at most 10,000 a request; US, Canada and Mexico only. Only a
 * `place` result (a ZIP or city centroid) whose `zip` is the code asked is accepted: a street, a
 * county or a nearby ZIP is not that postal code, whatever its coordinates.
 */
import { z } from 'zod';
import type { TraceSpan } from '../../observability/tracing.js';
import { baseUrl, defineSettings, int, ms } from '../../settings.js';
import { answerText, toLatitude, toLongitude } from '../coordinates.js';
import { foundAt, notFound, type GeocodeResult, type Geocoder } from '../geocoder.js';
import { failed, malformed, SERVICE_USER_AGENT, UpstreamClient } from '../upstream/index.js';
import { CoalescingBatches } from '../upstream/coalescing-batches.js';
import { answeredPostalCode, postalCodePrefix, type PostalKey } from '../../postal/postal-code.js';
import { defineProvider, type ProviderDeps } from './provider.js';

const settings = defineSettings({
  title: 'Geocodio',
  variables: {
    GEOCODIO_URL: baseUrl('https://api.geocod.io').describe('Base URL; batches go to {url}/{version}/geocode.'),
    GEOCODIO_API_KEY: z.string().min(1).optional().describe('Required when GEOCODER includes geocodio. Never logged.'),
    GEOCODIO_API_VERSION: z
      .string()
      .regex(/^v\d+(\.\d+)*$/, { message: 'a version path segment such as v1.11' })
      .default('v1.11')
      .describe('The version path segment Geocodio requires.'),
    GEOCODIO_BATCH_SIZE: int(1, 10_000, 10_000).describe('Most lookups per batch request; Geocodio allows 10,000.'),
    GEOCODIO_CONCURRENCY: int(1, 64, 2).describe('Most batch requests in flight at once.'),
    GEOCODIO_TIMEOUT_MS: ms(10, 600_000, 30_000).describe('Timeout of one batch request, in ms (large batches take longer than single lookups).'),
  },
  read: (env) => ({
    url: env.GEOCODIO_URL,
    apiKey: env.GEOCODIO_API_KEY,
    apiVersion: env.GEOCODIO_API_VERSION,
    batchSize: env.GEOCODIO_BATCH_SIZE,
    concurrency: env.GEOCODIO_CONCURRENCY,
    timeoutMs: env.GEOCODIO_TIMEOUT_MS,
  }),
});

export interface GeocodioOptions extends ProviderDeps {
  /** Base URL without a trailing slash, e.g. `https://api.geocod.io`. */
  readonly url: string;
  readonly apiKey: string;
  readonly apiVersion: string;
  readonly batchSize: number;
  readonly concurrency: number;
  /** Per-request timeout, in ms; replaces the shared one (a large batch takes longer than one lookup). */
  readonly timeoutMs: number;
}

/** Countries Geocodio covers, with the name appended to a query so the code is read as that country's. */
const COUNTRIES: ReadonlyMap<string, string | null> = new Map([
  // A bare five-digit query is a US ZIP to Geocodio (the US is its default country).
  ['US', null],
  ['CA', 'Canada'],
  ['MX', 'Mexico'],
]);

/** Accuracy types that are a postal code's own point (Geocodio: `place` = "zip code or city centroid"). */
export const ACCEPTED_ACCURACY_TYPES: ReadonlySet<string> = new Set(['place']);

/** Whether Geocodio covers a country; others are not found without a request. */
export const geocodioCovers = (countryCode: string): boolean => COUNTRIES.has(countryCode);

/** The query for a key Geocodio covers (`K1A 0B1, Canada`); a ZIP+4 is asked as its ZIP, as Geocodio answers ZIPs. */
export function geocodioQuery(key: PostalKey): string {
  const country = COUNTRIES.get(key.countryCode);
  if (country) return `${key.postalCode}, ${country}`;
  return postalCodePrefix(key) ?? key.postalCode; // the US, the one country without a name appended
}

const Candidate = z.object({
  location: z.object({ lat: z.unknown(), lng: z.unknown() }),
  address_components: z.object({
    zip: answerText.optional(),
    city: answerText.optional(),
    state: answerText.optional(),
    country: answerText.optional(),
  }),
  accuracy_type: answerText,
});

const BatchItem = z.object({
  query: answerText,
  response: z.object({
    results: z.array(z.unknown()).optional(),
    error: z.string().optional(), // never stored: a long message is still a readable one
  }),
});

const BatchBody = z.object({ results: z.array(BatchItem) });

/**
 * Reads a batch answer for `keys`, sent as `queries`: one result per key, an unusable item being its
 * key's error. Throws a malformed-answer `UpstreamError` when the batch as a whole cannot be trusted.
 */
export function parseGeocodioBatch(keys: readonly PostalKey[], queries: readonly string[], body: unknown): GeocodeResult[] {
  const parsed = BatchBody.safeParse(body);
  if (!parsed.success) throw malformed('the body is not a Geocodio batch answer');
  const items = parsed.data.results;
  if (items.length !== queries.length) throw malformed(`the batch answer has ${items.length} results for ${queries.length} queries`);
  items.forEach((item, i) => {
    if (item.query !== queries[i]) throw malformed(`result ${i} answers another query than the one sent`);
  });
  return items.map((item, i) => parseItem(keys[i]!, item));
}

// One query's answer: the first candidate that really is the postal code, or not found.
function parseItem(key: PostalKey, item: z.infer<typeof BatchItem>): GeocodeResult {
  if (item.response.error !== undefined) return notFound('geocodio could not read the query');
  for (const raw of item.response.results ?? []) {
    const candidate = Candidate.safeParse(raw);
    if (!candidate.success) return failed(malformed('a candidate is not a Geocodio result'), 'geocodio');
    const { address_components: address, accuracy_type: accuracyType, location } = candidate.data;
    if (!ACCEPTED_ACCURACY_TYPES.has(accuracyType)) continue;
    // The code itself, or its first part (a ZIP for a ZIP+4, a forward sortation area): precision PREFIX.
    const matched = address.zip === undefined ? undefined : answeredPostalCode(key, address.zip);
    if (matched === undefined) continue;
    if (address.country !== undefined && address.country.toUpperCase() !== key.countryCode) continue;
    const latitude = toLatitude(location.lat);
    const longitude = toLongitude(location.lng);
    if (latitude === undefined || longitude === undefined) return failed(malformed('the coordinates are not numbers in range'), 'geocodio');
    // No accuracy: Geocodio's `accuracy` is its confidence in the match (0 to 1), not how the point
    // was placed, and `place` covers a city's centroid as well as a ZIP's, so neither means GeoNames' 6.
    return foundAt(key, { latitude, longitude, placeName: address.city || null, adminName: null, adminCode: address.state || null, accuracy: null, source: 'geocodio' }, matched);
  }
  return notFound();
}

export class GeocodioGeocoder implements Geocoder {
  readonly name = 'geocodio';
  readonly maxBatchSize: number;
  private readonly client: UpstreamClient;
  private readonly endpoint: URL;
  /** Batches asked while GEOCODIO_CONCURRENCY requests are out wait, and join into one request (see coalescing-batches.ts). */
  private readonly batches: CoalescingBatches<{ readonly query: string; readonly key: PostalKey; readonly span: TraceSpan | undefined }, GeocodeResult>;

  constructor(private readonly options: GeocodioOptions) {
    this.maxBatchSize = options.batchSize;
    this.batches = new CoalescingBatches(
      // A request that joins several batches is traced under the first one's span.
      (items) => this.batch(items.map((item) => item.query), items.map((item) => item.key), items[0]?.span),
      options.batchSize,
      options.concurrency,
    );
    this.endpoint = new URL(`${options.url}/${options.apiVersion}/geocode`);
    this.endpoint.searchParams.set('api_key', options.apiKey);
    this.client = new UpstreamClient({
      provider: this.name,
      logger: options.logger,
      metrics: options.metrics,
      resilience: { ...options.upstream, timeoutMs: options.timeoutMs, concurrency: options.concurrency },
      headers: { 'user-agent': SERVICE_USER_AGENT },
      // A full batch of 10,000 answers runs to megabytes; allow ample room, but not without bound.
      maxResponseBytes: 1_000_000 + options.batchSize * 16_000,
      statusHints: {
        403: 'Geocodio refused the request (HTTP 403): GEOCODIO_API_KEY is invalid, or the account is over its quota or usage limit',
        422: 'Geocodio could not process the batch (HTTP 422): check GEOCODIO_BATCH_SIZE (at most 10,000) and GEOCODIO_API_VERSION',
      },
    });
  }

  async ready(): Promise<void> {}

  async geocode(keys: readonly PostalKey[], span?: TraceSpan): Promise<readonly GeocodeResult[]> {
    const results = new Array<GeocodeResult>(keys.length);
    // One query per distinct code: the locator never repeats a key, but the contract does not promise it.
    const byQuery = new Map<string, { key: PostalKey; indexes: number[] }>();
    keys.forEach((key, i) => {
      if (!geocodioCovers(key.countryCode)) {
        results[i] = notFound('geocodio covers only US, CA and MX');
        return;
      }
      const query = geocodioQuery(key);
      const entry = byQuery.get(query);
      if (entry) entry.indexes.push(i);
      else byQuery.set(query, { key, indexes: [i] });
    });
    // The chain hands over at most `maxBatchSize` keys, so the distinct queries fit one request.
    if (byQuery.size === 0) return results;
    const entries = [...byQuery.values()];
    const answers = await this.batches.run([...byQuery].map(([query, { key }]) => ({ query, key, span })));
    entries.forEach(({ indexes }, j) => indexes.forEach((i) => (results[i] = answers[j]!)));
    return results;
  }

  async close(): Promise<void> {
    this.client.close();
  }

  private async batch(queries: readonly string[], keys: readonly PostalKey[], span: TraceSpan | undefined): Promise<GeocodeResult[]> {
    try {
      return await this.client.request(
        { url: this.endpoint, method: 'POST', json: queries, label: `batch of ${queries.length}` },
        (answer) => parseGeocodioBatch(keys, queries, answer.body),
        span,
      );
    } catch (error) {
      const result = failed(error, this.name);
      return keys.map(() => result);
    }
  }
}

export const geocodio = defineProvider({
  settings,
  whenUsed(options, report) {
    if (!options.apiKey) report('GEOCODIO_API_KEY', 'required when GEOCODER includes geocodio');
  },
  // whenUsed refuses a chain with geocodio and no key, so the key is present here.
  create: (options, deps) => new GeocodioGeocoder({ ...options, apiKey: options.apiKey ?? '', ...deps }),
});
