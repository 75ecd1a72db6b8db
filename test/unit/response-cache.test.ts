import { describe, expect, it } from 'vitest';
import type { ResponsePolicy } from '../../src/graphql/operation/cache-policy.js';
import { ResponseCache } from '../../src/server/http/response-cache.js';

function setup(maxBytes = 100_000, ttlMs = 60_000) {
  let now = 1_000_000; // lru-cache reads a start time of 0 as "no TTL"
  const cache = new ResponseCache({ maxBytes, ttlMs, clock: { now: () => now } });
  return { cache, advance: (ms: number) => void (now += ms) };
}

const POST = { method: 'POST', headers: { accept: 'application/json' } };
const DAY: ResponsePolicy = { maxAge: 86_400, scope: 'PUBLIC' };
const HEADERS = [['content-type', 'application/json; charset=utf-8'], ['cache-control', 'max-age=86400, public']] as const;
const body = (n: number) => `{"data":{"n":${n}}}`;
const response = (status: number, policy: ResponsePolicy, text: string) => ({ status, headers: HEADERS, body: text, policy, operation: 'Op' });

describe('ResponseCache', () => {
  it('keys a POST by its Accept header and exact body, and never a GET or a traced request', () => {
    const { cache } = setup();
    const raw = Buffer.from('{"query":"{ a }"}');
    const key = cache.keyOf(POST, raw);
    expect(key).toMatch(/^0\napplication\/json\n[\w+/]{43}=$/); // the clears so far, the Accept header, then a SHA-256 of the body in base64
    expect(cache.keyOf(POST, Buffer.from('{"query":"{ a }"}'))).toBe(key);
    expect(cache.keyOf(POST, Buffer.from('{"query":"{ a } "}'))).not.toBe(key);
    expect(cache.keyOf({ ...POST, headers: {} }, raw)).not.toBe(key);
    expect(cache.keyOf({ ...POST, method: 'GET' }, raw)).toBeNull();
    expect(cache.keyOf({ ...POST, headers: { 'apollo-federation-include-trace': 'ftv1' } }, raw)).toBeNull();
    expect(cache.keyOf(POST, undefined)).toBeNull();
  });

  it('keeps a response only once its request is seen a second time', () => {
    const { cache } = setup();
    expect(cache.offer('k', response(200, DAY, body(1)))).toBe(false);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.offer('k', response(200, DAY, body(1)))).toBe(true);
    expect(cache.get('k')?.body).toBe(body(1));
  });

  it.each([
    ['a non-200 status', 400, DAY],
    ['max-age 0 (no-store)', 200, { maxAge: 0, scope: 'PUBLIC' }],
    ['a private response', 200, { maxAge: 60, scope: 'PRIVATE' }],
  ] as const)('keeps nothing with %s', (_, status, policy) => {
    const { cache } = setup();
    for (let i = 0; i < 3; i++) expect(cache.offer('k', response(status, policy, body(1)))).toBe(false);
    expect(cache.get('k')).toBeUndefined();
  });

  it('keeps an entry for the smaller of its max-age and the configured TTL, and says how old it is', () => {
    const { cache, advance } = setup(100_000, 60_000);
    const offerTwice = (key: string, policy: ResponsePolicy, text: string) => {
      cache.offer(key, response(200, policy, text));
      return cache.offer(key, response(200, policy, text));
    };
    expect(offerTwice('long', DAY, body(1))).toBe(true);
    expect(offerTwice('short', { maxAge: 5, scope: 'PUBLIC' }, body(2))).toBe(true);
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
    for (let i = 0; i < 20; i++) for (let twice = 0; twice < 2; twice++) cache.offer(`k${i}`, response(200, DAY, big));
    expect(cache.bytes).toBeLessThanOrEqual(16_000);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k19')).toBeDefined();
    cache.offer('huge', response(200, DAY, 'x'.repeat(1_000)));
    expect(cache.offer('huge', response(200, DAY, 'x'.repeat(1_000)))).toBe(false);
  });

  it('forgets every response when cleared, and never stores one computed before the clear under a key asked after it', () => {
    const { cache } = setup();
    const raw = Buffer.from('{"query":"{ a }"}');
    const before = cache.keyOf(POST, raw)!;
    cache.offer(before, response(200, DAY, body(1)));
    cache.offer(before, response(200, DAY, body(1)));
    expect(cache.get(before)?.body).toBe(body(1));
    cache.clear();
    expect(cache.get(before)).toBeUndefined();
    // A request that began before the clear finishes after it, with a response from the old data.
    cache.offer(before, response(200, DAY, body(1)));
    const after = cache.keyOf(POST, raw)!;
    expect(after).not.toBe(before);
    expect(cache.get(after)).toBeUndefined();
  });

  it('refuses a budget of zero bytes', () => {
    expect(() => new ResponseCache({ maxBytes: 0, ttlMs: 1 })).toThrow(/maxBytes must be positive, got 0/);
  });
});
