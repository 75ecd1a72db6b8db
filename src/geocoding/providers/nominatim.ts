/**
 * Nominatim (OpenStreetMap) structured search, for codes in any country:
 * `GET {url}/search?postalcode=...&countrycodes=..&format=jsonv2&limit=1&addressdetails=1`, a JSON
 * array (`[]` when nothing matches) with coordinates as strings. Its usage policy is part of the
 * contract (one request a second for the whole application, an identifying `User-Agent`, results
 * cached), so every request of the process goes through one queue that spaces them `minIntervalMs`
 * apart, retries included: under load, lookups queue rather than fail.
 */
import { z } from 'zod';
import { baseUrl, defineSettings, ms } from '../../settings.js';
import { answerText, toLatitude, toLongitude } from '../coordinates.js';
import { foundAt, notFound, type GeocodeResult } from '../geocoder.js';
import { malformed, SingleLookupGeocoder, UpstreamClient, type UpstreamResponse } from '../upstream/index.js';
import { answeredPostalCode, type PostalKey } from '../../postal/postal-code.js';
import { defineProvider, type ProviderDeps } from './provider.js';

/** The public instance, whose usage policy the configuration enforces. */
export const PUBLIC_NOMINATIM_URL = 'https://nominatim.openstreetmap.org';

/** Lets development work out of the box; production on the public instance refuses it (the policy wants a contact). */
export const DEFAULT_NOMINATIM_USER_AGENT = 'postal-distance-subgraph/0.1 (set NOMINATIM_USER_AGENT to your app and contact)';

const settings = defineSettings({
  title: 'Nominatim (OpenStreetMap)',
  variables: {
    NOMINATIM_URL: baseUrl(PUBLIC_NOMINATIM_URL).describe('Base URL; requests go to {url}/search. A self-hosted instance sets its own rules.'),
    NOMINATIM_USER_AGENT: z
      .string()
      .min(1)
      .max(512)
      .default(DEFAULT_NOMINATIM_USER_AGENT)
      .describe('Identifies this deployment with a contact, as the usage policy requires, e.g. "acme-shipping/2.1 (ops@acme.example)"; required in production on the public instance.'),
    NOMINATIM_EMAIL: z.email().optional().describe('Sent as `email`, so the instance operator can reach you; optional.'),
    NOMINATIM_ACCEPT_LANGUAGE: z.string().min(1).max(100).default('en').describe('Accept-Language for place names.'),
    NOMINATIM_MIN_INTERVAL_MS: ms(0, 600_000, 1_000).describe(
      "Least time between one request's end and the next one's start, process-wide, in ms; at least 1000 on the public instance (its policy: 1 request per second).",
    ),
  },
  read: (env) => ({
    url: env.NOMINATIM_URL,
    userAgent: env.NOMINATIM_USER_AGENT,
    email: env.NOMINATIM_EMAIL,
    acceptLanguage: env.NOMINATIM_ACCEPT_LANGUAGE,
    minIntervalMs: env.NOMINATIM_MIN_INTERVAL_MS,
  }),
});

export interface NominatimOptions extends ProviderDeps {
  /** Base URL without a trailing slash, e.g. `https://nominatim.openstreetmap.org`. */
  readonly url: string;
  readonly userAgent: string;
  readonly email: string | undefined;
  readonly acceptLanguage: string;
  /** Least time from one request's end to the next one's start, in ms. */
  readonly minIntervalMs: number;
}

const NominatimPlace = z.object({
  lat: answerText,
  lon: answerText,
  name: answerText.optional(),
  type: answerText.optional(),
  addresstype: answerText.optional(),
  address: z
    .object({
      postcode: answerText.optional(),
      country_code: answerText.optional(),
      state: answerText.optional(),
      city: answerText.optional(),
      town: answerText.optional(),
      village: answerText.optional(),
      hamlet: answerText.optional(),
      municipality: answerText.optional(),
      'ISO3166-2-lvl4': answerText.optional(),
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
 * Reads one answer: `[]` or a match that is not a postcode is not found. Throws a malformed-answer
 * `UpstreamError` for the wrong shape, another code or country, or coordinates out of range.
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
    // Nominatim ranks a result (`place_rank`, `importance`) but says nothing of how its point was made.
    accuracy: null,
    source: 'nominatim',
  }, matched);
}

export class NominatimGeocoder extends SingleLookupGeocoder {
  readonly name = 'nominatim';
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

export const nominatim = defineProvider({
  settings,
  // The public instance's usage policy (1 request/s, an identifying User-Agent) is not optional.
  whenUsed(options, report, { production }) {
    if (options.url !== PUBLIC_NOMINATIM_URL) return;
    if (options.minIntervalMs < 1_000) report('NOMINATIM_MIN_INTERVAL_MS', 'at least 1000 on the public instance (its usage policy: 1 request per second)');
    if (production && options.userAgent === DEFAULT_NOMINATIM_USER_AGENT) {
      report('NOMINATIM_USER_AGENT', 'set it to identify this deployment with contact details (the public instance usage policy), e.g. "acme-shipping/2.1 (ops@acme.example)"');
    }
  },
  create: (options, deps) => new NominatimGeocoder({ ...options, ...deps }),
});
