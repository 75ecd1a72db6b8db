/**
 * The provider registry: `GEOCODER` names the providers to chain, in order. Adding a provider is
 * one new file in this folder (its settings, its checks, its factory: see `provider.ts`) and one
 * line in `PROVIDERS`; CONTRIBUTING.md shows the diff.
 */
import type { LoadedData } from '../../gazetteer/loaded-data.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { defineSettings, list, type OptionsOf } from '../../settings.js';
import type { Geocoder } from '../geocoder.js';
import type { UpstreamOptions } from '../upstream/index.js';
import { embedded } from './embedded.js';
import { geocodio } from './geocodio.js';
import { nominatim } from './nominatim.js';
import type { ProviderDeps } from './provider.js';
import { zippopotam } from './zippopotam.js';

export const PROVIDERS = { embedded, zippopotam, geocodio, nominatim };

export type GeocoderName = keyof typeof PROVIDERS;
export const GEOCODER_NAMES = Object.keys(PROVIDERS) as readonly GeocoderName[];
const isGeocoderName = (name: string): name is GeocoderName => Object.hasOwn(PROVIDERS, name);

/** Every provider's options, by name, whether or not the chain uses it. */
export type ProviderOptions = { readonly [Name in GeocoderName]: OptionsOf<(typeof PROVIDERS)[Name]['settings']> };

export const chainSettings = defineSettings({
  title: 'Geocoders',
  variables: {
    GEOCODER: list('embedded')
      .refine((names) => names.length > 0 && names.every(isGeocoderName) && new Set(names).size === names.length, {
        message: `a comma-separated list of: ${GEOCODER_NAMES.join(', ')} (each at most once)`,
      })
      .describe(`The geocoder chain, comma-separated, tried in order for codes the earlier ones lack: ${GEOCODER_NAMES.join(', ')}.`),
  },
  read: (env) => env.GEOCODER.filter(isGeocoderName),
});

export interface ChainDeps {
  readonly logger: Logger;
  readonly metrics?: Metrics | undefined;
  readonly upstream: UpstreamOptions;
  readonly data?: LoadedData | undefined;
}

/** Builds the providers named in `names`, in order. */
export function createProviders(names: readonly GeocoderName[], options: ProviderOptions, { logger, metrics, upstream, data }: ChainDeps): Geocoder[] {
  return names.map((name) => {
    const deps: ProviderDeps = { logger: logger.child({ geocoder: name }), metrics, upstream, data };
    // Each entry's factory takes its own options; TypeScript cannot correlate the name with both.
    const provider = PROVIDERS[name] as { create(options: unknown, deps: ProviderDeps): Geocoder };
    return provider.create(options[name], deps);
  });
}
