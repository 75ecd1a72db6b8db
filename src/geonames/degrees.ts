/**
 * Latitudes and longitudes as GeoNames writes them, `[+-]digits[.digits]` only (not `1e1`, `0x30`,
 * which `Number` reads as 48, spaces, `Infinity`, `.5`); the data command's check and the loader share it.
 */

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

// Each is an exact double (as is every power of ten up to 10^22).
const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15] as const;

/**
 * The number `buf[start, end)` holds, or NaN (a blank too). Up to 15 digits, parsed from the bytes:
 * an exact integer over an exact power of ten, which IEEE division rounds as `Number` would.
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
  if (digits === 0 || decimals === 0) return Number.NaN;
  if (digits > 15) return Number(buf.toString('latin1', start, end));
  const value = decimals > 0 ? mantissa / (POWERS_OF_TEN[decimals] ?? Number.NaN) : mantissa;
  return sign === MINUS ? -value : value;
}
