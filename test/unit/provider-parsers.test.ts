import { describe, expect, it } from 'vitest';
import type { GeocodeResult } from '../../src/geocoding/geocoder.js';
import { isUpstreamError } from '../../src/geocoding/upstream/index.js';
import type { PostalKey } from '../../src/postal/postal-code.js';
import { geocodioCovers, geocodioQuery, parseGeocodioBatch } from '../../src/geocoding/providers/geocodio.js';
import { nominatimUrl, parseNominatimResponse } from '../../src/geocoding/providers/nominatim.js';
import { parseZippopotamResponse, zippopotamUrl } from '../../src/geocoding/providers/zippopotam.js';

const US90210: PostalKey = { countryCode: 'US', postalCode: '90210' };
const CAK1A: PostalKey = { countryCode: 'CA', postalCode: 'K1A' };

/** Runs a parser and says what it made of the answer: the result, or the malformed-answer error it threw. */
function outcome(parse: () => GeocodeResult): GeocodeResult | { malformed: string } {
  try {
    return parse();
  } catch (error) {
    if (isUpstreamError(error) && error.failure === 'malformed') return { malformed: error.message };
    throw error;
  }
}

describe('Zippopotam answers', () => {
  const body = (overrides: Record<string, unknown> = {}, place: Record<string, unknown> = {}) => ({
    'post code': '90210',
    country: 'United States',
    'country abbreviation': 'US',
    places: [{ 'place name': 'Beverly Hills', longitude: '-118.4065', state: 'California', 'state abbreviation': 'CA', latitude: '34.0901', ...place }],
    ...overrides,
  });
  const parse = (status: number, b: unknown, key = US90210) => outcome(() => parseZippopotamResponse(key, { status, body: b }));

  it('reads a place, coordinates from strings', () => {
    expect(parse(200, body())).toEqual({
      kind: 'found',
      place: {
        countryCode: 'US',
        postalCode: '90210',
        matchedPostalCode: '90210',
        precision: 'POSTAL_CODE',
        latitude: 34.0901,
        longitude: -118.4065,
        placeName: 'Beverly Hills',
        adminName: 'California',
        adminCode: 'CA',
        accuracy: null,
        source: 'zippopotam',
      },
    });
  });

  it('takes the first of several places', () => {
    const two = body({}, {});
    two.places.push({ 'place name': 'Elsewhere', longitude: '1', state: 'X', 'state abbreviation': 'X', latitude: '1' });
    expect(parse(200, two)).toMatchObject({ kind: 'found', place: { placeName: 'Beverly Hills', latitude: 34.0901 } });
  });

  it('treats 404 as not found', () => {
    expect(parse(404, {})).toEqual({ kind: 'notFound' });
  });

  it('rejects an answer for another code or country, without a coordinate', () => {
    expect(parse(200, body({ 'post code': '90211' }))).toEqual({ malformed: 'the answer is for another postal code' });
    expect(parse(200, body({ 'country abbreviation': 'MX' }))).toEqual({ malformed: 'the answer is for another postal code' });
  });

  it.each([
    ['a latitude out of range', { latitude: '134.09' }],
    ['a longitude that is not a number', { longitude: 'west' }],
    ['an empty coordinate (Number("") is 0)', { latitude: '' }],
    ['a coordinate with an exponent', { latitude: '3.4e1' }],
  ])('rejects %s', (_, place) => {
    expect(parse(200, body({}, place))).toEqual({ malformed: 'the coordinates are not numbers in range' });
  });

  it('rejects a body of the wrong shape', () => {
    expect(parse(200, { error: 'oops' })).toEqual({ malformed: 'the body is not a Zippopotam place' });
    expect(parse(200, body({ places: [] }))).toEqual({ malformed: 'the body is not a Zippopotam place' });
  });

  it('asks for the country in lower case and escapes the code', () => {
    expect(zippopotamUrl('https://api.zippopotam.us', US90210).href).toBe('https://api.zippopotam.us/us/90210');
    expect(zippopotamUrl('http://x', { countryCode: 'CZ', postalCode: '110 00' }).href).toBe('http://x/cz/110%2000');
  });

  it('asks a code by its first part, as its GeoNames data holds it, and answers with precision PREFIX', () => {
    expect(zippopotamUrl('http://x', { countryCode: 'CA', postalCode: 'K1A 0B1' }).href).toBe('http://x/ca/K1A');
    expect(zippopotamUrl('http://x', { countryCode: 'GB', postalCode: 'SW1A 1AA' }).href).toBe('http://x/gb/SW1A');
    expect(zippopotamUrl('http://x', { countryCode: 'US', postalCode: '90210-1234' }).href).toBe('http://x/us/90210');
    expect(zippopotamUrl('http://x', { countryCode: 'JP', postalCode: '100-0001' }).href).toBe('http://x/jp/100-0001');
    expect(parse(200, body(), { countryCode: 'US', postalCode: '90210-1234' })).toMatchObject({
      kind: 'found',
      place: { postalCode: '90210-1234', matchedPostalCode: '90210', precision: 'PREFIX', latitude: 34.0901 },
    });
  });
});

describe('Geocodio batch answers', () => {
  const result = (zip: string, accuracyType = 'place', location: Record<string, unknown> = { lat: 34.0901, lng: -118.4065 }, country = 'US') => ({
    address_components: { city: 'Beverly Hills', state: 'CA', zip, country },
    formatted_address: `Beverly Hills, CA ${zip}`,
    location,
    accuracy: 1,
    accuracy_type: accuracyType,
    source: 'TIGER',
  });
  const item = (query: string, results: unknown[]) => ({ query, response: { input: { formatted_address: query }, results } });
  const parse = (keys: PostalKey[], queries: string[], b: unknown) => {
    try {
      return parseGeocodioBatch(keys, queries, b);
    } catch (error) {
      if (isUpstreamError(error)) return { malformed: error.message };
      throw error;
    }
  };

  it('covers US, Canada and Mexico, with postal-code queries', () => {
    expect(['US', 'CA', 'MX', 'FR'].map(geocodioCovers)).toEqual([true, true, true, false]);
    const keys = [US90210, CAK1A, { countryCode: 'CA', postalCode: 'K1A 0B1' }, { countryCode: 'MX', postalCode: '06700' }, { countryCode: 'US', postalCode: '90210-1234' }];
    expect(keys.map(geocodioQuery)).toEqual(['90210', 'K1A, Canada', 'K1A 0B1, Canada', '06700, Mexico', '90210']);
  });

  it('reads results in input order; an empty result list is not found', () => {
    const keys = [US90210, { countryCode: 'US', postalCode: '00000' }];
    const results = parse(keys, ['90210', '00000'], { results: [item('90210', [result('90210')]), item('00000', [])] });
    expect(results).toEqual([
      {
        kind: 'found',
        place: {
          countryCode: 'US',
          postalCode: '90210',
          matchedPostalCode: '90210',
          precision: 'POSTAL_CODE',
          latitude: 34.0901,
          longitude: -118.4065,
          placeName: 'Beverly Hills',
          adminName: null,
          adminCode: 'CA',
          accuracy: null,
          source: 'geocodio',
        },
      },
      { kind: 'notFound' },
    ]);
  });

  it('accepts only the postal code itself: not a street on it, not a neighbouring ZIP, not another country', () => {
    const cases = [
      [result('90210', 'rooftop')],
      [result('90210', 'range_interpolation')],
      [result('90210', 'street_center')],
      [result('90211', 'place')],
      [result('90210', 'place', undefined, 'CA')],
      [result('90210', 'state')],
    ];
    for (const results of cases) {
      expect(parse([US90210], ['90210'], { results: [item('90210', results)] })).toEqual([{ kind: 'notFound' }]);
    }
    // ...but it does pick the right one out of several.
    const mixed = parse([US90210], ['90210'], { results: [item('90210', [result('90210', 'rooftop'), result('90211'), result('90210')])] });
    expect(mixed).toMatchObject([{ kind: 'found', place: { postalCode: '90210' } }]);
  });

  it('matches a full Canadian code answered in full, or by its forward sortation area with precision PREFIX', () => {
    const full: PostalKey = { countryCode: 'CA', postalCode: 'K1A 0B1' };
    const answered = (zip: string) => parse([full], ['K1A 0B1, Canada'], { results: [item('K1A 0B1, Canada', [result(zip, 'place', { lat: 45.42, lng: -75.69 }, 'CA')])] });
    expect(answered('K1A0B1')).toMatchObject([{ kind: 'found', place: { postalCode: 'K1A 0B1', matchedPostalCode: 'K1A 0B1', precision: 'POSTAL_CODE', latitude: 45.42 } }]);
    expect(answered('K1A')).toMatchObject([{ kind: 'found', place: { postalCode: 'K1A 0B1', matchedPostalCode: 'K1A', precision: 'PREFIX', latitude: 45.42 } }]);
    expect(answered('K1A 0B2')).toEqual([{ kind: 'notFound' }]);
  });

  it('does not answer a forward sortation area with one full code inside it: that is a point of the area, not the area', () => {
    expect(parse([CAK1A], ['K1A, Canada'], { results: [item('K1A, Canada', [result('K1A 0B1', 'place', { lat: 45.42, lng: -75.69 }, 'CA')])] })).toEqual([
      { kind: 'notFound' },
    ]);
  });

  it('answers a ZIP+4 by its ZIP, with precision PREFIX', () => {
    expect(parse([{ countryCode: 'US', postalCode: '90210-1234' }], ['90210'], { results: [item('90210', [result('90210')])] })).toMatchObject([
      { kind: 'found', place: { postalCode: '90210-1234', matchedPostalCode: '90210', precision: 'PREFIX' } },
    ]);
  });

  it('refuses a batch of the wrong length or order as a whole', () => {
    const keys = [US90210, { countryCode: 'US', postalCode: '10001' }];
    expect(parse(keys, ['90210', '10001'], { results: [item('90210', [result('90210')])] })).toEqual({ malformed: 'the batch answer has 1 results for 2 queries' });
    expect(parse(keys, ['90210', '10001'], { results: [item('10001', []), item('90210', [result('90210')])] })).toEqual({
      malformed: 'result 0 answers another query than the one sent',
    });
    expect(parse(keys, ['90210', '10001'], { results: 'nope' })).toEqual({ malformed: 'the body is not a Geocodio batch answer' });
  });

  it('makes an item with unusable coordinates that item’s error, and keeps the others', () => {
    const keys = [US90210, { countryCode: 'US', postalCode: '10001' }];
    const results = parse(keys, ['90210', '10001'], { results: [item('90210', [result('90210', 'place', { lat: '34.09', lng: -718 })]), item('10001', [result('10001')])] });
    expect(Array.isArray(results) && results.map((r) => (r.kind === 'error' ? r.error.code : r.kind))).toEqual(['GEOCODER_UNAVAILABLE', 'found']);
  });
});

describe('Nominatim answers', () => {
  const place = (overrides: Record<string, unknown> = {}, address: Record<string, unknown> = {}) => ({
    lat: '34.0901',
    lon: '-118.4065',
    category: 'place',
    type: 'postcode',
    addresstype: 'postcode',
    name: '90210',
    display_name: '90210, Beverly Hills, California, United States',
    address: { city: 'Beverly Hills', state: 'California', 'ISO3166-2-lvl4': 'US-CA', postcode: '90210', country_code: 'us', ...address },
    ...overrides,
  });
  const parse = (b: unknown, key = US90210) => outcome(() => parseNominatimResponse(key, { status: 200, body: b }));

  it('reads the first result, with the region code from ISO 3166-2', () => {
    expect(parse([place()])).toEqual({
      kind: 'found',
      place: {
        countryCode: 'US',
        postalCode: '90210',
        matchedPostalCode: '90210',
        precision: 'POSTAL_CODE',
        latitude: 34.0901,
        longitude: -118.4065,
        placeName: 'Beverly Hills',
        adminName: 'California',
        adminCode: 'CA',
        accuracy: null,
        source: 'nominatim',
      },
    });
  });

  it('treats [] and a match that is not a postcode as not found', () => {
    expect(parse([])).toEqual({ kind: 'notFound' });
    expect(parse([place({ type: 'town', addresstype: 'town' })])).toEqual({ kind: 'notFound' });
  });

  it('rejects another postcode or country, bad coordinates and the wrong shape', () => {
    expect(parse([place({ name: '90211' }, { postcode: '90211' })])).toEqual({ malformed: 'the answer is for another postal code' });
    expect(parse([place({}, { country_code: 'mx' })])).toEqual({ malformed: 'the answer is for another country' });
    expect(parse([place({ lat: 'NaN' })])).toEqual({ malformed: 'the coordinates are not numbers in range' });
    expect(parse([place({ lon: '-181' })])).toEqual({ malformed: 'the coordinates are not numbers in range' });
    expect(parse({ lat: '1', lon: '2' })).toEqual({ malformed: 'the body is not a Nominatim result list' });
    expect(parse([{ lat: 34 }])).toEqual({ malformed: 'the first result is not a Nominatim place' });
  });

  it('answers a ZIP+4 with the ZIP the search found, with precision PREFIX', () => {
    expect(parse([place()], { countryCode: 'US', postalCode: '90210-1234' })).toMatchObject({
      kind: 'found',
      place: { postalCode: '90210-1234', matchedPostalCode: '90210', precision: 'PREFIX' },
    });
  });

  it('asks a structured postal-code search, never combined with q', () => {
    const url = nominatimUrl({ url: 'https://nominatim.openstreetmap.org', email: 'ops@example.com' }, US90210);
    expect(url.pathname).toBe('/search');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      postalcode: '90210',
      countrycodes: 'us',
      format: 'jsonv2',
      limit: '1',
      addressdetails: '1',
      email: 'ops@example.com',
    });
  });
});
