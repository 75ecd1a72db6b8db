/**
 * Writes a synthetic GeoNames postal-code file, for measuring start-up on a file the size of
 * allCountries.txt (about 1.5 million rows) without downloading it (this machine has no internet).
 *
 * Format, as GeoNames ships it: UTF-8, tab-separated, no header, 12 columns per row: country code,
 * postal code, place name, admin name1, admin code1, admin name2, admin code2, admin name3,
 * admin code3, latitude, longitude, accuracy (blank on some rows, as in the real data).
 *
 * What makes it realistic enough to measure the parser and the index on:
 *  - ~90 countries, with row counts weighted roughly like allCountries.txt (JP, PT, IN, MX large;
 *    microstates a handful), each with a plausible code format: mostly 4–6 digits, and
 *    `123-4567` (JP), `1000-001` (PT), `00-001` (PL), `100 00` (CZ, SE…), `LV-1001`, `A1A` (CA),
 *    outward codes such as `SW1A` (GB) and Eircode routing keys (IE).
 *  - Place names from per-country syllables, some with diacritics and some in Cyrillic, each used
 *    by about three codes (a town has several codes); admin names repeat within a country, and
 *    codes are sorted and grouped by admin area as in the real files.
 *  - Coordinates with four decimals, clustered around each admin area inside the country's box.
 *
 * Every code is unique in its country *after the service's normalization* (src/geocoding/postal-code.ts):
 * countries whose data the service keys by a prefix (CA, GB, IE, MT, NL) get codes already in that
 * cut form, and no other format contains anything the normalization changes. So every row is indexed:
 * the worst case for memory. US is left out, because the bundled US file is loaded first (the real
 * allCountries.txt does contain US; loading both, its ~41k US rows replace the bundled ones in place).
 *
 * Deterministic: the same `rows` and `seed` always give the same bytes.
 *
 * CLI: node dist-bench/bench/synthetic-geonames.js [--rows N] [--seed S] [--out FILE]
 *      (default: 1,500,000 rows, seed 1, a file under os.tmpdir(); never inside the repository).
 */
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** Bump when the output for a given rows/seed changes, so cached files under tmpdir are not reused. */
const GENERATOR_VERSION = 1;

export const DEFAULT_ROWS = 1_500_000;

/** Where a file for these parameters goes by default: outside the repository, named by everything that changes its bytes. */
export function defaultSyntheticFile(rows = DEFAULT_ROWS, seed = 1): string {
  return path.join(tmpdir(), `geonames-synthetic-v${GENERATOR_VERSION}-${rows}-seed${seed}.txt`);
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** sfc32: small, fast, good enough for test data, and the same on every platform (unlike Math.random). */
function prng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next(); // mix the seed in before the first value is used
  return next;
}

type Random = () => number;
const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
const int = (rnd: Random, min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));

// ---------------------------------------------------------------------------------------------
// Postal-code formats: each maps 0 ≤ v < capacity to a distinct code, so distinct v give distinct codes.

interface CodeFormat {
  readonly capacity: number;
  code(v: number): string;
}

const pad = (v: number, width: number): string => String(v).padStart(width, '0');

/** `width` digits from `min` upwards, e.g. digits(4, 1000) is 1000–9999. */
const digits = (width: number, min = 0): CodeFormat => ({ capacity: 10 ** width - min, code: (v) => pad(v + min, width) });

/** Two digit groups joined by `sep`, e.g. JP 123-4567, PT 1000-001, CZ 100 00, PL 00-001. */
const grouped = (first: number, firstMin: number, sep: string, second: number, prefix = ''): CodeFormat => ({
  capacity: (10 ** first - firstMin) * 10 ** second,
  code: (v) => `${prefix}${pad(Math.floor(v / 10 ** second) + firstMin, first)}${sep}${pad(v % 10 ** second, second)}`,
});

/** A fixed prefix and digits: LV-1001, AD100, AZ 1000. */
const prefixed = (prefix: string, width: number, min = 0): CodeFormat => ({
  capacity: 10 ** width - min,
  code: (v) => `${prefix}${pad(v + min, width)}`,
});

/** Codes built from per-position alphabets (mixed radix): CA's `A1A`, MT's three letters, IE's routing keys. */
const positions = (...alphabets: string[]): CodeFormat => ({
  capacity: alphabets.reduce((n, a) => n * a.length, 1),
  code: (v) => {
    let out = '';
    for (let i = alphabets.length - 1; i >= 0; i--) {
      const alphabet = alphabets[i] as string;
      out = (alphabet[v % alphabet.length] as string) + out;
      v = Math.floor(v / alphabet.length);
    }
    return out;
  },
});

/**
 * UK-style outward codes (GB, and the Crown dependencies' JE, GG, IM): an area of one or two letters,
 * then a district 1–99, or a digit and a letter (SW1A). All match the service's GB rule unchanged.
 */
const outward = (areas: readonly string[]): CodeFormat => {
  const districts = [...Array.from({ length: 99 }, (_, i) => String(i + 1)), ...['1A', '1B', '1E', '1H', '1M', '1N', '1P', '1R', '1V', '1W', '1X', '1Y']];
  return { capacity: areas.length * districts.length, code: (v) => `${areas[Math.floor(v / districts.length)] as string}${districts[v % districts.length] as string}` };
};

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

// ---------------------------------------------------------------------------------------------
// Countries

type Script = 'latin' | 'cyrillic';

interface Country {
  readonly cc: string;
  /** Relative number of rows, roughly as in allCountries.txt. */
  readonly weight: number;
  readonly format: CodeFormat;
  /** Bounding box: south, north, west, east. */
  readonly box: readonly [number, number, number, number];
  /** Letters beyond ASCII that this country's names use (empty: plain ASCII). */
  readonly accents: string;
  readonly script?: Script;
  /** Admin level-1 areas (states, regions). */
  readonly admins: number;
  /** Admin codes: 'alpha' (two letters, e.g. BY) or 'numeric' (two digits, e.g. 09). */
  readonly adminCodes?: 'alpha' | 'numeric';
}

const d4 = digits(4, 1000);
const d5 = digits(5);
const d5from1000 = digits(5, 1000);
const d6 = digits(6, 100_000);

// One country per line: easier to scan than a formatted object per country.
const COUNTRIES: readonly Country[] = [
  { cc: 'JP', weight: 145_000, format: grouped(3, 100, '-', 4), box: [31, 45, 129, 145], accents: 'ōū', admins: 47, adminCodes: 'numeric' },
  { cc: 'PT', weight: 205_000, format: grouped(4, 1000, '-', 3), box: [37, 42, -9.5, -6.2], accents: 'ãõçáéíóúâêô', admins: 20, adminCodes: 'numeric' },
  { cc: 'IN', weight: 155_000, format: d6, box: [8, 33, 69, 92], accents: '', admins: 36, adminCodes: 'numeric' },
  { cc: 'MX', weight: 145_000, format: d5from1000, box: [15, 32, -117, -87], accents: 'áéíóúñ', admins: 32, adminCodes: 'numeric' },
  { cc: 'BR', weight: 90_000, format: grouped(5, 1000, '-', 3), box: [-33, 4, -73, -35], accents: 'ãõçáéíóúâê', admins: 27, adminCodes: 'numeric' },
  { cc: 'RU', weight: 44_000, format: d6, box: [43, 69, 28, 140], accents: '', script: 'cyrillic', admins: 83, adminCodes: 'numeric' },
  { cc: 'KR', weight: 40_000, format: d5, box: [34, 38, 126, 129.5], accents: '', admins: 17, adminCodes: 'numeric' },
  { cc: 'PL', weight: 40_000, format: grouped(2, 0, '-', 3), box: [49, 54.8, 14.2, 24.1], accents: 'ąćęłńóśźż', admins: 16, adminCodes: 'numeric' },
  { cc: 'RO', weight: 40_000, format: d6, box: [43.7, 48.2, 20.3, 29.6], accents: 'ăâîșț', admins: 42, adminCodes: 'alpha' },
  { cc: 'FR', weight: 39_000, format: d5from1000, box: [42.3, 51, -4.7, 8.2], accents: 'éèêàçôû', admins: 13, adminCodes: 'numeric' },
  { cc: 'ES', weight: 38_000, format: d5from1000, box: [36, 43.7, -9.2, 3.3], accents: 'áéíóúñ', admins: 17, adminCodes: 'alpha' },
  { cc: 'TR', weight: 36_000, format: d5from1000, box: [36, 42, 26, 44.5], accents: 'çğışöü', admins: 81, adminCodes: 'numeric' },
  { cc: 'UA', weight: 30_000, format: d5from1000, box: [44.4, 52.3, 22.2, 40.2], accents: '', script: 'cyrillic', admins: 25, adminCodes: 'numeric' },
  { cc: 'DE', weight: 23_000, format: d5from1000, box: [47.3, 55, 5.9, 15], accents: 'äöüß', admins: 16, adminCodes: 'alpha' },
  { cc: 'LT', weight: 22_000, format: prefixed('LT-', 5), box: [53.9, 56.4, 21, 26.8], accents: 'ąčęėįšųūž', admins: 10, adminCodes: 'numeric' },
  { cc: 'AR', weight: 20_000, format: d4, box: [-55, -22, -73, -53.6], accents: 'áéíóúñ', admins: 24, adminCodes: 'alpha' },
  { cc: 'IT', weight: 18_000, format: d5, box: [36.6, 47.1, 6.6, 18.5], accents: 'àèéìòù', admins: 20, adminCodes: 'numeric' },
  { cc: 'AT', weight: 18_000, format: d4, box: [46.4, 49, 9.5, 17.2], accents: 'äöüß', admins: 9, adminCodes: 'numeric' },
  { cc: 'SE', weight: 17_000, format: grouped(3, 100, ' ', 2), box: [55.3, 69, 11, 24.2], accents: 'åäö', admins: 21, adminCodes: 'numeric' },
  { cc: 'AU', weight: 16_000, format: d4, box: [-43.6, -10.7, 113, 153.6], accents: '', admins: 8, adminCodes: 'alpha' },
  { cc: 'CZ', weight: 15_000, format: grouped(3, 100, ' ', 2), box: [48.5, 51, 12.1, 18.9], accents: 'áčďéěíňóřšťúůýž', admins: 14, adminCodes: 'numeric' },
  { cc: 'TH', weight: 9_000, format: d5from1000, box: [5.6, 20.5, 97.3, 105.6], accents: '', admins: 77, adminCodes: 'numeric' },
  { cc: 'HR', weight: 7_000, format: d5from1000, box: [42.4, 46.6, 13.5, 19.4], accents: 'čćđšž', admins: 21, adminCodes: 'numeric' },
  { cc: 'LV', weight: 6_000, format: prefixed('LV-', 4, 1000), box: [55.7, 58.1, 21, 28.2], accents: 'āčēģīķļņšūž', admins: 36, adminCodes: 'numeric' },
  { cc: 'NO', weight: 5_000, format: d4, box: [58, 71, 4.6, 31], accents: 'æøå', admins: 11, adminCodes: 'numeric' },
  { cc: 'BG', weight: 5_000, format: d4, box: [41.2, 44.2, 22.4, 28.6], accents: '', script: 'cyrillic', admins: 28, adminCodes: 'alpha' },
  { cc: 'CH', weight: 4_000, format: d4, box: [45.8, 47.8, 6, 10.5], accents: 'äöüéèà', admins: 26, adminCodes: 'alpha' },
  { cc: 'NL', weight: 4_000, format: d4, box: [50.8, 53.5, 3.4, 7.2], accents: 'ë', admins: 12, adminCodes: 'numeric' },
  { cc: 'SK', weight: 4_000, format: grouped(3, 100, ' ', 2), box: [47.7, 49.6, 16.8, 22.6], accents: 'áäčďéíĺľňóôŕšťúýž', admins: 8, adminCodes: 'alpha' },
  { cc: 'DZ', weight: 4_000, format: d5from1000, box: [19, 37, -8.7, 12], accents: '', admins: 48, adminCodes: 'numeric' },
  { cc: 'HU', weight: 3_500, format: d4, box: [45.7, 48.6, 16.1, 22.9], accents: 'áéíóöőúüű', admins: 20, adminCodes: 'alpha' },
  { cc: 'BE', weight: 3_000, format: d4, box: [49.5, 51.5, 2.5, 6.4], accents: 'éèëô', admins: 3, adminCodes: 'alpha' },
  { cc: 'GB', weight: 3_000, format: outward(['AB', 'AL', 'B', 'BA', 'BB', 'BD', 'BH', 'BL', 'BN', 'BR', 'BS', 'CA', 'CB', 'CF', 'CH', 'CM', 'CO', 'CR', 'CT', 'CV', 'CW', 'DA', 'DD', 'DE', 'DG', 'DH', 'DL', 'DN', 'DT', 'DY', 'E', 'EC', 'EH', 'EN', 'EX', 'FK', 'FY', 'G', 'GL', 'GU', 'HA', 'HD', 'HG', 'HP', 'HR', 'HS', 'HU', 'HX', 'IG', 'IP', 'IV', 'KA', 'KT', 'KW', 'KY', 'L', 'LA', 'LD', 'LE', 'LL', 'LN', 'LS', 'LU', 'M', 'ME', 'MK', 'ML', 'N', 'NE', 'NG', 'NN', 'NP', 'NR', 'NW', 'OL', 'OX', 'PA', 'PE', 'PH', 'PL', 'PO', 'PR', 'RG', 'RH', 'RM', 'S', 'SA', 'SE', 'SG', 'SK', 'SL', 'SM', 'SN', 'SO', 'SP', 'SR', 'SS', 'ST', 'SW', 'SY', 'TA', 'TD', 'TF', 'TN', 'TQ', 'TR', 'TS', 'TW', 'UB', 'W', 'WA', 'WC', 'WD', 'WF', 'WN', 'WR', 'WS', 'WV', 'YO', 'ZE']), box: [50, 58.6, -7.6, 1.7], accents: '', admins: 4, adminCodes: 'alpha' },
  { cc: 'FI', weight: 3_000, format: d5, box: [59.8, 70, 20.6, 31.5], accents: 'äöå', admins: 19, adminCodes: 'numeric' },
  { cc: 'MY', weight: 3_000, format: d5from1000, box: [1, 7, 100, 119], accents: '', admins: 16, adminCodes: 'numeric' },
  { cc: 'PK', weight: 3_000, format: d5from1000, box: [24, 37, 61, 77], accents: '', admins: 7, adminCodes: 'numeric' },
  { cc: 'GT', weight: 2_500, format: d5from1000, box: [13.7, 17.8, -92.2, -88.2], accents: 'áéíóúñ', admins: 22, adminCodes: 'numeric' },
  { cc: 'PH', weight: 2_200, format: d4, box: [5, 19, 117, 126.6], accents: 'ñ', admins: 17, adminCodes: 'numeric' },
  { cc: 'GR', weight: 2_000, format: grouped(3, 100, ' ', 2), box: [35, 41.7, 19.4, 28.2], accents: '', admins: 13, adminCodes: 'alpha' },
  { cc: 'CA', weight: 1_650, format: positions('ABCEGHJKLMNPRSTVXY', DIGITS, 'ABCEGHJKLMNPRSTVWXYZ'), box: [42, 70, -141, -52.6], accents: 'éèàçô', admins: 13, adminCodes: 'alpha' },
  { cc: 'DK', weight: 1_200, format: d4, box: [54.6, 57.8, 8, 15.2], accents: 'æøå', admins: 5, adminCodes: 'numeric' },
  { cc: 'EE', weight: 5_000, format: d5from1000, box: [57.5, 59.7, 21.8, 28.2], accents: 'äõöüšž', admins: 15, adminCodes: 'numeric' },
  { cc: 'CL', weight: 1_500, format: d6, box: [-55.9, -17.5, -75.6, -66.4], accents: 'áéíóúñ', admins: 16, adminCodes: 'numeric' },
  { cc: 'CO', weight: 1_500, format: d6, box: [-4.2, 12.5, -79, -66.9], accents: 'áéíóúñ', admins: 33, adminCodes: 'numeric' },
  { cc: 'BY', weight: 1_500, format: d6, box: [51.3, 56.2, 23.2, 32.8], accents: '', script: 'cyrillic', admins: 7, adminCodes: 'numeric' },
  { cc: 'RS', weight: 1_200, format: d5from1000, box: [42.2, 46.2, 18.8, 23], accents: 'čćđšž', admins: 25, adminCodes: 'numeric' },
  { cc: 'ZA', weight: 4_000, format: d4, box: [-34.8, -22.1, 16.5, 32.9], accents: '', admins: 9, adminCodes: 'numeric' },
  { cc: 'NZ', weight: 1_800, format: d4, box: [-46.6, -34.4, 166.4, 178.6], accents: 'āēīōū', admins: 16, adminCodes: 'alpha' },
  { cc: 'SI', weight: 500, format: d4, box: [45.4, 46.9, 13.4, 16.6], accents: 'čšž', admins: 12, adminCodes: 'numeric' },
  { cc: 'LK', weight: 1_000, format: d5from1000, box: [5.9, 9.8, 79.7, 81.9], accents: '', admins: 9, adminCodes: 'numeric' },
  { cc: 'BD', weight: 1_300, format: d4, box: [20.7, 26.6, 88, 92.7], accents: '', admins: 8, adminCodes: 'numeric' },
  { cc: 'DO', weight: 600, format: d5from1000, box: [17.6, 19.9, -72, -68.3], accents: 'áéíóúñ', admins: 32, adminCodes: 'numeric' },
  { cc: 'UY', weight: 600, format: d5from1000, box: [-35, -30.1, -58.4, -53.1], accents: 'áéíóúñ', admins: 19, adminCodes: 'numeric' },
  { cc: 'CR', weight: 500, format: d5from1000, box: [8, 11.2, -85.9, -82.6], accents: 'áéíóúñ', admins: 7, adminCodes: 'numeric' },
  { cc: 'PE', weight: 800, format: d5from1000, box: [-18.3, -0.1, -81.3, -68.7], accents: 'áéíóúñ', admins: 25, adminCodes: 'numeric' },
  { cc: 'VE', weight: 400, format: d4, box: [0.7, 12.2, -73.3, -59.8], accents: 'áéíóúñ', admins: 24, adminCodes: 'alpha' },
  { cc: 'IS', weight: 150, format: digits(3, 100), box: [63.4, 66.5, -24.5, -13.5], accents: 'áðéíóúýþæö', admins: 8, adminCodes: 'numeric' },
  { cc: 'LU', weight: 4_000, format: prefixed('L-', 4, 1000), box: [49.4, 50.2, 5.7, 6.5], accents: 'éë', admins: 3, adminCodes: 'alpha' },
  { cc: 'MD', weight: 1_700, format: prefixed('MD-', 4, 2000), box: [45.5, 48.5, 26.6, 30.1], accents: 'ăâîșț', admins: 37, adminCodes: 'numeric' },
  { cc: 'AZ', weight: 1_000, format: prefixed('AZ ', 4, 1000), box: [38.4, 41.9, 44.8, 50.4], accents: 'əçğıöşü', admins: 11, adminCodes: 'alpha' },
  { cc: 'AD', weight: 7, format: prefixed('AD', 3, 100), box: [42.4, 42.7, 1.4, 1.8], accents: 'àèéíòóú', admins: 7, adminCodes: 'numeric' },
  { cc: 'MK', weight: 200, format: d4, box: [40.8, 42.4, 20.4, 23], accents: '', script: 'cyrillic', admins: 8, adminCodes: 'numeric' },
  { cc: 'KZ', weight: 500, format: d6, box: [40.6, 55.4, 46.5, 87.3], accents: '', script: 'cyrillic', admins: 17, adminCodes: 'numeric' },
  { cc: 'IE', weight: 140, format: positions('ACDEFHKNPRTVWXY', DIGITS, DIGITS), box: [51.4, 55.4, -10.5, -6], accents: 'áéíóú', admins: 4, adminCodes: 'alpha' },
  { cc: 'MT', weight: 70, format: positions(LETTERS, LETTERS, LETTERS), box: [35.8, 36.1, 14.2, 14.6], accents: '', admins: 3, adminCodes: 'numeric' },
  { cc: 'JE', weight: 5, format: outward(['JE']), box: [49.17, 49.26, -2.25, -2.0], accents: '', admins: 1, adminCodes: 'alpha' },
  { cc: 'GG', weight: 8, format: outward(['GY']), box: [49.41, 49.51, -2.68, -2.5], accents: '', admins: 1, adminCodes: 'alpha' },
  { cc: 'IM', weight: 9, format: outward(['IM']), box: [54.04, 54.42, -4.8, -4.3], accents: '', admins: 1, adminCodes: 'alpha' },
  { cc: 'FO', weight: 130, format: digits(3, 100), box: [61.4, 62.4, -7.7, -6.2], accents: 'áíóúýøæð', admins: 6, adminCodes: 'numeric' },
  { cc: 'GL', weight: 35, format: digits(4, 3900), box: [59.8, 77, -73, -18], accents: 'æøå', admins: 5, adminCodes: 'numeric' },
  { cc: 'LI', weight: 13, format: digits(4, 9485), box: [47.05, 47.27, 9.47, 9.64], accents: 'äöü', admins: 11, adminCodes: 'numeric' },
  { cc: 'MC', weight: 3, format: digits(5, 98000), box: [43.72, 43.75, 7.40, 7.44], accents: 'é', admins: 1, adminCodes: 'numeric' },
  { cc: 'SM', weight: 26, format: digits(5, 47890), box: [43.89, 43.99, 12.4, 12.52], accents: 'à', admins: 9, adminCodes: 'numeric' },
  { cc: 'VA', weight: 1, format: digits(5, 120), box: [41.9, 41.91, 12.44, 12.46], accents: '', admins: 1, adminCodes: 'numeric' },
  { cc: 'CY', weight: 600, format: d4, box: [34.6, 35.7, 32.3, 34.6], accents: '', admins: 6, adminCodes: 'numeric' },
  { cc: 'ID', weight: 8_000, format: d5from1000, box: [-10, 5.9, 95, 141], accents: '', admins: 34, adminCodes: 'numeric' },
  { cc: 'VN', weight: 1_000, format: d6, box: [8.6, 23.3, 102.2, 109.4], accents: 'ăâđêôơư', admins: 63, adminCodes: 'numeric' },
  { cc: 'TW', weight: 400, format: digits(3, 100), box: [21.9, 25.3, 120, 122], accents: '', admins: 22, adminCodes: 'numeric' },
  { cc: 'MA', weight: 2_000, format: d5from1000, box: [27.7, 35.9, -13.2, -1], accents: '', admins: 12, adminCodes: 'numeric' },
  { cc: 'TN', weight: 1_000, format: d4, box: [30.2, 37.3, 7.5, 11.6], accents: '', admins: 24, adminCodes: 'numeric' },
  { cc: 'EC', weight: 500, format: d6, box: [-5, 1.4, -81, -75.2], accents: 'áéíóúñ', admins: 24, adminCodes: 'numeric' },
  { cc: 'PA', weight: 300, format: d4, box: [7.2, 9.6, -83, -77.2], accents: 'áéíóúñ', admins: 10, adminCodes: 'numeric' },
  { cc: 'HN', weight: 300, format: d5from1000, box: [13, 16, -89.3, -83.2], accents: 'áéíóúñ', admins: 18, adminCodes: 'numeric' },
  { cc: 'PR', weight: 180, format: digits(5, 600), box: [17.9, 18.5, -67.3, -65.2], accents: 'áéíóúñ', admins: 1, adminCodes: 'alpha' },
  { cc: 'GU', weight: 20, format: digits(5, 96910), box: [13.2, 13.7, 144.6, 145], accents: '', admins: 1, adminCodes: 'alpha' },
  { cc: 'AS', weight: 1, format: digits(5, 96799), box: [-14.4, -14.2, -170.9, -170.5], accents: '', admins: 1, adminCodes: 'alpha' },
  { cc: 'VI', weight: 15, format: digits(5, 801), box: [17.6, 18.4, -65.1, -64.5], accents: '', admins: 1, adminCodes: 'alpha' },
  { cc: 'RE', weight: 40, format: digits(5, 97400), box: [-21.4, -20.9, 55.2, 55.8], accents: 'éèô', admins: 1, adminCodes: 'numeric' },
  { cc: 'GP', weight: 40, format: digits(5, 97100), box: [15.8, 16.5, -61.8, -61], accents: 'éèô', admins: 1, adminCodes: 'numeric' },
  { cc: 'MQ', weight: 35, format: digits(5, 97200), box: [14.4, 14.9, -61.2, -60.8], accents: 'éèô', admins: 1, adminCodes: 'numeric' },
  { cc: 'GF', weight: 25, format: digits(5, 97300), box: [2.1, 5.8, -54.6, -51.6], accents: 'éèô', admins: 1, adminCodes: 'numeric' },
  { cc: 'YT', weight: 17, format: digits(5, 97600), box: [-13, -12.6, 45, 45.3], accents: 'é', admins: 1, adminCodes: 'numeric' },
  { cc: 'PM', weight: 2, format: digits(5, 97500), box: [46.7, 47.1, -56.4, -56.1], accents: 'é', admins: 1, adminCodes: 'numeric' },
  { cc: 'NC', weight: 40, format: digits(5, 98800), box: [-22.7, -19.5, 163.6, 168.1], accents: 'é', admins: 3, adminCodes: 'numeric' },
  { cc: 'PF', weight: 100, format: digits(5, 98700), box: [-27.7, -7.9, -154.7, -134.9], accents: 'é', admins: 5, adminCodes: 'numeric' },
];

// ---------------------------------------------------------------------------------------------
// Names

const LATIN_SYLLABLES = ['ba', 'be', 'bor', 'ca', 'del', 'do', 'fa', 'gar', 'ha', 'ka', 'ken', 'la', 'lin', 'ma', 'mo', 'na', 'nor', 'pa', 'ra', 'ri', 'ro', 'sa', 'sen', 'ta', 'to', 'va', 'vil', 'wa', 'ya', 'zo', 'ste', 'burg', 'dor', 'an', 'el', 'ol', 'ur'];
const CYRILLIC_SYLLABLES = ['ба', 'во', 'гор', 'де', 'ка', 'ли', 'ма', 'но', 'ов', 'по', 'ра', 'ск', 'сло', 'та', 'ха', 'че', 'ша', 'ин', 'ево', 'ск', 'ень', 'ый', 'ая'];
const LATIN_PREFIXES = ['San ', 'Nowa ', 'Bad ', 'Saint-', 'Villa ', 'Nuevo ', 'Alt', 'Porto ', 'Santa '];
const CYRILLIC_PREFIXES = ['Новый ', 'Верхний ', 'Старый ', 'Красный '];

/** A name of 2–4 syllables in the country's script, with one of its accented letters in some of them. */
function makeName(rnd: Random, country: Country): string {
  const cyrillic = country.script === 'cyrillic';
  const syllables = cyrillic ? CYRILLIC_SYLLABLES : LATIN_SYLLABLES;
  let name = '';
  for (let i = int(rnd, 2, 4); i > 0; i--) name += pick(rnd, syllables);
  if (country.accents.length > 0 && rnd() < 0.45) {
    const at = int(rnd, 1, name.length - 1);
    name = name.slice(0, at) + pick(rnd, [...country.accents]) + name.slice(at + 1);
  }
  name = name.charAt(0).toUpperCase() + name.slice(1);
  if (rnd() < 0.08) name = pick(rnd, cyrillic ? CYRILLIC_PREFIXES : LATIN_PREFIXES) + name;
  return name;
}

// ---------------------------------------------------------------------------------------------
// Rows

/** How many rows each country gets: proportional to its weight, capped by its format's capacity. */
export function allocateRows(total: number): Map<string, number> {
  const counts = new Map<string, number>(COUNTRIES.map((c) => [c.cc, 0]));
  let left = total;
  // Repeat over the countries that still have room until every row is placed (capped countries drop out).
  for (let round = 0; left > 0 && round < 50; round++) {
    const open = COUNTRIES.filter((c) => (counts.get(c.cc) ?? 0) < c.format.capacity);
    if (open.length === 0) throw new Error(`no format has room for ${total} unique codes`);
    const weight = open.reduce((sum, c) => sum + c.weight, 0);
    let placed = 0;
    for (const c of open) {
      const have = counts.get(c.cc) ?? 0;
      const share = Math.min(c.format.capacity - have, Math.floor((left * c.weight) / weight));
      counts.set(c.cc, have + share);
      placed += share;
    }
    left -= placed;
    if (placed === 0) {
      // Rounding left a few rows: give them to the largest open countries, one each.
      for (const c of [...open].sort((x, y) => y.weight - x.weight)) {
        if (left === 0) break;
        counts.set(c.cc, (counts.get(c.cc) ?? 0) + 1);
        left--;
      }
    }
  }
  return counts;
}

interface Admin {
  readonly name: string;
  readonly code: string;
  readonly lat: number;
  readonly lon: number;
  readonly subs: readonly { readonly name: string; readonly code: string }[];
}

/** Appends one country's rows to `out` in chunks, calling `flush` whenever a chunk is full. */
async function writeCountry(country: Country, rows: number, rnd: Random, flush: (text: string) => Promise<void>): Promise<void> {
  const [south, north, west, east] = country.box;
  const spreadLat = (north - south) / 8;
  const spreadLon = (east - west) / 8;
  const alphaCodes = new Set<string>();
  const alphaCode = (): string => {
    // Distinct two-letter codes (a country has at most a few dozen areas; 676 exist).
    for (;;) {
      const code = pick(rnd, [...LETTERS]) + pick(rnd, [...LETTERS]);
      if (alphaCodes.has(code)) continue;
      alphaCodes.add(code);
      return code;
    }
  };
  const admins: Admin[] = Array.from({ length: country.admins }, (_, i) => ({
    name: makeName(rnd, country),
    code: country.adminCodes === 'alpha' ? alphaCode() : pad(i + 1, 2),
    lat: south + rnd() * (north - south),
    lon: west + rnd() * (east - west),
    subs: Array.from({ length: int(rnd, 2, 12) }, (_, j) => ({ name: makeName(rnd, country), code: pad(j + 1, 3) })),
  }));
  // About three codes per place name, as towns have several codes.
  const places = Array.from({ length: Math.max(1, Math.ceil(rows / 3)) }, () => makeName(rnd, country));
  const capacity = country.format.capacity;

  let chunk = '';
  let inChunk = 0;
  for (let i = 0; i < rows; i++) {
    // Sorted, distinct codes spread over the whole format: row i takes a value from its own slice of [0, capacity).
    const from = Math.floor((i * capacity) / rows);
    const to = Math.floor(((i + 1) * capacity) / rows);
    const code = country.format.code(from + Math.floor(rnd() * (to - from)));
    // Codes are grouped by admin area, as leading digits follow regions in real data.
    const admin = admins[Math.floor((i * admins.length) / rows)] as Admin;
    const sub = pick(rnd, admin.subs);
    const lat = Math.min(north, Math.max(south, admin.lat + (rnd() - 0.5) * 2 * spreadLat));
    const lon = Math.min(east, Math.max(west, admin.lon + (rnd() - 0.5) * 2 * spreadLon));
    const hasThird = rnd() < 0.3;
    const accuracyRoll = rnd();
    const accuracy = accuracyRoll < 0.12 ? '' : accuracyRoll < 0.5 ? '4' : accuracyRoll < 0.8 ? '6' : '1';
    chunk +=
      `${country.cc}\t${code}\t${pick(rnd, places)}\t${admin.name}\t${admin.code}\t${sub.name}\t${sub.code}\t` +
      `${hasThird ? sub.name : ''}\t${hasThird ? `${sub.code}${pad(int(rnd, 1, 99), 2)}` : ''}\t${lat.toFixed(4)}\t${lon.toFixed(4)}\t${accuracy}\n`;
    if (++inChunk === 4096) {
      await flush(chunk);
      chunk = '';
      inChunk = 0;
    }
  }
  if (chunk.length > 0) await flush(chunk);
}

export interface GenerateOptions {
  readonly rows?: number;
  readonly seed?: number;
  /** Output path; default {@link defaultSyntheticFile}. */
  readonly file?: string;
  /** Reuse an existing file of the same name (the name encodes rows, seed and generator version). Default false. */
  readonly reuse?: boolean;
}

export interface GenerateResult {
  readonly file: string;
  readonly rows: number;
  readonly countries: number;
  readonly bytes: number;
  readonly ms: number;
  readonly reused: boolean;
}

/** The repository root: the nearest folder above this script with a package.json (works from bench/ and dist-bench/bench/). */
function repositoryRoot(): string | undefined {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Writes the file (to a temporary name first, so an interrupted run never leaves a short file behind). */
export async function generateSyntheticGeoNames(options: GenerateOptions = {}): Promise<GenerateResult> {
  const rows = options.rows ?? DEFAULT_ROWS;
  const seed = options.seed ?? 1;
  const file = options.file ?? defaultSyntheticFile(rows, seed);
  const root = repositoryRoot();
  if (root && !path.relative(root, path.resolve(file)).startsWith('..')) {
    // A 100 MB file in the work tree is one `git add .` away from the history.
    throw new Error(`refusing to write ${file} inside the repository (${root}): pick a path outside it, e.g. under ${tmpdir()}`);
  }
  const counts = allocateRows(rows);
  const countries = [...counts.values()].filter((n) => n > 0).length;
  if (options.reuse && existsSync(file)) {
    return { file, rows, countries, bytes: statSync(file).size, ms: 0, reused: true };
  }
  const started = performance.now();
  const partial = `${file}.${process.pid}.partial`;
  const out = createWriteStream(partial);
  const flush = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  try {
    const rnd = prng(seed);
    for (const country of COUNTRIES) {
      const n = counts.get(country.cc) ?? 0;
      if (n > 0) await writeCountry(country, n, rnd, flush);
    }
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    throw error;
  }
  renameSync(partial, file);
  return { file, rows, countries, bytes: statSync(file).size, ms: Math.round(performance.now() - started), reused: false };
}

// ---------------------------------------------------------------------------------------------
// CLI

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: String(DEFAULT_ROWS) },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  const seed = Number(values.seed);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: synthetic-geonames [--rows N ≥ 1] [--seed INTEGER] [--out FILE]\n');
    process.exit(2);
  }
  let result: GenerateResult;
  try {
    result = await generateSyntheticGeoNames({ rows, seed, ...(values.out !== undefined && { file: path.resolve(values.out) }) });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `wrote ${result.rows} rows for ${result.countries} countries, ${(result.bytes / 1e6).toFixed(1)} MB, in ${result.ms} ms: ${result.file}\n`,
  );
}
