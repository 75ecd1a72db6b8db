import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { foundAt, toSettled } from '../../src/geocoding/geocoder.js';

const key = { countryCode: 'US', postalCode: '90210' };
const stored = { kind: 'found', place: { ...key, matchedPostalCode: '90210', precision: 'POSTAL_CODE', latitude: 34.09, longitude: -118.41, placeName: 'Beverly Hills', adminName: 'California', adminCode: 'CA', accuracy: 4, source: 'zippopotam' } };

describe('a settled answer read back from the shared cache', () => {
  it('keeps the accuracy and the source of its place', () => {
    const where = { latitude: 34.09, longitude: -118.41, placeName: 'Beverly Hills', adminName: 'California', adminCode: 'CA', accuracy: 4, source: 'zippopotam' };
    expect(toSettled(stored, key)).toEqual(foundAt(key, where));
    expect(toSettled({ kind: 'found', place: { ...stored.place, accuracy: null } }, key)).toMatchObject({ place: { accuracy: null } });
  });

  it('is no answer in the shape stored before places had provenance, or with an accuracy or source out of bounds', () => {
    const { accuracy: _accuracy, source: _source, ...before } = stored.place;
    expect(toSettled({ kind: 'found', place: before }, key)).toBeUndefined();
    expect(toSettled({ kind: 'found', place: { ...stored.place, accuracy: 255 } }, key)).toBeUndefined();
    expect(toSettled({ kind: 'found', place: { ...stored.place, accuracy: 1.5 } }, key)).toBeUndefined();
    expect(toSettled({ kind: 'found', place: { ...stored.place, source: '' } }, key)).toBeUndefined();
    expect(toSettled({ kind: 'found', place: { ...stored.place, source: 'x'.repeat(256) } }, key)).toBeUndefined();
  });

  it('is kept under a key prefix of its own version, so a value of the earlier shape is never read', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis?.keyPrefix).toBe('postal-distance:v3:');
  });
});
