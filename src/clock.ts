/** Monotonic time in ms. `performance` is the default wherever one is taken; tests inject their own. */
export interface Clock {
  now(): number;
}
