/**
 * The shape of a provider that answers one postal code per HTTP request (Zippopotam, Nominatim).
 * It takes any number of keys per call (not a batch size of 1, which would make the chain call it
 * once per key and bypass its concurrency cap's queue) and sends each as its own request through
 * the provider's policy; every failure becomes that key's error result, never its neighbours'.
 */
import type { GeocodeResult, Geocoder } from '../geocoder.js';
import type { PostalKey } from '../../postal/postal-code.js';
import type { TraceSpan } from '../../observability/tracing.js';
import { failed } from './failure.js';
import type { UpstreamClient, UpstreamRequest, UpstreamResponse } from './upstream-client.js';

export abstract class SingleLookupGeocoder implements Geocoder {
  abstract readonly name: string;
  readonly maxBatchSize = Number.POSITIVE_INFINITY;
  protected abstract readonly client: UpstreamClient;

  /** The request for one key, and how to read its answer (throwing a malformed-answer error for one that breaks the contract). */
  protected abstract lookupOf(key: PostalKey): { readonly request: UpstreamRequest; readonly parse: (answer: UpstreamResponse) => GeocodeResult };

  async ready(): Promise<void> {}

  geocode(keys: readonly PostalKey[], span?: TraceSpan): Promise<readonly GeocodeResult[]> {
    return Promise.all(keys.map((key) => this.lookup(key, span)));
  }

  async close(): Promise<void> {
    this.client.close();
  }

  private async lookup(key: PostalKey, span: TraceSpan | undefined): Promise<GeocodeResult> {
    try {
      const { request, parse } = this.lookupOf(key);
      return await this.client.request(request, parse, span);
    } catch (error) {
      return failed(error, this.name);
    }
  }
}
