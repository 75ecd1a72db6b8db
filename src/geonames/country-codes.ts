/**
 * Country codes as GeoNames and the service name them: ISO 3166-1 alpha-2 plus XK (user-assigned,
 * but GeoNames and most geocoders use it), and what to say about two letters that are not one. The
 * data command refuses those before asking a mirror for a file that cannot exist (`add UK`).
 */
import { COUNTRIES } from 'postal-code-checker';

const COUNTRY_CODES: ReadonlySet<string> = new Set([...Object.keys(COUNTRIES), 'XK']);

export const COUNTRY_CODE_COUNT = COUNTRY_CODES.size;

/** Whether `code` (upper case) is a country code. */
export const isCountryCode = (code: string): boolean => COUNTRY_CODES.has(code);

/** Withdrawn ISO 3166-1 codes not reassigned, with successors: `Intl.DisplayNames` still names many (SU: Russia). */
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

const ALIASES: Readonly<Record<string, { readonly code: string; readonly name: string }>> = {
  UK: { code: 'GB', name: 'the United Kingdom' },
};

/** The country code people mean by `code` (upper case) when it is not one (`UK`: GB), with the country's name. */
export const countryAlias = (code: string): { readonly code: string; readonly name: string } | undefined => ALIASES[code];
