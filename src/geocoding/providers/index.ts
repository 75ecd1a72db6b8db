/**
 * The provider registry: `GEOCODER` names map to factories here. Adding a provider is one new
 * file in this folder and one line in `FACTORIES`.
 */
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Geocoder } from '../geocoder.js';
import { defaultUsDataFile, EmbeddedGeocoder } from './embedded.js';
import { GeocodioGeocoder } from './geocodio.js';
import { NominatimGeocoder } from './nominatim.js';
import { ZippopotamGeocoder } from './zippopotam.js';

export interface ProviderDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

const FACTORIES = {
  embedded: ({ config, logger }: ProviderDeps): Geocoder =>
    new EmbeddedGeocoder({ files: [defaultUsDataFile(), ...config.geonamesFiles], logger: logger.child({ geocoder: 'embedded' }) }),
  zippopotam: ({ config, logger, metrics }: ProviderDeps): Geocoder =>
    new ZippopotamGeocoder({ ...config.zippopotam, upstream: config.upstream, logger: logger.child({ geocoder: 'zippopotam' }), metrics }),
  // config.ts refuses a chain with geocodio and no key, so the key is present here.
  geocodio: ({ config, logger, metrics }: ProviderDeps): Geocoder =>
    new GeocodioGeocoder({ ...config.geocodio, apiKey: config.geocodio.apiKey ?? '', upstream: config.upstream, logger: logger.child({ geocoder: 'geocodio' }), metrics }),
  nominatim: ({ config, logger, metrics }: ProviderDeps): Geocoder =>
    new NominatimGeocoder({ ...config.nominatim, upstream: config.upstream, logger: logger.child({ geocoder: 'nominatim' }), metrics }),
} satisfies Record<string, (deps: ProviderDeps) => Geocoder>;

export type GeocoderName = keyof typeof FACTORIES;
export const GEOCODER_NAMES = Object.keys(FACTORIES) as readonly GeocoderName[];

/** Builds the providers named in `config.geocoders`, in order. */
export function createProviders(deps: ProviderDeps): Geocoder[] {
  return deps.config.geocoders.map((name) => FACTORIES[name as GeocoderName](deps));
}
