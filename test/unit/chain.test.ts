import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { GeocoderChain } from '../../src/geocoding/chain.js';
import { found, notFound, type GeocodeResult, type Geocoder } from '../../src/geocoding/geocoder.js';
import type { Place } from '../../src/postal/place.js';
import type { PostalKey } from '../../src/postal/postal-code.js';
import { Metrics } from '../../src/observability/metrics.js';
import { sample } from '../support/metrics.js';

const us = (postalCode: string): PostalKey => ({ countryCode: 'US', postalCode });
const place = (key: PostalKey, name: string): Place => ({ ...key, matchedPostalCode: key.postalCode, precision: 'POSTAL_CODE', latitude: 1, longitude: 2, placeName: name, adminName: null, adminCode: null, accuracy: null, source: name });
const failure = new AppError('GEOCODER_UNAVAILABLE', 'down');

/** A provider answering each code from a script, recording the codes it was asked. */
function provider(name: string, script: Record<string, 'found' | 'notFound' | 'error'>): Geocoder & { asked: string[] } {
  const answer = (key: PostalKey): GeocodeResult => {
    const kind = script[key.postalCode] ?? 'notFound';
    return kind === 'found' ? found(place(key, name)) : kind === 'error' ? { kind: 'error', error: failure } : notFound();
  };
  const asked: string[] = [];
  return {
    name,
    maxBatchSize: 2,
    asked,
    ready: async () => {},
    geocode: async (keys) => keys.map((key) => (asked.push(key.postalCode), answer(key))),
  };
}

describe('GeocoderChain', () => {
  it('asks each provider only for the codes the earlier ones lacked, in batches of its own size', async () => {
    const first = provider('first', { '1': 'found' });
    const second = provider('second', { '2': 'found', '3': 'found' });
    const results = await new GeocoderChain([first, second]).geocode(['1', '2', '3', '4', '5'].map(us));
    expect(results.map((r) => (r.kind === 'found' ? r.place.placeName : r.kind))).toEqual(['first', 'second', 'second', 'notFound', 'notFound']);
    expect(first.asked).toEqual(['1', '2', '3', '4', '5']);
    expect(second.asked).toEqual(['2', '3', '4', '5']);
  });

  it("keeps an earlier provider's error when a later one does not find the code, and takes a later find over it", async () => {
    const first = provider('first', { '1': 'error', '2': 'error' });
    const second = provider('second', { '2': 'found' });
    const [one, two] = await new GeocoderChain([first, second]).geocode([us('1'), us('2')]);
    expect(one).toEqual({ kind: 'error', error: failure }); // not "not found": the first provider might have had it
    expect(two).toMatchObject({ kind: 'found', place: { placeName: 'second' } });
  });
});
