/**
 * What a provider module exports: the settings it reads (`defineSettings`), the checks that apply
 * only when `GEOCODER` names it, and how it is built. The registry (`index.ts`) lists them.
 */
import type { z } from 'zod';
import type { LoadedData } from '../../gazetteer/loaded-data.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Mode, Report, Settings } from '../../settings.js';
import type { Geocoder } from '../geocoder.js';
import type { UpstreamOptions } from '../upstream/index.js';

/** What every provider is built with besides its own options. */
export interface ProviderDeps {
  /** Already bound to the provider (`geocoder: name`). */
  readonly logger: Logger;
  readonly metrics?: Metrics | undefined;
  /** The resilience every remote provider shares (`UPSTREAM_*`). */
  readonly upstream: UpstreamOptions;
  /** The data in memory, when `GEOCODER` names `embedded`. */
  readonly data?: LoadedData | undefined;
}

export interface Provider<Shape extends z.ZodRawShape, Options> {
  readonly settings: Settings<Shape, Options>;
  /** Rules that matter only when the chain uses this provider (a required API key, a usage policy). */
  whenUsed?(options: Options, report: Report, mode: Mode): void;
  create(options: Options, deps: ProviderDeps): Geocoder;
}

/** Declares a provider (an identity function that fixes the types). */
export function defineProvider<Shape extends z.ZodRawShape, Options>(provider: Provider<Shape, Options>): Provider<Shape, Options> {
  return provider;
}
