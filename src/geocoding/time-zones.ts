/**
 * Time zones from coordinates, offline: what `Location.timeZone` answers.
 *
 * The boundaries are geo-tz's (timezone-boundary-builder's official zone boundaries, built from
 * OpenStreetMap; the "alike since 1970" product, geo-tz's default): an exact point-in-polygon
 * lookup, so a postal code a few hundred metres from a zone line gets the zone it is in. The
 * README's Time zones section says why this library and not a smaller approximate one.
 *
 * Loaded on the first lookup, with a dynamic `import()`, as the compiled executor loads
 * graphql-jit: the package and its index cost ~30 ms and 3 MB of heap (bench/time-zone.ts), which
 * a service whose clients never ask for `timeZone` should not pay at start-up. It stays outside
 * the bundle (build/bundle.ts): it reads its boundary file from its own directory at run time.
 *
 * Two caches, and why each exists:
 *  1. Place → zone, in a `WeakMap` keyed by the place object: a place's zone never changes, and the
 *     locator hands out the same object for a code as long as it caches the code, so each code is
 *     looked up once per stay in the locator's cache, and its zone is forgotten with it (no bound or
 *     setting of its own). A hit is a `WeakMap` read (tens of ns), answered synchronously, so the
 *     resolver costs compiled execution no promise. Keying by coordinates would also share one
 *     lookup among codes at the same point (a ZIP+4 and its ZIP), but formatting the key costs
 *     ~0.3 µs on every hit, to save one lookup of a few µs per code.
 *  2. geo-tz's cache of decoded boundary tiles, which a lookup that misses the first fills: its
 *     default is a `Map` that never forgets, which the US codes alone grow to 574 tiles and ~50 MB
 *     of heap (measured) and the world's 20,433 tiles to far more, so it is bounded here to
 *     `TILE_CACHE_MAX_ENTRIES`: neighbouring codes still share a tile, and memory stays bounded.
 *
 * No guesses: geo-tz answers `Etc/GMT±N` (a nautical zone, by longitude) for a point in no zone's
 * boundary (open sea past territorial waters, terra nullius), and several zones on a border or
 * where the zone depends on whom you ask (a disputed area). Both are answered `null`.
 */
import { LRUCache } from 'lru-cache';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MaybePromise } from '../maybe-promise.js';
import type { Metrics } from '../observability/metrics.js';

/**
 * Decoded boundary tiles geo-tz keeps (see the header). A US tile holds ~90 KB of heap on average
 * (574 tiles, ~50 MB); 64 keep a region's neighbours at a few MB, and a lookup whose tile was
 * evicted reads it again from the file (under a millisecond for most tiles; 25–50 ms for the few
 * largest, on long coastlines and borders, met in the US data).
 */
export const TILE_CACHE_MAX_ENTRIES = 64;

/** A point on WGS-84, in decimal degrees: a `Place` is one. Its zone is kept by object (see the header). */
export interface Point {
  readonly latitude: number;
  readonly longitude: number;
}

/**
 * The IANA zones at a point, as geo-tz's `find` answers: one inside a zone, several on a border or
 * in a disputed area, an `Etc/GMT±N` zone outside every zone. May throw (an unreadable data file).
 */
export type FindZones = (latitude: number, longitude: number) => readonly string[];

export interface TimeZonesOptions {
  /** Loads the lookup, once, on the first miss. Default: geo-tz, imported then. Tests pass a counting one. */
  readonly load?: () => Promise<FindZones>;
  /** Where hits and misses are counted (`time_zone_cache_total`); none in unit tests. */
  readonly metrics?: Metrics;
  readonly logger: Logger;
}

/** A zone's answer: its IANA name, `null` where none applies, or the error to show instead. */
export type TimeZoneAnswer = string | null | AppError;

export class TimeZones {
  private readonly zones = new WeakMap<Point, string | null>();
  private readonly loadFind: () => Promise<FindZones>;
  private readonly logger: Logger;
  // Plain counts, added to the Prometheus counter when it is read (metrics.ts says why).
  private readonly lookups: { hit: number; miss: number } | undefined;
  /** Set once the lookup is loaded: from then on every answer is synchronous. */
  private find: FindZones | undefined;
  /** The one load, shared by the lookups that arrive while it runs; settles to the error if it failed. */
  private loading: Promise<FindZones | AppError> | undefined;

  constructor(options: TimeZonesOptions) {
    this.loadFind = options.load ?? loadGeoTz;
    this.logger = options.logger;
    this.lookups = options.metrics?.timeZoneLookups;
  }

  /**
   * The IANA time zone at `point` (`America/Denver`), or `null` where none applies (see the header),
   * looked up once per point object. Synchronous once the boundaries are loaded; never rejects: a
   * failure is the `AppError` to show.
   */
  zoneAt(point: Point): MaybePromise<TimeZoneAnswer> {
    const cached = this.cached(point);
    if (cached !== undefined) return cached;
    if (this.find) return this.compute(point, this.find);
    return (this.loading ??= this.load()).then((find) => {
      if (isAppError(find)) return find;
      // Another lookup of the same place may have settled it while this one waited for the load.
      return this.cached(point) ?? this.compute(point, find);
    });
  }

  // Private: the kept answer (counted as a hit), or undefined.
  private cached(point: Point): string | null | undefined {
    const zone = this.zones.get(point);
    if (zone !== undefined && this.lookups) this.lookups.hit++;
    return zone;
  }

  // Private: one lookup of the boundaries (counted as a miss), kept unless it failed.
  private compute(point: Point, find: FindZones): TimeZoneAnswer {
    if (this.lookups) this.lookups.miss++;
    let found: readonly string[];
    try {
      found = find(point.latitude, point.longitude);
    } catch (error) {
      this.logger.error({ err: error, latitude: point.latitude, longitude: point.longitude }, 'time zone lookup failed');
      return unavailable();
    }
    const zone = zoneOf(found);
    this.zones.set(point, zone);
    return zone;
  }

  // Private: loads the lookup; a failure is kept for the life of the process, like graphql-jit's (a broken install, not a passing fault).
  private async load(): Promise<FindZones | AppError> {
    const started = performance.now();
    try {
      const find = await this.loadFind();
      this.find = find;
      this.logger.info({ ms: Math.round(performance.now() - started) }, 'time zone boundaries loaded');
      return find;
    } catch (error) {
      this.logger.error({ err: error }, 'time zone boundaries could not be loaded: timeZone answers TIME_ZONE_UNAVAILABLE');
      return unavailable();
    }
  }
}

/**
 * The zone to answer for what geo-tz found at a point: the one zone, or `null` when the point is in
 * no zone (an `Etc/` nautical zone, open sea) or in several (a border, a disputed area).
 */
export function zoneOf(found: readonly string[]): string | null {
  if (found.length !== 1) return null;
  const zone = found[0]!;
  return zone.startsWith('Etc/') ? null : zone;
}

const unavailable = (): AppError => new AppError('TIME_ZONE_UNAVAILABLE', 'Time zones are unavailable on this server.');

// Private: geo-tz, imported now, with its tile cache bounded (see the header).
async function loadGeoTz(): Promise<FindZones> {
  const geoTz = await import('geo-tz');
  geoTz.setCache({ store: new LRUCache<string, object>({ max: TILE_CACHE_MAX_ENTRIES }) });
  return geoTz.find;
}
