/**
 * Values that are often ready at once. A cached postal code is answered synchronously, and
 * graphql-js completes a plain value without the promise machinery it needs for a promise
 * (measured in the README's Performance section), so these helpers only go async when they must.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `Promise.all`, but the same array back, synchronously, when no value is a promise. */
export function all<T>(values: readonly MaybePromise<T>[]): MaybePromise<readonly T[]> {
  for (const value of values) if (value instanceof Promise) return Promise.all(values);
  // No element is a promise: checked just above.
  return values as readonly T[];
}

/**
 * `value.then(fn)`, or `fn(value)` at once when the value is ready. Not named `then`: a module
 * exporting `then` is a thenable, and `await import()` of it would call it.
 */
export function andThen<T, R>(value: MaybePromise<T>, fn: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}
