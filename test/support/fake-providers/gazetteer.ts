/**
 * What the fake providers know: every US row of the bundled GeoNames file (a code listed twice
 * has two places, as Zippopotam answers it) plus a few codes elsewhere, so a chain test can ask
 * for codes the embedded data lacks. The fakes answer from this, tests compare against it.
 */
import { usRows, type Row } from '../geonames.js';

/** A GeoNames row with its country. */
export interface GazetteerPlace extends Row {
  readonly countryCode: string;
}

/** Codes outside the embedded US data (illustrative coordinates). */
export const ELSEWHERE: readonly GazetteerPlace[] = [
  { countryCode: 'FR', postalCode: '75013', placeName: 'Paris 13', adminName: 'Île-de-France', adminCode: '11', latitude: 48.8322, longitude: 2.3561 },
  { countryCode: 'DE', postalCode: '10115', placeName: 'Berlin', adminName: 'Berlin', adminCode: 'BE', latitude: 52.5323, longitude: 13.3846 },
  { countryCode: 'CA', postalCode: 'K1A', placeName: 'Ottawa', adminName: 'Ontario', adminCode: 'ON', latitude: 45.4215, longitude: -75.6972 },
  { countryCode: 'MX', postalCode: '06700', placeName: 'Roma Norte', adminName: 'Ciudad de México', adminCode: 'CMX', latitude: 19.4194, longitude: -99.1617 },
  { countryCode: 'GB', postalCode: 'SW1A', placeName: 'London', adminName: 'England', adminCode: 'ENG', latitude: 51.501, longitude: -0.1416 },
];

let index: Map<string, GazetteerPlace[]> | undefined;

/** Places by country + code (upper case, canonical), in file order. */
export function gazetteer(): ReadonlyMap<string, readonly GazetteerPlace[]> {
  if (index) return index;
  index = new Map();
  const add = (place: GazetteerPlace) => {
    const id = place.countryCode + place.postalCode;
    const list = index!.get(id);
    if (list) list.push(place);
    else index!.set(id, [place]);
  };
  for (const row of usRows()) add({ countryCode: 'US', ...row });
  ELSEWHERE.forEach(add);
  return index;
}

/** The places of a code, or none. */
export function placesOf(countryCode: string, postalCode: string): readonly GazetteerPlace[] {
  return gazetteer().get(countryCode.toUpperCase() + postalCode.toUpperCase()) ?? [];
}

/** The first place of a code the gazetteer knows; throws for an unknown one (a test mistake). */
export function placeOf(countryCode: string, postalCode: string): GazetteerPlace {
  const place = placesOf(countryCode, postalCode)[0];
  if (!place) throw new Error(`the fake gazetteer has no ${countryCode} ${postalCode}`);
  return place;
}

/** A known code other than `postalCode` in the same country, for "answers another code" faults. */
export function anotherCode(postalCode: string): GazetteerPlace {
  return placeOf('US', postalCode === '10001' ? '90210' : '10001');
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
export const countryName = (countryCode: string): string => countryNames.of(countryCode.toUpperCase()) ?? countryCode;
