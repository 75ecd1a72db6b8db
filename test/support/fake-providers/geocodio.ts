/**
 * A Geocodio-compatible server.
 * - `POST /{version}/geocode?api_key=KEY`, body a JSON array of query strings (at most
 *   `batchLimit`): 200 `{"results":[{"query","response":{"input","results":[...]}}]}` in input order,
 *   an empty `results` for a query it cannot place.
 * - `GET /{version}/geocode?q=...&api_key=KEY`: one query, `{"input","results"}` (the benchmark's
 *   naive resolver uses it).
 * - 403 `{"error"}` for a missing or wrong key, 422 for a body that is not an array of strings or
 *   is over the batch limit, 429 with `X-RateLimit-*` headers, 404 for another version.
 *
 * It reads the queries the service sends (`90210`, `K1A, Canada`, `K1A 0B1, Canada`, `06700, Mexico`)
 * and answers a postal code with its centroid, accuracy type `place`, as Geocodio does; it knows
 * Canadian forward sortation areas only, so it answers a full Canadian code with its area's.
 */
import { anotherCode, placesOf, type GazetteerPlace } from './gazetteer.js';
import { FakeProvider, type Fault, type FakeRequest, type Reply } from './fake-server.js';

export interface FakeGeocodioOptions {
  readonly apiKey?: string;
  readonly version?: string;
  /** Most queries per batch; Geocodio's is 10,000. */
  readonly batchLimit?: number;
}

const QUERY = /^(?:(\d{5})|([A-Z]\d[A-Z])(?: ?\d[A-Z]\d)?, canada|(\d{5}), mexico)$/i;

export class FakeGeocodio extends FakeProvider {
  readonly apiKey: string;
  readonly version: string;
  readonly batchLimit: number;

  constructor(options: FakeGeocodioOptions = {}) {
    super();
    this.apiKey = options.apiKey ?? 'test-key-0123456789';
    this.version = options.version ?? 'v1.11';
    this.batchLimit = options.batchLimit ?? 10_000;
  }

  /** The service's configuration for this fake. */
  env(): Record<string, string> {
    return { GEOCODIO_URL: this.url, GEOCODIO_API_KEY: this.apiKey, GEOCODIO_API_VERSION: this.version };
  }

  /** Queries received per request, for batch assertions. */
  get batches(): string[][] {
    return this.requests.map((r) => queriesOf(r));
  }

  protected codesOf(request: FakeRequest): string[] {
    return queriesOf(request).map((q) => read(q)?.postalCode ?? q);
  }

  protected override admit(request: FakeRequest): Reply | undefined {
    if (request.path !== `/${this.version}/geocode`) return json(404, { error: 'Not found' });
    if (request.query.get('api_key') !== this.apiKey) return { status: 403, body: this.errorBody(403) };
    return undefined;
  }

  protected answer(request: FakeRequest, fault?: Fault): Reply {
    if (request.method === 'GET') {
      const q = request.query.get('q');
      if (!q) return { status: 422, body: JSON.stringify({ error: 'Please provide a search term' }) };
      return json(200, geocode(q, fault));
    }
    if (request.method !== 'POST') return { status: 405, body: JSON.stringify({ error: 'Method not allowed' }) };
    let queries: unknown;
    try {
      queries = JSON.parse(request.body);
    } catch {
      return json(422, { error: 'Could not parse the JSON body' });
    }
    if (!Array.isArray(queries) || queries.length === 0 || !queries.every((q) => typeof q === 'string')) {
      return json(422, { error: 'The body must be a non-empty JSON array of addresses' });
    }
    if (queries.length > this.batchLimit) {
      return json(422, { error: `You can only geocode up to ${this.batchLimit.toLocaleString('en-US')} addresses at a time` });
    }
    let results = queries.map((query: string) => ({ query, response: geocode(query, fault) }));
    if (fault?.kind === 'wrongLength') results = results.slice(0, -1);
    if (fault?.kind === 'wrongCode') results = results.map((r, i) => (i === 0 ? { ...r, query: `${r.query}0` } : r));
    return json(200, { results });
  }

  protected errorBody(status: number): string {
    const messages: Record<number, string> = {
      403: 'Invalid API key',
      422: 'Could not geocode the request',
      429: 'You have reached the rate limit for your account',
      500: 'Server error',
    };
    return JSON.stringify({ error: messages[status] ?? 'Server error' });
  }

  protected malformedBody(request: FakeRequest, variant: 'truncated' | 'shape' | 'coordinates'): string {
    const queries = queriesOf(request);
    switch (variant) {
      case 'truncated':
        return `{"results":[{"query":"${queries[0] ?? ''}","response":{"input":`;
      case 'shape':
        return JSON.stringify({ results: { query: queries[0] } });
      case 'coordinates':
        return JSON.stringify({
          results: queries.map((query) => {
            const response = geocode(query);
            return { query, response: { ...response, results: response.results.map((r) => ({ ...r, location: { lat: '34.09', lng: -718.4 } })) } };
          }),
        });
    }
  }

  protected override rateLimitHeaders(): Record<string, string> {
    return { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-period': '60' };
  }
}

function queriesOf(request: FakeRequest): string[] {
  if (request.method === 'GET') {
    const q = request.query.get('q');
    return q ? [q] : [];
  }
  try {
    const body: unknown = JSON.parse(request.body);
    return Array.isArray(body) ? body.filter((q): q is string => typeof q === 'string') : [];
  } catch {
    return [];
  }
}

/** The country and code a query names, if it is one of the postal-code forms. */
function read(query: string): { countryCode: string; postalCode: string } | undefined {
  const match = QUERY.exec(query.trim());
  if (!match) return undefined;
  if (match[1]) return { countryCode: 'US', postalCode: match[1] };
  if (match[2]) return { countryCode: 'CA', postalCode: match[2].toUpperCase() };
  return { countryCode: 'MX', postalCode: match[3]! };
}

function geocode(query: string, fault?: Fault) {
  const wanted = read(query);
  const place = wanted && placesOf(wanted.countryCode, wanted.postalCode)[0];
  const input = { address_components: wanted ? { zip: wanted.postalCode, country: wanted.countryCode } : {}, formatted_address: query };
  if (!place) return { input, results: [] as ReturnType<typeof result>[] };
  if (fault?.kind === 'imprecise') {
    // What a sloppy resolver would take: a street on the ZIP, and a neighbouring ZIP's centroid.
    return { input, results: [result(place, 'range_interpolation', 0.8), result(anotherCode(place.postalCode), 'place', 0.6)] };
  }
  return { input, results: [result(place, 'place', 1)] };
}

function result(place: GazetteerPlace, accuracyType: string, accuracy: number) {
  return {
    address_components: { city: place.placeName, county: `${place.adminName} County`, state: place.adminCode, zip: place.postalCode, country: place.countryCode },
    formatted_address: `${place.placeName}, ${place.adminCode} ${place.postalCode}`,
    location: { lat: place.latitude, lng: place.longitude },
    accuracy,
    accuracy_type: accuracyType,
    source: 'Fake gazetteer (GeoNames)',
  };
}

const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });
