/**
 * The contract every geocoder provider implements: a batch of keys in, one result per key out,
 * in the same order. Providers never throw for a single key; they answer it with an error result,
 * so one bad code or one failed upstream call never takes its neighbours down.
 */
import { z } from 'zod';
import type { AppError } from '../errors.js';
import type { TraceSpan } from '../observability/tracing.js';
import type { SpatialIndex } from '../spatial/spatial-index.js';
import { postalCodePrefix, type PostalKey, type PostalPrecision } from './postal-code.js';

/**
 * The longest place or region name accepted from a provider, a data file or the shared cache.
 * GeoNames' longest names are well under 100 characters; a 900 KB "place name" is an attack or a
 * broken answer, and 300 of them held 335 MB of cache.
 */
export const MAX_NAME_LENGTH = 200;

/**
 * A postal code resolved to a point and its place: the model behind the GraphQL `Location`.
 * `postalCode` is the code asked (canonical); the data may hold only its first part.
 */
export interface Place extends PostalKey {
  /** The code of the data row that answered: `postalCode` itself, or its first part (`SW1A` for `SW1A 1AA`). */
  readonly matchedPostalCode: string;
  /** `PREFIX` when the answer is for the code's first part only. */
  readonly precision: PostalPrecision;
  readonly latitude: number;
  readonly longitude: number;
  readonly placeName: string | null;
  readonly adminName: string | null;
  readonly adminCode: string | null;
}

export type GeocodeResult =
  | { readonly kind: 'found'; readonly place: Place }
  /** The provider answered and has no such code. `reason` says why when it knows (e.g. a country it lacks). */
  | { readonly kind: 'notFound'; readonly reason?: string }
  /** The provider could not answer (down, timed out, rate limited): never cached, the next request tries again. */
  | { readonly kind: 'error'; readonly error: AppError };

/** An answer that settles the question (found or not), so it may be cached; errors never are. */
export type Settled = Extract<GeocodeResult, { kind: 'found' | 'notFound' }>;

/** A settled not-found answer. */
export type NotFound = Extract<GeocodeResult, { kind: 'notFound' }>;

/**
 * What a provider with its data in memory answers at once: the place, or not found; `undefined`
 * when it cannot answer synchronously (its data is still loading, or a later provider must be asked).
 */
export type LocatedNow = Place | NotFound | undefined;

/** Whether an answer from `locateNow` is a place (a `NotFound` carries `kind`, a place does not). */
export const isPlace = (answer: Place | NotFound): answer is Place => !('kind' in answer);

/** What a provider with local data has loaded and which of its downloads failed, for `/readyz`. */
export interface DatasetsReport {
  /** Files loaded, in order; `source` is where the file came from (bundled, DATA_DIR, GEONAMES_FILES). */
  readonly loaded: readonly { readonly file: string; readonly source: string; readonly rows: number; readonly replaced: number }[];
  /** Datasets that could not be downloaded at start-up, or files not loaded (too many codes for memory), with the error code and the message. */
  readonly failed: readonly { readonly dataset: string; readonly code: string; readonly message: string }[];
}

/**
 * The postal codes a provider holds in memory, for the spatial searches (`Location.nearby`,
 * `Query.nearestLocations`): they cover the loaded data, whichever provider resolves single codes.
 */
export interface LoadedPlaces {
  /** Every code held, in per-country kd-trees (src/spatial/). */
  readonly index: SpatialIndex;
  /**
   * The place of a code the data holds as a row of its own (a code of {@link index}), as `geocode`
   * answers it; undefined when no row holds it. Cheap: a lookup and one object.
   */
  place(countryCode: string, postalCode: string): Place | undefined;
}

export interface Geocoder {
  /** Short name used in configuration (`GEOCODER`), logs and metrics. */
  readonly name: string;
  /** The most keys one `geocode` call may carry; the chain splits larger batches. */
  readonly maxBatchSize: number;
  /** Postal codes held in memory, for providers with a local dataset (reported as a metric). */
  readonly size?: number;
  /** For providers with local datasets: what is loaded and what failed (see `DatasetsReport`). */
  datasets?(): DatasetsReport | undefined;
  /** For providers with local datasets: what they hold, for spatial search; undefined until `ready()` resolves. */
  places?(): LoadedPlaces | undefined;
  /** Resolves when the provider can answer (e.g. its dataset is loaded). */
  ready(): Promise<void>;
  /**
   * One result per key, in the order of `keys`. Must not reject. `span` is the batch's span when
   * tracing: calls to other services (a provider's HTTP API, Redis) start their spans under it.
   */
  geocode(keys: readonly PostalKey[], span?: TraceSpan): Promise<readonly GeocodeResult[]>;
  /**
   * For providers whose data is in memory (the embedded GeoNames index): the answer at once,
   * without a promise, a batch or a cache in front of it; `undefined` to be asked through
   * `geocode`. Must agree with `geocode`. The locator asks it before anything else.
   */
  locateNow?(key: PostalKey): LocatedNow;
  /** Releases sockets and timers. */
  close?(): Promise<void>;
}

export const found = (place: Place): Settled => ({ kind: 'found', place });

/**
 * A provider's answer for `key`, from the data row of `matchedPostalCode` (the key's own code by
 * default; its first part when that is all the provider answered). The place is built field by
 * field, in the order the embedded index uses, so every provider's places share one object shape,
 * and without an object spread (`{ ...key, latitude, ... }` measured 2.5 µs a call here: 0.5 ms per
 * 200-code batch).
 */
export const foundAt = (
  key: PostalKey,
  where: Omit<Place, keyof PostalKey | 'matchedPostalCode' | 'precision'>,
  matchedPostalCode: string = key.postalCode,
): Settled =>
  found({
    countryCode: key.countryCode,
    postalCode: key.postalCode,
    matchedPostalCode,
    precision: matchedPostalCode === key.postalCode ? 'POSTAL_CODE' : 'PREFIX',
    latitude: where.latitude,
    longitude: where.longitude,
    placeName: where.placeName,
    adminName: where.adminName,
    adminCode: where.adminCode,
  });
const name = z.string().min(1).max(MAX_NAME_LENGTH).nullable();

/** A settled answer as stored outside this process (the shared cache), checked as strictly as a provider's. */
const SettledSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('found'),
    place: z.object({
      countryCode: z.string(),
      postalCode: z.string(),
      matchedPostalCode: z.string(),
      precision: z.enum(['POSTAL_CODE', 'PREFIX']),
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      placeName: name,
      adminName: name,
      adminCode: name,
    }),
  }),
  z.object({ kind: z.literal('notFound'), reason: z.string().max(500).optional() }),
]);

/**
 * A settled answer for `key` read back from outside the process, or `undefined` when it is not one:
 * the wrong shape, coordinates out of range, names too long, or a place of another code (its own
 * code, or its first part with precision PREFIX, are the only codes a place for `key` may carry).
 */
export function toSettled(value: unknown, key: PostalKey): Settled | undefined {
  const parsed = SettledSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const settled = parsed.data;
  if (settled.kind === 'notFound') return notFound(settled.reason);
  const { place } = settled;
  if (place.countryCode !== key.countryCode || place.postalCode !== key.postalCode) return undefined;
  const matched = place.matchedPostalCode;
  if (matched !== key.postalCode && matched !== postalCodePrefix(key)) return undefined;
  if (place.precision !== (matched === key.postalCode ? 'POSTAL_CODE' : 'PREFIX')) return undefined;
  return foundAt(key, place, matched);
}

export const notFound = (reason?: string): Settled =>
  reason === undefined ? { kind: 'notFound' } : { kind: 'notFound', reason };
