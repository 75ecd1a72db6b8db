/**
 * TimeZones: what it answers for what the boundaries find, when it loads them, and how often it
 * asks them. A counting lookup stands in for geo-tz (injected through `load`, the seam the service
 * leaves at its default), except in the last group, which asks geo-tz itself.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { TimeZones, zoneOf, type FindZones, type Point } from '../../src/geocoding/time-zones.js';
import { Metrics } from '../../src/observability/metrics.js';

const logger = pino({ level: 'silent' });

const PHOENIX: Point = { latitude: 33.4484, longitude: -112.074 };
const EL_PASO: Point = { latitude: 31.7584, longitude: -106.4783 };
const MID_ATLANTIC: Point = { latitude: 30, longitude: -40 };

/** A lookup that answers from a table by "lat,lon", and records every point it is asked and every load. */
function counting(table: Record<string, readonly string[]>) {
  const asked: string[] = [];
  let loads = 0;
  const find: FindZones = (latitude, longitude) => {
    const key = `${latitude},${longitude}`;
    asked.push(key);
    const zones = table[key];
    if (!zones) throw new Error(`no zone in the test table for ${key}`);
    return zones;
  };
  return {
    asked,
    loads: () => loads,
    load: async (): Promise<FindZones> => {
      loads++;
      return find;
    },
  };
}

const TABLE = {
  '33.4484,-112.074': ['America/Phoenix'],
  '31.7584,-106.4783': ['America/Denver'],
  '30,-40': ['Etc/GMT+3'],
};

describe('zoneOf: the zone answered for what the boundaries found', () => {
  it('is the one zone found', () => {
    expect(zoneOf(['America/Indiana/Indianapolis'])).toBe('America/Indiana/Indianapolis');
  });
  it('is null for a nautical Etc/ zone: the point is in no zone (open sea)', () => {
    expect(zoneOf(['Etc/GMT+3'])).toBeNull();
    expect(zoneOf(['Etc/GMT'])).toBeNull();
  });
  it('is null when several zones are found (a border, a disputed area), and when none is', () => {
    expect(zoneOf(['Asia/Shanghai', 'Asia/Urumqi'])).toBeNull();
    expect(zoneOf(['Etc/GMT+5', 'Etc/GMT+6'])).toBeNull();
    expect(zoneOf([])).toBeNull();
  });
});

describe('TimeZones with a counting lookup', () => {
  it('loads nothing until the first zone is asked, then loads once', async () => {
    const lookup = counting(TABLE);
    const zones = new TimeZones({ load: lookup.load, logger });
    expect(lookup.loads()).toBe(0);
    expect(await zones.zoneAt(PHOENIX)).toBe('America/Phoenix');
    expect(await zones.zoneAt(EL_PASO)).toBe('America/Denver');
    expect(lookup.loads()).toBe(1);
  });

  it('answers synchronously once loaded: a cached point, and a new one (the lookup is synchronous)', async () => {
    const lookup = counting(TABLE);
    const zones = new TimeZones({ load: lookup.load, logger });
    expect(zones.zoneAt(PHOENIX)).toBeInstanceOf(Promise);
    await zones.zoneAt(PHOENIX);
    expect(zones.zoneAt(PHOENIX)).toBe('America/Phoenix');
    expect(zones.zoneAt(EL_PASO)).toBe('America/Denver');
  });

  it('looks a place up once, however often it is asked; another object at the same point is looked up again', async () => {
    const lookup = counting(TABLE);
    const zones = new TimeZones({ load: lookup.load, logger });
    await zones.zoneAt(PHOENIX);
    zones.zoneAt(PHOENIX);
    zones.zoneAt(EL_PASO);
    zones.zoneAt(PHOENIX);
    // A ZIP+4 answered by its ZIP's row is another place at the same point: kept by object, not by coordinates.
    zones.zoneAt({ latitude: 33.4484, longitude: -112.074 });
    expect(lookup.asked).toEqual(['33.4484,-112.074', '31.7584,-106.4783', '33.4484,-112.074']);
  });

  it('shares the one load among lookups that arrive while it runs, and looks each place up once', async () => {
    const lookup = counting(TABLE);
    const zones = new TimeZones({ load: lookup.load, logger });
    const answers = await Promise.all([zones.zoneAt(PHOENIX), zones.zoneAt(PHOENIX), zones.zoneAt(EL_PASO), zones.zoneAt(PHOENIX)]);
    expect(answers).toEqual(['America/Phoenix', 'America/Phoenix', 'America/Denver', 'America/Phoenix']);
    expect(lookup.loads()).toBe(1);
    expect(lookup.asked).toEqual(['33.4484,-112.074', '31.7584,-106.4783']);
  });

  it('answers null in open sea, and keeps that answer too', async () => {
    const lookup = counting(TABLE);
    const zones = new TimeZones({ load: lookup.load, logger });
    expect(await zones.zoneAt(MID_ATLANTIC)).toBeNull();
    expect(zones.zoneAt(MID_ATLANTIC)).toBeNull();
    expect(lookup.asked).toEqual(['30,-40']);
  });

  it('counts hits and misses (a miss is one lookup) in the metrics', async () => {
    const lookup = counting(TABLE);
    const metrics = new Metrics();
    const zones = new TimeZones({ load: lookup.load, logger, metrics });
    await Promise.all([zones.zoneAt(PHOENIX), zones.zoneAt(PHOENIX)]);
    zones.zoneAt(PHOENIX);
    zones.zoneAt(EL_PASO);
    expect(metrics.timeZoneLookups).toEqual({ hit: 2, miss: 2 });
  });

  it('answers TIME_ZONE_UNAVAILABLE for every lookup when the boundaries cannot be loaded, and tries to load them once', async () => {
    let loads = 0;
    const zones = new TimeZones({
      load: async () => {
        loads++;
        throw new Error('Cannot find package geo-tz');
      },
      logger,
    });
    const answers = [await zones.zoneAt(PHOENIX), await zones.zoneAt(EL_PASO)];
    expect(answers.map((a) => isAppError(a) && a.code)).toEqual(['TIME_ZONE_UNAVAILABLE', 'TIME_ZONE_UNAVAILABLE']);
    expect(loads).toBe(1);
  });

  it('answers TIME_ZONE_UNAVAILABLE when a lookup throws, and keeps nothing: the next lookup asks again', async () => {
    const lookup = counting({}); // throws for every point
    const zones = new TimeZones({ load: lookup.load, logger });
    const first = await zones.zoneAt(PHOENIX);
    const second = zones.zoneAt(PHOENIX);
    expect([first, second].map((a) => isAppError(a) && a.code)).toEqual(['TIME_ZONE_UNAVAILABLE', 'TIME_ZONE_UNAVAILABLE']);
    expect(lookup.asked).toEqual(['33.4484,-112.074', '33.4484,-112.074']);
  });
});

describe('TimeZones with geo-tz (the default load)', () => {
  const zones = new TimeZones({ logger });

  it.each([
    ['El Paso, TX 79901', 31.7584, -106.4783, 'America/Denver'],
    ['Phoenix, AZ 85001', 33.4484, -112.074, 'America/Phoenix'],
    ['Indianapolis, IN 46201', 39.775, -86.1093, 'America/Indiana/Indianapolis'],
    ['Ironwood, MI 49938', 46.4638, -90.1588, 'America/Menominee'],
    ['Honolulu, HI 96801', 21.3278, -157.8294, 'Pacific/Honolulu'],
    ['3 km off Miami Beach (territorial waters)', 25.77, -80.1, 'America/New_York'],
  ])('places %s in its zone', async (_name, latitude, longitude, zone) => {
    expect(await zones.zoneAt({ latitude, longitude })).toBe(zone);
  });

  it.each([
    ['the mid-Atlantic', 30, -40],
    ['the Pacific south of Hawaii', 0, -150],
    ['the Gulf of Mexico', 25, -90],
    ['25 km off Miami, past territorial waters', 25.77, -79.9],
  ])('answers null in %s', async (_name, latitude, longitude) => {
    expect(await zones.zoneAt({ latitude, longitude })).toBeNull();
  });
});
