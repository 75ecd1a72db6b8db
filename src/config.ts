/**
 * Configuration: read from the environment once at start-up, validated, typed and frozen. Each module declares
 * its variables next to its code (settings.ts); this file composes the declarations and infers `Config` from them.
 */
import { z } from 'zod';
import { landingPageSettings } from './explorer/settings.js';
import { gazetteerSettings } from './gazetteer/loaded-data.js';
import { locatorSettings } from './geocoding/locator.js';
import { chainSettings, PROVIDERS, type ProviderOptions } from './geocoding/providers/index.js';
import { sharedCacheSettings } from './geocoding/shared-cache.js';
import { upstreamSettings } from './geocoding/upstream/index.js';
import { jitSettings } from './graphql/executor.js';
import { limitSettings } from './graphql/limits.js';
import { namingSettings } from './graphql/naming.js';
import { logSettings } from './logger.js';
import { tracingSettings } from './observability/tracing.js';
import { apolloSettings } from './graphql/apollo.js';
import { batchSettings } from './server/http/batch.js';
import { compressionSettings } from './server/http/compression.js';
import { responseCacheSettings } from './server/http/response-cache.js';
import { routerGuardSettings } from './server/http/router-guard.js';
import { httpSettings } from './server/http/server.js';
import { shutdownSettings } from './server/shutdown.js';
import type { Mode, OptionsOf, Report } from './settings.js';

const modeSettings = {
  title: 'Mode',
  variables: {
    NODE_ENV: z
      .enum(['development', 'production', 'test'])
      .default('development')
      .describe('development, production or test. Production: JSON logs; introspection, the explorer and CORS off unless enabled.'),
  },
};

/** Every module's settings, by the key its options have in `Config`, in the order the generated files list them. */
export const SECTIONS = {
  http: httpSettings,
  log: logSettings,
  geocoders: chainSettings,
  gazetteer: gazetteerSettings,
  locator: locatorSettings,
  upstream: upstreamSettings,
  limits: limitSettings,
  apollo: apolloSettings,
  landingPage: landingPageSettings,
  schema: namingSettings,
  shutdown: shutdownSettings,
  routerGuard: routerGuardSettings,
  batch: batchSettings,
  compression: compressionSettings,
  responseCache: responseCacheSettings,
  jit: jitSettings,
  redis: sharedCacheSettings,
  tracing: tracingSettings,
};

export const DECLARATIONS: readonly { readonly title: string; readonly variables: z.ZodRawShape }[] = [
  modeSettings,
  ...Object.values(SECTIONS).slice(0, 4),
  // A provider without variables of its own (embedded) has no section.
  ...Object.values(PROVIDERS)
    .map((provider) => provider.settings)
    .filter((settings) => Object.keys(settings.variables).length > 0),
  ...Object.values(SECTIONS).slice(4),
];

export type Config = Readonly<
  Mode & { readonly [Key in keyof typeof SECTIONS]: OptionsOf<(typeof SECTIONS)[Key]> } & {
    /** Every provider's options, whether or not `geocoders` uses it. */
    readonly providers: ProviderOptions;
  }
>;

interface Composable {
  read(env: Record<string, unknown>, mode: Mode): unknown;
  check?(env: Record<string, unknown>, report: Report, mode: Mode): void;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses and validates the environment. Throws `ConfigError` listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "unset", as in most .env tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const shape: z.ZodRawShape = {};
  for (const declaration of DECLARATIONS) Object.assign(shape, declaration.variables);
  const parsed = z.object(shape).safeParse(present);
  const problems: string[] = [];
  const report: Report = (variable, message) => problems.push(`  ${variable}=${JSON.stringify(env[variable] ?? '')}: ${message}`);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report(String(issue.path[0]), issue.message);
    throw invalid(problems);
  }
  const values = parsed.data;
  const mode: Mode = { production: values.NODE_ENV === 'production' };
  // Each declaration reads the variables it declared, which zod has just checked against its schemas.
  const read = (settings: object): unknown => freeze((settings as Composable).read(values, mode));

  const sections = Object.fromEntries(
    Object.entries(SECTIONS).map(([key, settings]) => {
      (settings as Composable).check?.(values, report, mode);
      return [key, read(settings)];
    }),
  ) as { [Key in keyof typeof SECTIONS]: OptionsOf<(typeof SECTIONS)[Key]> };
  const providers = Object.fromEntries(Object.entries(PROVIDERS).map(([name, provider]) => [name, read(provider.settings)])) as unknown as ProviderOptions;
  for (const name of sections.geocoders) {
    (PROVIDERS[name] as { whenUsed?(options: unknown, report: Report, mode: Mode): void }).whenUsed?.(providers[name], report, mode);
  }
  if (problems.length > 0) throw invalid(problems);
  return Object.freeze({ ...mode, ...sections, providers: Object.freeze(providers) });
}

function invalid(problems: readonly string[]): ConfigError {
  return new ConfigError(problems.length === 1 ? `Invalid configuration: ${problems[0]!.trim()}` : `Invalid configuration:\n${problems.join('\n')}`);
}

/** Freezes an options object and its arrays, one level down (options are flat). */
function freeze<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  for (const inner of Object.values(value)) if (Array.isArray(inner)) Object.freeze(inner);
  return Object.freeze(value);
}

/** {@link loadConfig} for a command: a bad variable prints the message on standard error and exits 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
