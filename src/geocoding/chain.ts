/**
 * A chain of geocoders, itself a `Geocoder`: each key goes to the first provider, and only the
 * keys it lacks (or failed on) go on to the next. Each provider gets its keys in batches of at
 * most its own `maxBatchSize`: this is the one place batches are split.
 */
import type { GeocodeResult, Geocoder } from './geocoder.js';
import type { Metrics } from '../observability/metrics.js';
import type { TraceSpan } from '../observability/tracing.js';
import type { PostalKey } from '../postal/postal-code.js';

export class GeocoderChain implements Geocoder {
  readonly name: string;
  // The chain splits per provider itself, so callers may hand it any number of keys.
  readonly maxBatchSize = Number.POSITIVE_INFINITY;

  constructor(
    readonly providers: readonly Geocoder[],
    private readonly metrics?: Metrics,
  ) {
    if (providers.length === 0) throw new Error('GeocoderChain needs at least one provider');
    this.name = providers.map((p) => p.name).join(',');
  }

  async ready(): Promise<void> {
    await Promise.all(this.providers.map((p) => p.ready()));
  }

  async geocode(keys: readonly PostalKey[], span?: TraceSpan): Promise<readonly GeocodeResult[]> {
    const results: GeocodeResult[] = new Array<GeocodeResult>(keys.length);
    let pending = keys.map((_, i) => i);
    for (const provider of this.providers) {
      if (pending.length === 0) break;
      const answers = await geocodeInBatches(provider, pending.map((i) => keys[i] as PostalKey), span);
      const next: number[] = [];
      pending.forEach((keyIndex, j) => {
        const answer = answers[j] as GeocodeResult;
        this.metrics?.countLookup(provider.name, answer.kind);
        // An error from an earlier provider stands unless a later one finds the code.
        const earlier = results[keyIndex];
        results[keyIndex] = answer.kind === 'notFound' && earlier?.kind === 'error' ? earlier : answer;
        if (answer.kind !== 'found') next.push(keyIndex);
      });
      pending = next;
    }
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.providers.map((p) => p.close?.()));
  }
}

/** Splits keys into the provider's batch size and runs the batches concurrently (providers cap their own concurrency). */
async function geocodeInBatches(provider: Geocoder, keys: readonly PostalKey[], span: TraceSpan | undefined): Promise<GeocodeResult[]> {
  const size = provider.maxBatchSize;
  if (keys.length <= size) return [...(await provider.geocode(keys, span))];
  const batches: PostalKey[][] = [];
  for (let i = 0; i < keys.length; i += size) batches.push(keys.slice(i, i + size));
  return (await Promise.all(batches.map((batch) => provider.geocode(batch, span)))).flat();
}
