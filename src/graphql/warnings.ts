/**
 * Warnings of one GraphQL request, sent in the response's top-level `extensions.warnings`
 * (an answer that is still data, but that the client should know about). Today: a location served
 * from the cache past its freshness because the geocoder failed (`STALE_LOCATION`).
 */
import type { StaleListener } from '../geocoding/locator.js';
import { keyId, type PostalKey } from '../postal/postal-code.js';

export interface ResponseWarning {
  readonly code: 'STALE_LOCATION';
  readonly postalCode: string;
  readonly countryCode: string;
  readonly message: string;
}

export class ResponseWarnings implements StaleListener {
  // Private: created on the first warning, so a request without any allocates nothing more; keyed so a code repeated 100 times warns once.
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
