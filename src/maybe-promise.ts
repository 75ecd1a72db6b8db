// Values often ready at once (a cached postal code): graphql-js completes a plain value without the machinery a
// promise needs, so these helpers go async only when they must.
export type MaybePromise<T> = T | Promise<T>;

/** `Promise.all`, but the same array back, synchronously, when no value is a promise. */
export function all<T>(values: readonly MaybePromise<T>[]): MaybePromise<readonly T[]> {
  for (const value of values) if (value instanceof Promise) return Promise.all(values);
  return values as readonly T[];
}

/** `value.then(fn)`, or `fn(value)` at once. Not named `then`: `await import()` would call a module's `then`. */
export function andThen<T, R>(value: MaybePromise<T>, fn: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}
