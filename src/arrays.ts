/** Checked reads where the code knows the bounds: a missing item is a bug, thrown, not carried on as `undefined`. */

/** `array[index]`; throws a RangeError when there is no such item. */
export function at<T>(array: ArrayLike<T>, index: number): T {
  const value = array[index];
  if (value === undefined) throw new RangeError(`index ${index} is out of range [0, ${array.length})`);
  return value;
}
