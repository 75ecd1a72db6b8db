/** Warnings of one request, in the response's `extensions.warnings`: data the client should know about (`STALE_LOCATION`). */
import type { StaleListener } from '../geocoding/locator.js';
import { keyId, type PostalKey } from '../postal/postal-code.js';

export interface ResponseWarning {
  readonly code: 'STALE_LOCATION';
  readonly postalCode: string;
  readonly countryCode: string;
  readonly message: string;
}

export class ResponseWarnings implements StaleListener {
  // Made on the first warning; keyed, so a code repeated in one request warns once.
  private byKey: Map<string, ResponseWarning> | undefined;

  staleLocation(key: PostalKey): void {
    this.byKey ??= new Map();
    const id = keyId(key);
    if (this.byKey.has(id)) return;
    this.byKey.set(id, {
      code: 'STALE_LOCATION',
      postalCode: key.postalCode,
      countryCode: key.countryCode,
      message: `The geocoder failed, so the location of ${key.postalCode} (${key.countryCode}) was served from the cache past its freshness; it may be out of date.`,
    });
  }

  /** The warnings so far, in the order they arose; empty when there are none. */
  list(): ResponseWarning[] {
    return this.byKey ? [...this.byKey.values()] : [];
  }
}
