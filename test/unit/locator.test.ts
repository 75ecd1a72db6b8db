import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { found, notFound, type GeocodeResult } from '../../src/geocoding/geocoder.js';
import { Locator, type LocatorOptions } from '../../src/geocoding/locator.js';
import type { Place } from '../../src/postal/place.js';
import type { PostalKey } from '../../src/postal/postal-code.js';
import { CountingGeocoder, ScriptedGeocoder } from '../support/counting-geocoder.js';

const silent = pino({ level: 'silent' });
const place = (key: PostalKey): Place => ({ ...key, matchedPostalCode: key.postalCode, precision: 'POSTAL_CODE', latitude: 1, longitude: 2, placeName: 'P', adminName: null, adminCode: null, accuracy: null, source: 'test' });

/** Codes starting with 0 are unknown; everything else is found. */
const byPrefix = (key: PostalKey): GeocodeResult => (key.postalCode.startsWith('0') ? notFound() : found(place(key)));

function setup(answer = byPrefix, options: Partial<LocatorOptions> = {}) {
  let now = 1_000_000; // lru-cache reads a start time of 0 as "no TTL"
  const geocoder = new CountingGeocoder(new ScriptedGeocoder(answer));
  const locator = new Locator(
    geocoder,
    { maxEntries: 1000, ttlMs: 10_000, notFoundTtlMs: 1_000, batchWindowMs: 0, clock: { now: () => now }, ...options },
    silent,
  );
  return { geocoder, locator, lookups: locator.forOperation(), advance: (ms: number) => void (now += ms) };
}

describe('Locator', () => {
  it('batches the lookups of one tick into one geocoder call, each unique code once', async () => {
    const { geocoder, lookups } = setup();
    const codes = ['10001', '90210', '10001', '60601', ' 90210 '];
    const results = await Promise.all(codes.map((code) => lookups.locate(code, 'US')));
    expect(results.filter((r) => r instanceof AppError)).toEqual([]);
    expect(geocoder.batches).toEqual([['US10001', 'US90210', 'US60601']]);
  });

  it('keys by the canonical full code: two full codes are two entries, one code spelled two ways is one', async () => {
    const { geocoder, lookups } = setup();
    const asked = [['SW1A 1AA', 'GB'], ['sw1a2aa', 'gb'], ['SW1A-1AA', 'GB'], ['90210-1234', 'US'], ['902101234', 'US'], ['90210', 'US']] as const;
    const results = await Promise.all(asked.map(([code, country]) => lookups.locate(code, country)));
    expect(results.map((r) => (r instanceof AppError ? r.code : r.postalCode))).toEqual(['SW1A 1AA', 'SW1A 2AA', 'SW1A 1AA', '90210-1234', '90210-1234', '90210']);
    expect(geocoder.batches).toEqual([['GBSW1A 1AA', 'GBSW1A 2AA', 'US90210-1234', 'US90210']]);
    await lookups.locate('sw1a 2aa', 'GB');
    expect(geocoder.batches).toHaveLength(1);
  });

  it('answers repeated codes from the cache across calls', async () => {
    const { geocoder, lookups } = setup();
    await lookups.locate('10001', 'US');
    await lookups.locate('10001', 'US');
    await lookups.locate('00000', 'US');
    await lookups.locate('00000', 'US');
    expect(geocoder.batches).toEqual([['US10001'], ['US00000']]);
  });

  it('answers a fresh cached code synchronously, and an expired one through the geocoder again', async () => {
    const { geocoder, lookups, advance } = setup();
    const first = lookups.locate('10001', 'US');
    expect(first).toBeInstanceOf(Promise);
    const cold = await first;
    const hit = lookups.locate('10001', 'US');
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toBe(cold);
    await lookups.locate('00000', 'US');
    const unknown = lookups.locate('00000', 'US');
    expect(unknown).not.toBeInstanceOf(Promise);
    expect(unknown).toMatchObject({ code: 'POSTAL_CODE_NOT_FOUND' });
    advance(10_001);
    const expired = lookups.locate('10001', 'US');
    expect(expired).toBeInstanceOf(Promise);
    await expired;
    expect(geocoder.batches).toEqual([['US10001'], ['US00000'], ['US10001']]);
  });

  it('shares one in-flight lookup between calls made in different ticks', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const geocoder = new CountingGeocoder({
      name: 'slow',
      maxBatchSize: Infinity,
      ready: async () => {},
      geocode: async (keys) => {
        await gate;
        return keys.map((k) => found(place(k)));
      },
    });
    const lookups = new Locator(geocoder, { maxEntries: 10, ttlMs: 1000, notFoundTtlMs: 1000, batchWindowMs: 0 }, silent).forOperation();
    const first = lookups.locate('10001', 'US');
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is now in flight
    const second = lookups.locate('10001', 'US');
    release();
    expect(await first).toEqual(await second);
    expect(geocoder.batches).toEqual([['US10001']]);
  });

  it('keeps not-found answers for the shorter TTL and found ones for the longer', async () => {
    const { geocoder, lookups, advance } = setup();
    await Promise.all([lookups.locate('10001', 'US'), lookups.locate('00000', 'US')]);
    advance(1_001);
    await Promise.all([lookups.locate('10001', 'US'), lookups.locate('00000', 'US')]);
    advance(9_000);
    await Promise.all([lookups.locate('10001', 'US'), lookups.locate('00000', 'US')]);
    // At 1,001 ms only the not-found answer has lapsed; at 10,001 ms the found one has too (and the not-found again).
    expect(geocoder.batches).toEqual([['US10001', 'US00000'], ['US00000'], ['US10001', 'US00000']]);
  });

  it('reports unknown codes as POSTAL_CODE_NOT_FOUND, with the provider reason', async () => {
    const { lookups } = setup(() => notFound('no embedded data for country FR is loaded'));
    const result = await lookups.locate('75013', 'FR');
    expect(result).toBeInstanceOf(AppError);
    expect((result as AppError).code).toBe('POSTAL_CODE_NOT_FOUND');
    expect((result as AppError).message).toBe('Postal code "75013" was not found in FR: no embedded data for country FR is loaded.');
  });

  it('rejects malformed input before asking the geocoder', async () => {
    const { geocoder, lookups } = setup();
    const results = await Promise.all([lookups.locate('abc', 'US'), lookups.locate('10001', 'XX'), lookups.locate('', 'US')]);
    expect(results.map((r) => (r as AppError).code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(geocoder.batches).toEqual([]);
  });

  it('never caches a failure: the next call asks again', async () => {
    let fail = true;
    const { geocoder, lookups } = setup((key) =>
      fail ? { kind: 'error', error: new AppError('GEOCODER_UNAVAILABLE', 'down') } : found(place(key)),
    );
    expect(((await lookups.locate('10001', 'US')) as AppError).code).toBe('GEOCODER_UNAVAILABLE');
    fail = false;
    expect(await lookups.locate('10001', 'US')).toMatchObject({ postalCode: '10001' });
    expect(geocoder.batches).toEqual([['US10001'], ['US10001']]);
  });

  it('turns a geocoder that throws or answers the wrong number of results into GEOCODER_UNAVAILABLE for that batch', async () => {
    const broken = (answer: () => Promise<readonly GeocodeResult[]>) =>
      new Locator({ name: 'broken', maxBatchSize: Infinity, ready: async () => {}, geocode: answer }, { maxEntries: 10, ttlMs: 1, notFoundTtlMs: 1, batchWindowMs: 0 }, silent);
    const throwing = broken(async () => {
      throw new Error('socket hang up');
    });
    const short = broken(async () => []);
    for (const locator of [throwing, short]) {
      const result = await locator.forOperation().locate('10001', 'US');
      expect(result).toBeInstanceOf(AppError);
      expect((result as AppError).code).toBe('GEOCODER_UNAVAILABLE');
      expect((result as AppError).message).not.toMatch(/socket|hang|results for/);
    }
  });

  it('waits for the batch window so lookups from separate operations share one batch', async () => {
    const { geocoder, lookups } = setup(byPrefix, { batchWindowMs: 20 });
    const first = lookups.locate('10001', 'US');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = lookups.locate('90210', 'US');
    await Promise.all([first, second]);
    expect(geocoder.batches).toEqual([['US10001', 'US90210']]);
  });

  describe('stale-on-error', () => {
    /** Found until `fail` is set, then every lookup fails as the provider would. */
    function failing(options: Partial<LocatorOptions> = {}) {
      const state = { fail: false };
      const env = setup((key) => (state.fail ? { kind: 'error', error: new AppError('GEOCODER_UNAVAILABLE', 'down') } : byPrefix(key)), { staleMaxMs: 5_000, ...options });
      const stale: string[] = [];
      const listener = { staleLocation: (key: PostalKey) => stale.push(`${key.countryCode}${key.postalCode}`) };
      return { ...env, state, stale, lookup: env.locator.forOperation({ listener }) };
    }

    it('serves an expired answer when the provider fails, tells the listener, and asks again next time', async () => {
      const { geocoder, state, stale, lookup, advance } = failing();
      const fresh = await lookup.locate('10001', 'US');
      advance(10_001);
      state.fail = true;
      expect(await lookup.locate('10001', 'US')).toEqual(fresh);
      expect(stale).toEqual(['US10001']);
      // The failure was not cached and the expired answer was kept: the next call asks again, and gets it again.
      expect(await lookup.locate('10001', 'US')).toEqual(fresh);
      state.fail = false;
      expect(await lookup.locate('10001', 'US')).toEqual(fresh);
      expect(stale).toEqual(['US10001', 'US10001']);
      expect(geocoder.batches).toEqual([['US10001'], ['US10001'], ['US10001'], ['US10001']]);
    });

    it('serves expired not-found answers the same way', async () => {
      const { state, stale, lookup, advance } = failing();
      await lookup.locate('00000', 'US');
      advance(1_001);
      state.fail = true;
      expect(((await lookup.locate('00000', 'US')) as AppError).code).toBe('POSTAL_CODE_NOT_FOUND');
      expect(stale).toEqual(['US00000']);
    });

    it('tells every caller that shared the failed lookup', async () => {
      const { geocoder, state, stale, lookup, advance } = failing();
      await lookup.locate('10001', 'US');
      advance(10_001);
      state.fail = true;
      const results = await Promise.all([lookup.locate('10001', 'US'), lookup.locate('10001', 'US'), lookup.locate(' 10001 ', 'US')]);
      expect(results.filter((r) => r instanceof AppError)).toEqual([]);
      expect(stale).toEqual(['US10001', 'US10001', 'US10001']);
      expect(geocoder.batches).toEqual([['US10001'], ['US10001']]);
    });

    it('gives up on an answer more than staleMaxMs past its TTL', async () => {
      const { state, stale, lookup, advance } = failing({ staleMaxMs: 1_000 });
      await lookup.locate('10001', 'US');
      advance(10_000 + 1_001);
      state.fail = true;
      expect(((await lookup.locate('10001', 'US')) as AppError).code).toBe('GEOCODER_UNAVAILABLE');
      expect(stale).toEqual([]);
    });

    it('never serves stale when staleMaxMs is 0, nor warns about fresh answers', async () => {
      const { state, stale, lookup, advance } = failing({ staleMaxMs: 0 });
      await lookup.locate('10001', 'US');
      await lookup.locate('10001', 'US');
      expect(stale).toEqual([]);
      advance(10_001);
      state.fail = true;
      expect(((await lookup.locate('10001', 'US')) as AppError).code).toBe('GEOCODER_UNAVAILABLE');
    });

    it('reports a failure with nothing cached as that failure, to every caller', async () => {
      const { state, lookup } = failing();
      state.fail = true;
      const results = await Promise.all([lookup.locate('10001', 'US'), lookup.locate('10001', 'US')]);
      expect(results.map((r) => (r as AppError).code)).toEqual(['GEOCODER_UNAVAILABLE', 'GEOCODER_UNAVAILABLE']);
    });
  });

  it('keeps not-found answers apart: a flood of unknown codes evicts none of the places real traffic uses', async () => {
    const { geocoder, lookups } = setup(byPrefix, { maxEntries: 100, notFoundMaxEntries: 10 });
    const known = Array.from({ length: 100 }, (_, i) => String(10_000 + i));
    await Promise.all(known.map((code) => lookups.locate(code, 'US')));
    await Promise.all(Array.from({ length: 5_000 }, (_, i) => lookups.locate(String(i).padStart(5, '0'), 'US')));
    const asked = geocoder.keysAsked;
    await Promise.all(known.map((code) => lookups.locate(code, 'US')));
    expect(geocoder.keysAsked).toBe(asked); // every one of the 100 still cached
  });

  it('bounds found places by bytes as well as by count, so long names cannot fill the heap', async () => {
    const long = (key: PostalKey): GeocodeResult => found({ ...place(key), placeName: 'x'.repeat(200), adminName: 'y'.repeat(200) });
    // Each entry is about 300 + 2 × 420 bytes: 100 KB holds fewer than 100 of them.
    const { geocoder, lookups } = setup(long, { maxEntries: 10_000, maxBytes: 100_000 });
    const codes = Array.from({ length: 200 }, (_, i) => String(20_000 + i));
    await Promise.all(codes.map((code) => lookups.locate(code, 'US')));
    const asked = geocoder.keysAsked;
    await Promise.all(codes.map((code) => lookups.locate(code, 'US')));
    const evicted = geocoder.keysAsked - asked;
    expect(evicted).toBeGreaterThan(100);
    expect(evicted).toBeLessThan(200);
  });

  it('answers from memory at once when the geocoder can (no promise, no batch, no cache), and batches only the rest', async () => {
    const inMemory = place({ countryCode: 'US', postalCode: '10001' });
    const geocoder = new CountingGeocoder(new ScriptedGeocoder(byPrefix));
    // Memory knows 10001 and lacks the rest; a geocoder follows it in the chain.
    const memory = { locate: (key: PostalKey) => (key.postalCode === '10001' ? inMemory : null), missingReason: () => undefined, final: false };
    const lookups = new Locator(geocoder, { maxEntries: 100, ttlMs: 10_000, notFoundTtlMs: 1_000, batchWindowMs: 0, memory }, silent).forOperation();
    expect(lookups.locate('10001', 'US')).toBe(inMemory); // the very object, synchronously
    expect(geocoder.batches).toEqual([]);
    await Promise.all([lookups.locate('10001', 'US'), lookups.locate('90210', 'US'), lookups.locate('60601', 'US')]);
    expect(geocoder.batches).toEqual([['US90210', 'US60601']]);
  });

  it('answers a code memory lacks as not found, with its reason, when nothing follows memory in the chain', async () => {
    const geocoder = new CountingGeocoder(new ScriptedGeocoder(byPrefix));
    const memory = { locate: () => null, missingReason: (cc: string) => (cc === 'DE' ? 'no data for DE' : undefined), final: true };
    const lookups = new Locator(geocoder, { maxEntries: 100, ttlMs: 10_000, notFoundTtlMs: 1_000, batchWindowMs: 0, memory }, silent).forOperation();
    expect((lookups.locate('10115', 'DE') as AppError).message).toBe('Postal code "10115" was not found in DE: no data for DE.');
    expect((lookups.locate('10001', 'US') as AppError).message).toBe('Postal code "10001" was not found in US.');
    expect(geocoder.batches).toEqual([]);
  });

  it('asks the chain while memory has nothing loaded yet', async () => {
    const geocoder = new CountingGeocoder(new ScriptedGeocoder(byPrefix));
    const memory = { locate: () => undefined, missingReason: () => undefined, final: true };
    const lookups = new Locator(geocoder, { maxEntries: 100, ttlMs: 10_000, notFoundTtlMs: 1_000, batchWindowMs: 0, memory }, silent).forOperation();
    expect(await lookups.locate('10001', 'US')).toMatchObject({ postalCode: '10001' });
    expect(geocoder.batches).toEqual([['US10001']]);
  });
});
