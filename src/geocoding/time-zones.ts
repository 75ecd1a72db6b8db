/**
 * Time zones from coordinates, offline: what `Location.timeZone` answers, from geo-tz's exact
 * point-in-polygon lookup on the official boundaries (why geo-tz: docs/data.md's Time zones section).
 * It is imported on the first lookup, so a service never asked for `timeZone` does not load it, and
 * stays outside the bundle (build/bundle.ts): it reads its boundary files from its own directory.
 *
 * Two caches: place → zone in a `WeakMap` keyed by the place object (the locator hands out one object
 * per cached code, so a zone lives as long as its place and a hit is synchronous), and geo-tz's cache
 * of decoded boundary tiles, whose default never forgets, bounded here. Where no zone or several
 * apply (open sea's `Etc/GMT±N`, a border, a disputed area) the answer is `null`, never a guess.
 */
import { LRUCache } from 'lru-cache';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MaybePromise } from '../maybe-promise.js';
import type { Metrics } from '../observability/metrics.js';

/** Decoded boundary tiles kept: enough for a region's neighbours; an evicted tile is read again from its file. */
export const TILE_CACHE_MAX_ENTRIES = 64;

/** A point on WGS-84, in decimal degrees: a `Place` is one. Its zone is kept by object. */
export interface Point {
  readonly latitude: number;
  readonly longitude: number;
}

/** The IANA zones at a point, as geo-tz's `find` answers them (see `zoneOf`). May throw (an unreadable data file). */
export type FindZones = (latitude: number, longitude: number) => readonly string[];

export interface TimeZonesOptions {
  /** Loads the lookup, once, on the first miss. Default: geo-tz, imported then. Tests pass a counting one. */
  readonly load?: () => Promise<FindZones>;
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
   * The IANA time zone at `point` (`America/Denver`), or `null` where none applies, looked up once
   * per point object. Synchronous once loaded; never rejects: a failure is the `AppError` to show.
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

  private cached(point: Point): string | null | undefined {
    const zone = this.zones.get(point);
    if (zone !== undefined && this.lookups) this.lookups.hit++;
    return zone;
  }

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

  // A failed load is kept for the life of the process, like graphql-jit's: a broken install, not a passing fault.
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

/** The zone for what geo-tz found: the one zone, or `null` for an `Etc/` nautical zone (open sea) or several. */
export function zoneOf(found: readonly string[]): string | null {
  if (found.length !== 1) return null;
  const zone = found[0]!;
  return zone.startsWith('Etc/') ? null : zone;
}

const unavailable = (): AppError => new AppError('TIME_ZONE_UNAVAILABLE', 'Time zones are unavailable on this server.');

async function loadGeoTz(): Promise<FindZones> {
  const geoTz = await import('geo-tz');
  geoTz.setCache({ store: new LRUCache<string, object>({ max: TILE_CACHE_MAX_ENTRIES }) });
  return geoTz.find;
}
