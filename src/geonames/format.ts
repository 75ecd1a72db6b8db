/**
 * GeoNames' postal-code export, as its readme lays it out: UTF-8 text, one row per line (LF, or
 * CRLF), no header, tab-separated columns in this order. The accuracy column may be blank, and a
 * file may leave it out altogether (11 columns); nothing follows it.
 *
 * This folder owns the format: reading lines from chunks (lines.ts), numbers (degrees.ts), what a
 * row is (row.ts), and the country codes (country-codes.ts). It imports nothing of the service, so
 * the data command and the loader share it.
 */

/** Column indices. */
export const COLUMN = {
  country: 0,
  postalCode: 1,
  placeName: 2,
  adminName1: 3,
  adminCode1: 4,
  adminName2: 5,
  adminCode2: 6,
  adminName3: 7,
  adminCode3: 8,
  latitude: 9,
  longitude: 10,
  accuracy: 11,
} as const;

/** Columns of a full row. */
export const COLUMNS = 12;
/** Columns of a row without its (last, optional) accuracy column. */
export const MIN_COLUMNS = COLUMNS - 1;

/**
 * The longest line a file may have, in bytes, without its line break. The readme's column widths
 * (a place name of 180 characters, admin names of 100, codes of 20) come to about 600 characters,
 * under 1,800 bytes even in a three-byte script; real rows are under 200 bytes. A longer line is
 * refused as soon as it passes this length, so no reader ever buffers more of one.
 */
export const MAX_LINE_BYTES = 2048;

export const TAB = 0x09;
export const NEWLINE = 0x0a;
export const CARRIAGE_RETURN = 0x0d;
/** Bytes below this, other than TAB, are control characters; so is DEL. */
export const FIRST_PRINTABLE = 0x20;
export const DELETE = 0x7f;
