/**
 * The embedded geocoder: the postal-code data held in memory (src/gazetteer/), as a provider of the
 * chain. The locator asks the data itself first, at once, when `embedded` heads the chain; this
 * provider answers what reaches the chain (a batch before the data answers, or `embedded` after a
 * remote provider), from whichever gazetteer answers when it is asked.
 */
import type { LoadedData } from '../../gazetteer/loaded-data.js';
import type { PostalKey } from '../../postal/postal-code.js';
import { defineSettings } from '../../settings.js';
import { found, notFound, type GeocodeResult, type Geocoder } from '../geocoder.js';
import { defineProvider } from './provider.js';

export class EmbeddedGeocoder implements Geocoder {
  readonly name = 'embedded';
  // Lookups are in memory: a batch of any size is one call.
  readonly maxBatchSize = Number.POSITIVE_INFINITY;

  constructor(private readonly data: LoadedData) {}

  async ready(): Promise<void> {
    await this.data.answering;
  }

  async geocode(keys: readonly PostalKey[]): Promise<readonly GeocodeResult[]> {
    const gazetteer = await this.data.answering.then(() => this.data.current!);
    return keys.map((key) => {
      const place = gazetteer.locate(key);
      return place ? found(place) : notFound(gazetteer.missingReason(key.countryCode));
    });
  }
}

export const embedded = defineProvider({
  // Its settings are the data's (src/gazetteer/loaded-data.ts), read whichever geocoders run.
  settings: defineSettings({ title: 'Embedded geocoder', variables: {}, read: () => ({}) }),
  create: (_options, { data }) => {
    if (!data) throw new Error('the embedded geocoder needs the loaded data (the assembly makes it when GEOCODER names embedded)');
    return new EmbeddedGeocoder(data);
  },
});
