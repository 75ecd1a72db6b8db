/**
 * Checked reads for arrays whose bounds the code knows: an index out of range is a bug, thrown as
 * one instead of read as `undefined` (or papered over as 0) and carried on as data.
 */

/** `array[index]`; throws a RangeError when there is no such item. */
export function at<T>(array: ArrayLike<T>, index: number): T {
  const value = array[index];
  if (value === undefined) throw new RangeError(`index ${index} is out of range [0, ${array.length})`);
  return value;
}
