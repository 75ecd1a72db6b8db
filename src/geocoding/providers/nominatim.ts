/**
 * Nominatim (OpenStreetMap) structured search, for codes in any country:
 * `GET {url}/search?postalcode=...&countrycodes=..&format=jsonv2&limit=1&addressdetails=1`,
 * a JSON array (`[]` when nothing matches) with coordinates as strings.
 *
 * Its usage policy is part of the contract: at most one request per second for the whole
 * application, an identifying `User-Agent`, results cached. So every request of the process goes
 * through one queue (concurrency 1) that spaces their starts `minIntervalMs` apart, retries
 * included; the locator's cache makes sure a code is asked once. Under load, lookups queue
 * politely rather than fail.
 */
import { z } from 'zod';
import type { UpstreamConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { toLatitude, toLongitude } from '../coordinates.js';
import { foundAt, notFound, type GeocodeResult } from '../geocoder.js';
import { malformed, SingleLookupGeocoder, UpstreamClient, type UpstreamResponse } from '../http/index.js';
import { answeredPostalCode, type PostalKey } from '../postal-code.js';

/** The public instance, whose usage policy the configuration enforces. */
export const PUBLIC_NOMINATIM_URL = 'https://nominatim.openstreetmap.org';

/**
 * Shipped so development works out of the box. The policy asks for an agent that identifies the
 * application and a way to reach its operator, so production on the public instance refuses it.
 */
export const DEFAULT_NOMINATIM_USER_AGENT = 'postal-distance-subgraph/0.1 (set NOMINATIM_USER_AGENT to your app and contact)';

export interface NominatimOptions {
  /** Base URL without a trailing slash, e.g. `https://nominatim.openstreetmap.org`. */
  readonly url: string;
  /** Identifies this deployment, as the usage policy requires. */
  readonly userAgent: string;
  /** Sent as `email`, so the instance's operator can reach this deployment's. */
  readonly email: string | undefined;
  readonly acceptLanguage: string;
  /** Least time between the starts of two requests, in ms. */
  readonly minIntervalMs: number;
  readonly upstream: UpstreamConfig;
  readonly logger: Logger;
  /** Request outcomes and circuit state, for /metrics. */
  readonly metrics?: Metrics | undefined;
}

const NominatimPlace = z.object({
  lat: z.string(),
  lon: z.string(),
  name: z.string().optional(),
  type: z.string().optional(),
  addresstype: z.string().optional(),
  address: z
    .object({
      postcode: z.string().optional(),
      country_code: z.string().optional(),
      state: z.string().optional(),
      city: z.string().optional(),
      town: z.string().optional(),
      village: z.string().optional(),
      hamlet: z.string().optional(),
      municipality: z.string().optional(),
      'ISO3166-2-lvl4': z.string().optional(),
    })
    .optional(),
});

/** The structured postal-code search for one key. */
export function nominatimUrl(options: Pick<NominatimOptions, 'url' | 'email'>, key: PostalKey): URL {
  const url = new URL(`${options.url}/search`);
  url.searchParams.set('postalcode', key.postalCode);
  url.searchParams.set('countrycodes', key.countryCode.toLowerCase());
  url.searchParams.set('format', 'jsonv2');
  url.searchParams.set('limit', '1');
  url.searchParams.set('addressdetails', '1');
  if (options.email) url.searchParams.set('email', options.email);
  return url;
}

/**
 * Reads one answer. `[]` and a match that is not a postcode (a town that happens to match) are
 * not found. Throws a malformed-answer `UpstreamError` for a body of the wrong shape, a postcode of
 * another code or country, or coordinates out of range.
 */
export function parseNominatimResponse(key: PostalKey, answer: UpstreamResponse): GeocodeResult {
  if (!Array.isArray(answer.body)) throw malformed('the body is not a Nominatim result list');
  if (answer.body.length === 0) return notFound();
  const parsed = NominatimPlace.safeParse(answer.body[0]);
  if (!parsed.success) throw malformed('the first result is not a Nominatim place');
  const place = parsed.data;
  if (place.type !== 'postcode' && place.addresstype !== 'postcode') return notFound();
  const address = place.address ?? {};
  const code = address.postcode ?? place.name;
  // A full code may be answered with its first part (a ZIP for a ZIP+4): precision PREFIX.
  const matched = code === undefined ? undefined : answeredPostalCode(key, code);
  if (matched === undefined) throw malformed('the answer is for another postal code');
  if (address.country_code !== undefined && address.country_code.toUpperCase() !== key.countryCode) {
    throw malformed('the answer is for another country');
  }
  const latitude = toLatitude(place.lat);
  const longitude = toLongitude(place.lon);
  if (latitude === undefined || longitude === undefined) throw malformed('the coordinates are not numbers in range');
  const region = address['ISO3166-2-lvl4'];
  const regionPrefix = `${key.countryCode}-`;
  return foundAt(key, {
    latitude,
    longitude,
    placeName: address.city ?? address.town ?? address.village ?? address.municipality ?? address.hamlet ?? null,
    adminName: address.state ?? null,
    adminCode: region?.startsWith(regionPrefix) ? region.slice(regionPrefix.length) : null,
  }, matched);
}

export class NominatimGeocoder extends SingleLookupGeocoder {
  readonly name = 'nominatim';
  // Every key is its own request through the one shared queue (concurrency 1, paced).
  protected readonly client: UpstreamClient;

  constructor(private readonly options: NominatimOptions) {
    super();
    if (options.userAgent === DEFAULT_NOMINATIM_USER_AGENT) {
      options.logger.warn('NOMINATIM_USER_AGENT is the default: set it to identify this deployment with contact details (Nominatim usage policy)');
    }
    this.client = new UpstreamClient({
      provider: this.name,
      logger: options.logger,
      metrics: options.metrics,
      resilience: { ...options.upstream, concurrency: 1, minIntervalMs: options.minIntervalMs },
      headers: { 'user-agent': options.userAgent, 'accept-language': options.acceptLanguage },
      maxResponseBytes: 1_000_000,
      statusHints: {
        403: 'Nominatim refused the request (HTTP 403): instances block clients that break the usage policy; set NOMINATIM_USER_AGENT to identify this deployment with contact details',
        429: 'Nominatim rate limited this service (HTTP 429): more than NOMINATIM_MIN_INTERVAL_MS allows reaches it, e.g. from several replicas sharing an address',
      },
    });
  }

  protected lookupOf(key: PostalKey) {
    return {
      request: { url: nominatimUrl(this.options, key), label: `${key.countryCode} ${key.postalCode}` },
      parse: (answer: UpstreamResponse) => parseNominatimResponse(key, answer),
    };
  }
}
