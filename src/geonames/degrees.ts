/**
 * Latitudes and longitudes as GeoNames writes them: decimal degrees, `52.5323`, `-118.4065`, `48`.
 * Nothing else is a number here: no exponent (`1e1`), no hexadecimal (`0x30`, which `Number` reads
 * as 48), no spaces around it, no `Infinity`, no bare point (`1.`, `.5`). The data command's check
 * and the loader both read coordinates with this, so a file the check accepted loads as checked.
 */

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** 10^0 … 10^15, written out: each is an exact double (as is any power of ten up to 10^22). */
const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15] as const;

/**
 * The number `buf[start, end)` holds, if it is `[+-]digits[.digits]`; NaN otherwise (a blank too).
 *
 * Parsed from the bytes, without making a string: a decimal of at most 15 digits is an exact
 * integer divided by an exact power of ten, and IEEE division rounds that quotient correctly, as
 * `Number` rounds the decimal: the same double. Longer ones (rare) go to `Number`, given only text
 * that is already known to be a plain decimal.
 */
export function parseDegrees(buf: Buffer, start: number, end: number): number {
  let i = start;
  const sign = start < end ? buf[start] : undefined;
  if (sign === MINUS || sign === PLUS) i++;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1; // -1 until the decimal point
  for (; i < end; i++) {
    const b = buf[i] ?? 0;
    if (b >= DIGIT_0 && b <= DIGIT_9) {
      mantissa = mantissa * 10 + (b - DIGIT_0);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (b === DOT && decimals < 0 && digits > 0) {
      decimals = 0;
    } else {
      return Number.NaN;
    }
  }
  // No digits at all, or none after the point.
  if (digits === 0 || decimals === 0) return Number.NaN;
  if (digits > 15) return Number(buf.toString('latin1', start, end));
  const value = decimals > 0 ? mantissa / (POWERS_OF_TEN[decimals] ?? Number.NaN) : mantissa;
  return sign === MINUS ? -value : value;
}
