/**
 * GeoNames' postal-code export as its readme lays it out: UTF-8, one row per line (LF or CRLF), no
 * header, tab-separated columns in this order; the last, accuracy, may be blank or absent. This
 * folder owns the format and imports nothing of the service, so the data command and loader share it.
 */

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

export const COLUMNS = 12;
export const MIN_COLUMNS = COLUMNS - 1;

/** The longest line in bytes, line break excluded: the readme's column widths stay under 1,800 in any script. */
export const MAX_LINE_BYTES = 2048;

export const TAB = 0x09;
export const NEWLINE = 0x0a;
export const CARRIAGE_RETURN = 0x0d;
/** Bytes below this, other than TAB, are control characters; so is DEL. */
export const FIRST_PRINTABLE = 0x20;
export const DELETE = 0x7f;
