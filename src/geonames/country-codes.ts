/**
 * Country codes, as GeoNames names countries in its files and file names and the service in its
 * requests: which two letters name a country (ISO 3166-1 alpha-2, and XK), and what to say about
 * the two letters people write that do not. Shared by the service, which refuses such a country in
 * a request, and the data command, which refuses it before asking a mirror for a file that cannot
 * exist (`add UK`).
 */
import { COUNTRIES } from 'postal-code-checker';

/**
 * The ISO 3166-1 alpha-2 codes (the format source's list of the 249 assigned ones), plus XK
 * (Kosovo): user-assigned, but GeoNames and most geocoders use it.
 */
const COUNTRY_CODES: ReadonlySet<string> = new Set([...Object.keys(COUNTRIES), 'XK']);

/** How many country codes there are: what bounds the datasets a data directory can hold. */
export const COUNTRY_CODE_COUNT = COUNTRY_CODES.size;

/** Whether `code` (upper case) is a country code. */
export const isCountryCode = (code: string): boolean => COUNTRY_CODES.has(code);

/**
 * Codes withdrawn from ISO 3166-1 (ISO 3166-3, "formerly used codes") and not reassigned, with what
 * replaced them. `Intl.DisplayNames` still names many of them (as their successors: SU is "Russia"),
 * so they are refused by name, with the replacement where one is clear.
 */
const WITHDRAWN: Readonly<Record<string, string>> = {
  AN: 'the Netherlands Antilles, now CW (Curaçao), SX (Sint Maarten) and BQ (Caribbean Netherlands)',
  BU: 'Burma: use MM (Myanmar)',
  CS: 'Serbia and Montenegro (earlier Czechoslovakia), now RS and ME (earlier CZ and SK)',
  CT: 'Canton and Enderbury Islands: use KI (Kiribati)',
  DD: 'the German Democratic Republic: use DE (Germany)',
  DY: 'Dahomey: use BJ (Benin)',
  FQ: 'the French Southern and Antarctic Territories, now TF and AQ',
  FX: 'Metropolitan France: use FR (France)',
  HV: 'Upper Volta: use BF (Burkina Faso)',
  JT: 'Johnston Island: use UM (United States Minor Outlying Islands)',
  MI: 'the Midway Islands: use UM (United States Minor Outlying Islands)',
  NH: 'the New Hebrides: use VU (Vanuatu)',
  NQ: 'Dronning Maud Land: use AQ (Antarctica)',
  NT: 'the Saudi–Iraqi neutral zone, now part of IQ and SA',
  PC: 'the Trust Territory of the Pacific Islands, now FM, MH, MP and PW',
  PU: 'the United States Miscellaneous Pacific Islands: use UM',
  PZ: 'the Panama Canal Zone: use PA (Panama)',
  RH: 'Southern Rhodesia: use ZW (Zimbabwe)',
  SU: 'the USSR, now fifteen countries such as RU, UA and KZ',
  TP: 'East Timor: use TL (Timor-Leste)',
  VD: 'North Vietnam: use VN (Viet Nam)',
  WK: 'Wake Island: use UM (United States Minor Outlying Islands)',
  YD: 'South Yemen: use YE (Yemen)',
  YU: 'Yugoslavia, now BA, HR, ME, MK, RS and SI (and XK)',
  ZR: 'Zaire: use CD (the Democratic Republic of the Congo)',
};

/** What a withdrawn code was and what replaced it, or undefined for any other code. */
export const withdrawnCountry = (code: string): string | undefined => WITHDRAWN[code];

/** Two letters people write for a country whose code is another: the United Kingdom is GB. */
const ALIASES: Readonly<Record<string, { readonly code: string; readonly name: string }>> = {
  UK: { code: 'GB', name: 'the United Kingdom' },
};

/** The country code people mean by `code` (upper case) when it is not one (`UK`: GB), with the country's name. */
export const countryAlias = (code: string): { readonly code: string; readonly name: string } | undefined => ALIASES[code];
