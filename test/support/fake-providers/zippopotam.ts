/**
 * A Zippopotam.us-compatible server: `GET /{country}/{code}`, 200 with the code's places
 * (every value a string, coordinates included; keys with spaces), 404 with `{}` for an unknown
 * code or country.
 */
import { anotherCode, countryName, placesOf, type GazetteerPlace } from './gazetteer.js';
import { FakeProvider, type Fault, type FakeRequest, type Reply } from './fake-server.js';

const PATH = /^\/([A-Za-z]{2})\/([^/]+)$/;

export class FakeZippopotam extends FakeProvider {
  /** The service's configuration for this fake. */
  env(): Record<string, string> {
    return { ZIPPOPOTAM_URL: this.url };
  }

  protected codesOf(request: FakeRequest): string[] {
    const match = PATH.exec(request.path);
    return match ? [match[2]!] : [];
  }

  protected answer(request: FakeRequest, fault?: Fault): Reply {
    const match = PATH.exec(request.path);
    if (request.method !== 'GET' || !match) return { status: 404, body: '{}' };
    const [, country, code] = match as unknown as [string, string, string];
    const places = placesOf(country, code);
    if (places.length === 0) return { status: 404, body: '{}' };
    const answered = fault?.kind === 'wrongCode' ? [anotherCode(code)] : places;
    return { status: 200, body: JSON.stringify(body(answered)) };
  }

  protected errorBody(): string {
    return '{}';
  }

  protected malformedBody(request: FakeRequest, variant: 'truncated' | 'shape' | 'coordinates'): string {
    const code = this.codesOf(request)[0] ?? '';
    const match = PATH.exec(request.path);
    const places = match ? placesOf(match[1]!, code) : [];
    switch (variant) {
      case 'truncated':
        return `{"post code": "${code}", "country": "United States", "places": [{"place name": "Bev`;
      case 'shape':
        return JSON.stringify({ postcode: code, places: 'none' });
      case 'coordinates':
        return JSON.stringify({ ...body(places), places: places.map((p) => ({ ...placeJson(p), latitude: '134.09', longitude: 'west' })) });
    }
  }
}

function body(places: readonly GazetteerPlace[]) {
  const first = places[0]!;
  return {
    'post code': first.postalCode,
    country: countryName(first.countryCode),
    'country abbreviation': first.countryCode,
    places: places.map(placeJson),
  };
}

function placeJson(place: GazetteerPlace) {
  return {
    'place name': place.placeName,
    longitude: String(place.longitude),
    state: place.adminName,
    'state abbreviation': place.adminCode,
    latitude: String(place.latitude),
  };
}
