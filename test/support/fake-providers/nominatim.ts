/**
 * A Nominatim-compatible server: `GET /search` with structured `postalcode` + `countrycodes`,
 * `format=jsonv2`, `limit`, `addressdetails`: a JSON array (`[]` when nothing matches), `lat` and
 * `lon` as strings, `type: "postcode"`. Like the public instance it refuses a request without an
 * identifying `User-Agent` (403), a structured query mixed with `q` (400), and, when
 * `minIntervalMs` is set, a request that comes sooner than that after the previous one (429,
 * counted in `violations`).
 */
import { anotherCode, countryName, placesOf, type GazetteerPlace } from './gazetteer.js';
import { FakeProvider, type Fault, type FakeRequest, type Reply } from './fake-server.js';

const STRUCTURED = ['amenity', 'street', 'city', 'county', 'state', 'country', 'postalcode'];
const STOCK_AGENTS = /^(node|undici|curl|wget|python-requests|axios|got)\b/i;

export interface FakeNominatimOptions {
  /** Answer 429 to a request arriving sooner than this after the previous one, in ms. */
  readonly minIntervalMs?: number;
}

export class FakeNominatim extends FakeProvider {
  /** Requests refused for coming too soon. */
  violations = 0;
  private lastArrival = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: FakeNominatimOptions = {}) {
    super();
  }

  /** Also forgets the rate window, so a test starting a new service is not blamed for the last one's request. */
  override forget(): this {
    this.violations = 0;
    this.lastArrival = Number.NEGATIVE_INFINITY;
    return super.forget();
  }

  /** The service's configuration for this fake. */
  env(): Record<string, string> {
    return { NOMINATIM_URL: this.url };
  }

  protected codesOf(request: FakeRequest): string[] {
    const code = request.query.get('postalcode');
    return code ? [code] : [];
  }

  protected override admit(request: FakeRequest): Reply | undefined {
    const now = performance.now();
    const tooSoon = now - this.lastArrival < (this.options.minIntervalMs ?? 0);
    this.lastArrival = now;
    const agent = request.headers['user-agent'];
    if (typeof agent !== 'string' || agent === '' || STOCK_AGENTS.test(agent)) {
      return { status: 403, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>Access blocked</h1></body></html>' };
    }
    if (tooSoon) {
      this.violations++;
      return { status: 429, body: this.errorBody(429) };
    }
    return undefined;
  }

  protected answer(request: FakeRequest, fault?: Fault): Reply {
    if (request.path !== '/search') return { status: 404, body: this.errorBody(404) };
    const { query } = request;
    if (query.has('q') && STRUCTURED.some((p) => query.has(p))) {
      return { status: 400, body: error(400, "Structured query parameters (amenity, street, city, county, state, postalcode, country) cannot be used together with 'q' parameter.") };
    }
    if (query.get('format') !== 'jsonv2') return { status: 400, body: error(400, 'This fake speaks format=jsonv2 only.') };
    const code = query.get('postalcode');
    const countries = (query.get('countrycodes') ?? '').split(',').filter(Boolean);
    if (!code) return { status: 200, body: '[]' };
    const place = countries.flatMap((cc) => placesOf(cc, code.toUpperCase()))[0];
    if (!place) return { status: 200, body: '[]' };
    const answered = fault?.kind === 'wrongCode' ? anotherCode(place.postalCode) : place;
    return { status: 200, body: JSON.stringify([item(answered, query.get('addressdetails') === '1')]) };
  }

  protected errorBody(status: number): string {
    return error(status, status === 429 ? 'Too Many Requests' : 'Internal Server Error');
  }

  protected malformedBody(request: FakeRequest, variant: 'truncated' | 'shape' | 'coordinates'): string {
    const code = request.query.get('postalcode') ?? '';
    const place = placesOf(request.query.get('countrycodes') ?? '', code)[0];
    switch (variant) {
      case 'truncated':
        return `[{"place_id":123,"lat":"34.0`;
      case 'shape':
        return JSON.stringify({ lat: 34, lon: -118 });
      case 'coordinates':
        return JSON.stringify(place ? [{ ...item(place, true), lat: 'NaN', lon: '-118.4' }] : [{ lat: '-91', lon: '0', type: 'postcode', name: code }]);
    }
  }
}

function item(place: GazetteerPlace, addressDetails: boolean) {
  return {
    place_id: 1000 + Number.parseInt(place.postalCode, 36),
    licence: 'Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright',
    lat: String(place.latitude),
    lon: String(place.longitude),
    category: 'place',
    type: 'postcode',
    place_rank: 21,
    importance: 0.12,
    addresstype: 'postcode',
    name: place.postalCode,
    display_name: `${place.postalCode}, ${place.placeName}, ${place.adminName}, ${countryName(place.countryCode)}`,
    ...(addressDetails && {
      address: {
        city: place.placeName,
        state: place.adminName,
        'ISO3166-2-lvl4': `${place.countryCode}-${place.adminCode}`,
        postcode: place.postalCode,
        country: countryName(place.countryCode),
        country_code: place.countryCode.toLowerCase(),
      },
    }),
    boundingbox: [place.latitude - 0.05, place.latitude + 0.05, place.longitude - 0.05, place.longitude + 0.05].map(String),
  };
}

const error = (code: number, message: string): string => JSON.stringify({ error: { code, message } });
