import { describe, expect, it } from 'vitest';
import { all, andThen } from '../../src/maybe-promise.js';

describe('maybe-promise', () => {
  it('all: the same array, synchronously, when nothing is a promise', () => {
    const values = [1, 2, 3];
    expect(all(values)).toBe(values);
  });

  it('all: one promise of every value, in order, when any is a promise', async () => {
    const result = all([1, Promise.resolve(2), 3]);
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toEqual([1, 2, 3]);
  });

  it('andThen: applies at once to a ready value, after settling to a promise', async () => {
    expect(andThen(2, (n) => n * 10)).toBe(20);
    const later = andThen(Promise.resolve(2), (n) => n * 10);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(20);
  });
});
