import type { GeocodeResult, Geocoder } from '../../src/geocoding/geocoder.js';
import { keyId, type PostalKey } from '../../src/postal/postal-code.js';
import type { TraceSpan } from '../../src/observability/tracing.js';

/** Wraps a geocoder and records every batch it is asked, as key ids, so tests assert exact batches. */
export class CountingGeocoder implements Geocoder {
  readonly batches: string[][] = [];
  readonly name: string;
  readonly maxBatchSize: number;

  constructor(private readonly inner: Geocoder) {
    this.name = inner.name;
    this.maxBatchSize = inner.maxBatchSize;
  }

  /** Total keys asked across all batches. */
  get keysAsked(): number {
    return this.batches.reduce((n, batch) => n + batch.length, 0);
  }

  ready(): Promise<void> {
    return this.inner.ready();
  }

  geocode(keys: readonly PostalKey[], span?: TraceSpan): Promise<readonly GeocodeResult[]> {
    this.batches.push(keys.map(keyId));
    return this.inner.geocode(keys, span);
  }
}

/** A geocoder answering from a fixed script, for loader tests that need not-found and failures on demand. */
export class ScriptedGeocoder implements Geocoder {
  readonly name = 'scripted';
  constructor(
    private readonly answer: (key: PostalKey) => GeocodeResult,
    readonly maxBatchSize = Number.POSITIVE_INFINITY,
  ) {}
  async ready(): Promise<void> {}
  async geocode(keys: readonly PostalKey[]): Promise<readonly GeocodeResult[]> {
    return keys.map(this.answer);
  }
}
