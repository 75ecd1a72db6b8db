/**
 * The contract every geocoder implements: a batch of keys in, one result per key out, in the same
 * order. A provider never throws for a single key; it answers it with an error result, so one bad
 * code or one failed upstream call never takes its neighbours down.
 */
import { z } from 'zod';
import type { AppError } from '../errors.js';
import type { TraceSpan } from '../observability/tracing.js';
import { MAX_ACCURACY } from '../geonames/row.js';
import { MAX_NAME_LENGTH, type Place } from '../postal/place.js';
import { postalCodePrefix, type PostalKey } from '../postal/postal-code.js';

export type GeocodeResult =
  | { readonly kind: 'found'; readonly place: Place }
  /** The provider answered and has no such code. `reason` says why when it knows (e.g. a country it lacks). */
  | { readonly kind: 'notFound'; readonly reason?: string }
  /** The provider could not answer (down, timed out, rate limited): never cached, the next request tries again. */
  | { readonly kind: 'error'; readonly error: AppError };

/** An answer that settles the question (found or not), so it may be cached; errors never are. */
export type Settled = Extract<GeocodeResult, { kind: 'found' | 'notFound' }>;

export interface Geocoder {
  /** Its name in `GEOCODER`, logs and metrics. */
  readonly name: string;
  /** The most keys one `geocode` call may carry; the chain splits larger batches. */
  readonly maxBatchSize: number;
  ready(): Promise<void>;
  /** One result per key, in the order of `keys`; must not reject. Calls to other services trace under `span`. */
  geocode(keys: readonly PostalKey[], span?: TraceSpan): Promise<readonly GeocodeResult[]>;
  /** Releases sockets and timers. */
  close?(): Promise<void>;
}

export const found = (place: Place): Settled => ({ kind: 'found', place });

/**
 * A provider's answer for `key`, from the row of `matchedPostalCode` (its first part when that is all
 * the provider answered). Built field by field in the embedded data's order, so every provider's
 * places share one object shape (and no spread on this hot path).
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
    accuracy: where.accuracy,
    source: where.source,
  });
const name = z.string().min(1).max(MAX_NAME_LENGTH).nullable();
/** A source is a provider's or a dataset's name (a file name at the longest). */
const MAX_SOURCE_LENGTH = 255;

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
      accuracy: z.number().int().min(0).max(MAX_ACCURACY).nullable(),
      source: z.string().min(1).max(MAX_SOURCE_LENGTH),
    }),
  }),
  z.object({ kind: z.literal('notFound'), reason: z.string().max(500).optional() }),
]);

/**
 * A settled answer for `key` read back from outside the process, or `undefined` for anything else:
 * the wrong shape, out of range, too long, or a place of another code than `key`'s or its prefix.
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
