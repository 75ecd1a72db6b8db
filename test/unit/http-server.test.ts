import { describe, expect, it } from 'vitest';
import { checkingIntervalMs } from '../../src/server/http/server.js';

describe('how often Node looks for requests past their deadlines', () => {
  it('is a tenth of the shorter timeout, at most 1 s and at least 50 ms', () => {
    expect(checkingIntervalMs({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 })).toBe(1_000);
    expect(checkingIntervalMs({ requestTimeoutMs: 3_000, headersTimeoutMs: 2_000 })).toBe(200);
    expect(checkingIntervalMs({ requestTimeoutMs: 100, headersTimeoutMs: 100 })).toBe(50);
  });
});
