import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../src/server/response-cache.js';

function setup(maxBytes = 100_000, ttlMs = 60_000) {
  let now = 1_000_000; // lru-cache reads a start time of 0 as "no TTL"
  const cache = new ResponseCache({ maxBytes, ttlMs, perf: { now: () => now } });
  return { cache, advance: (ms: number) => void (now += ms) };
}

const POST = { method: 'POST', headers: { accept: 'application/json' } };
const DAY = [['content-type', 'application/json; charset=utf-8'], ['cache-control', 'max-age=86400, public']] as const;
const body = (n: number) => `{"data":{"n":${n}}}`;

describe('ResponseCache', () => {
  it('keys a POST by its Accept header and exact body, and never a GET or a traced request', () => {
    const { cache } = setup();
    const raw = Buffer.from('{"query":"{ a }"}');
    const key = cache.keyOf(POST, raw);
    expect(key).toMatch(/^application\/json\n[\w+/]{43}=$/); // the Accept header, then a SHA-256 of the body in base64
    expect(cache.keyOf(POST, Buffer.from('{"query":"{ a }"}'))).toBe(key);
    expect(cache.keyOf(POST, Buffer.from('{"query":"{ a } "}'))).not.toBe(key);
    expect(cache.keyOf({ ...POST, headers: {} }, raw)).not.toBe(key);
    expect(cache.keyOf({ ...POST, method: 'GET' }, raw)).toBeNull();
    expect(cache.keyOf({ ...POST, headers: { 'apollo-federation-include-trace': 'ftv1' } }, raw)).toBeNull();
    expect(cache.keyOf(POST, undefined)).toBeNull();
  });

  it('keeps a response only once its request is seen a second time', () => {
    const { cache } = setup();
    expect(cache.offer('k', 200, DAY, body(1), 'Op')).toBe(false);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.offer('k', 200, DAY, body(1), 'Op')).toBe(true);
    expect(cache.get('k')?.body).toBe(body(1));
  });

  it.each([
    ['a non-200 status', 400, DAY],
    ['no-store', 200, [['cache-control', 'no-store']]],
    ['max-age=0', 200, [['cache-control', 'max-age=0, public']]],
    ['a private response', 200, [['cache-control', 'max-age=60, private']]],
    ['no Cache-Control', 200, [['content-type', 'application/json']]],
  ] as const)('keeps nothing with %s', (_, status, headers) => {
    const { cache } = setup();
    for (let i = 0; i < 3; i++) expect(cache.offer('k', status, headers, body(1), 'Op')).toBe(false);
    expect(cache.get('k')).toBeUndefined();
  });

  it('keeps an entry for the smaller of its max-age and the configured TTL, and says how old it is', () => {
    const { cache, advance } = setup(100_000, 60_000);
    const offerTwice = (key: string, headers: readonly (readonly [string, string])[], text: string) => {
      cache.offer(key, 200, headers, text, 'Op');
      return cache.offer(key, 200, headers, text, 'Op');
    };
    expect(offerTwice('long', DAY, body(1))).toBe(true);
    expect(offerTwice('short', [['cache-control', 'max-age=5, public']], body(2))).toBe(true);
    advance(4_000);
    expect(cache.ageSeconds(cache.get('short')!)).toBe(4);
    advance(2_000);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')?.body).toBe(body(1));
    advance(55_000);
    expect(cache.get('long')).toBeUndefined();
  });

  it('stays within its byte budget, evicting the least recently used, and skips a response over a sixteenth of it', () => {
    const { cache } = setup(16 * 1_000);
    const big = 'x'.repeat(700); // 700 + key + 256 overhead: about 1 kB an entry, 16 fit
    for (let i = 0; i < 20; i++) for (let twice = 0; twice < 2; twice++) cache.offer(`k${i}`, 200, DAY, big, 'Op');
    expect(cache.bytes).toBeLessThanOrEqual(16_000);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k19')).toBeDefined();
    cache.offer('huge', 200, DAY, 'x'.repeat(1_000), 'Op');
    expect(cache.offer('huge', 200, DAY, 'x'.repeat(1_000), 'Op')).toBe(false);
  });

  it('refuses a budget of zero bytes', () => {
    expect(() => new ResponseCache({ maxBytes: 0, ttlMs: 1 })).toThrow(/maxBytes must be positive, got 0/);
  });
});
