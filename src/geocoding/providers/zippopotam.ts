/**
 * Zippopotam.us-compatible single-lookup API: `GET {url}/{country}/{code}`, no key; 200 carries the
 * code's places with coordinates as strings, 404 (body `{}`) an unknown code or country. Its data is
 * GeoNames' basic files, which hold only a code's first part where one exists (a UK outward code, a
 * Canadian forward sortation area, the ZIP of a ZIP+4), so such a code is asked by that part and
 * answered with precision `PREFIX`.
 */
import { z } from 'zod';
import { baseUrl, defineSettings, int } from '../../settings.js';
import { answerText, toLatitude, toLongitude } from '../coordinates.js';
import { foundAt, notFound, type GeocodeResult } from '../geocoder.js';
import { malformed, SERVICE_USER_AGENT, SingleLookupGeocoder, UpstreamClient, type UpstreamResponse } from '../upstream/index.js';
import { answeredPostalCode, postalCodePrefix, type PostalKey } from '../../postal/postal-code.js';
import { defineProvider, type ProviderDeps } from './provider.js';

const settings = defineSettings({
  title: 'Zippopotam.us',
  variables: {
    ZIPPOPOTAM_URL: baseUrl('https://api.zippopotam.us').describe('Base URL; requests go to {url}/{country}/{code}.'),
    ZIPPOPOTAM_CONCURRENCY: int(1, 1_000, 8).describe('Most lookups in flight at once (one request per code).'),
  },
  read: (env) => ({ url: env.ZIPPOPOTAM_URL, concurrency: env.ZIPPOPOTAM_CONCURRENCY }),
});

export interface ZippopotamOptions extends ProviderDeps {
  /** Base URL without a trailing slash, e.g. `https://api.zippopotam.us`. */
  readonly url: string;
  readonly concurrency: number;
}

const ZippopotamPlace = z.object({
  'place name': answerText,
  state: answerText.optional(),
  'state abbreviation': answerText.optional(),
  latitude: answerText,
  longitude: answerText,
});

const ZippopotamBody = z.object({
  'post code': answerText,
  'country abbreviation': answerText,
  places: z.array(ZippopotamPlace).min(1),
});

/** The code Zippopotam is asked for a key: its first part where it has one, else the code. */
export const zippopotamCode = (key: PostalKey): string => postalCodePrefix(key) ?? key.postalCode;

/** The request for one key. The API's own examples use lower-case countries. */
export function zippopotamUrl(base: string, key: PostalKey): URL {
  return new URL(`${base}/${key.countryCode.toLowerCase()}/${encodeURIComponent(zippopotamCode(key))}`);
}

/** Reads a 200 or 404. Throws a malformed-answer `UpstreamError` for the wrong shape, code or country, or range. */
export function parseZippopotamResponse(key: PostalKey, answer: UpstreamResponse): GeocodeResult {
  if (answer.status === 404) return notFound();
  const parsed = ZippopotamBody.safeParse(answer.body);
  if (!parsed.success) throw malformed('the body is not a Zippopotam place');
  const body = parsed.data;
  const matched = answeredPostalCode(key, body['post code']);
  if (body['country abbreviation'].toUpperCase() !== key.countryCode || matched === undefined) {
    throw malformed('the answer is for another postal code');
  }
  // A code may cover several places (a ZIP spanning two towns): the first is the one the API
  // lists as the code's own, and the one GeoNames (its source) puts first too.
  const place = body.places[0]!;
  const latitude = toLatitude(place.latitude);
  const longitude = toLongitude(place.longitude);
  if (latitude === undefined || longitude === undefined) throw malformed('the coordinates are not numbers in range');
  return foundAt(key, {
    latitude,
    longitude,
    placeName: place['place name'] || null,
    adminName: place.state || null,
    adminCode: place['state abbreviation'] || null,
    // Its data is GeoNames', but the API leaves the accuracy column out.
    accuracy: null,
    source: 'zippopotam',
  }, matched);
}

export class ZippopotamGeocoder extends SingleLookupGeocoder {
  readonly name = 'zippopotam';
  protected readonly client: UpstreamClient;

  constructor(private readonly options: ZippopotamOptions) {
    super();
    this.client = new UpstreamClient({
      provider: this.name,
      logger: options.logger,
      metrics: options.metrics,
      resilience: { ...options.upstream, concurrency: options.concurrency },
      headers: { 'user-agent': SERVICE_USER_AGENT },
      maxResponseBytes: 1_000_000,
    });
  }

  protected lookupOf(key: PostalKey) {
    return {
      request: { url: zippopotamUrl(this.options.url, key), answers: [200, 404], label: `${key.countryCode} ${zippopotamCode(key)}` },
      parse: (answer: UpstreamResponse) => parseZippopotamResponse(key, answer),
    };
  }
}

export const zippopotam = defineProvider({
  settings,
  create: (options, deps) => new ZippopotamGeocoder({ ...options, ...deps }),
});
