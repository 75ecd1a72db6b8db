/**
 * Configuration: read from environment variables once at start-up, validated, typed and frozen.
 * A bad value stops the process with a message naming the variable and what it accepts.
 * `.env.example` lists every variable with its default.
 */
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { GEOCODER_NAMES } from './geocoding/providers/index.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const bool = (fallback: boolean) => z.stringbool().default(fallback);
const list = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((item) => item.trim()).filter(Boolean));

const readableFile = (file: string): boolean => {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
};

function envSchema(production: boolean) {
  return z.object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65535, 4001),
    HOST: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    GEOCODER: list.refine((names) => names.length > 0 && names.every((n) => (GEOCODER_NAMES as readonly string[]).includes(n)), {
      message: `a comma-separated list of: ${GEOCODER_NAMES.join(', ')}`,
    }),
    GEONAMES_FILES: list.refine((files) => files.every(readableFile), { message: 'comma-separated paths of readable GeoNames files' }),
    CACHE_MAX_ENTRIES: int(1, 100_000_000, 100_000),
    CACHE_TTL_MS: int(1, 365 * 86_400_000, 86_400_000),
    CACHE_NOT_FOUND_TTL_MS: int(1, 365 * 86_400_000, 3_600_000),
    BATCH_WINDOW_MS: int(0, 1_000, 0),
    MAX_DISTANCE_PAIRS: int(1, 100_000, 1_000),
    MAX_MATRIX_CELLS: int(1, 1_000_000, 2_500),
    MAX_BODY_BYTES: int(1_024, 100_000_000, 1_000_000),
    MAX_ENTITIES: int(1, 100_000, 1_000),
    MAX_DEPTH: int(1, 100, 10),
    MAX_ALIASES: int(0, 1_000, 15),
    MAX_DIRECTIVES: int(0, 1_000, 50),
    MAX_COST: int(1, 1_000_000, 5_000),
    MAX_TOKENS: int(100, 1_000_000, 15_000),
    FIELD_SUGGESTIONS: bool(!production),
    INTROSPECTION: bool(!production),
    LANDING_PAGE: bool(!production),
    CORS_ORIGINS: list,
    SHUTDOWN_TIMEOUT_MS: int(0, 600_000, 10_000),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    REDIS_KEY_PREFIX: z.string().min(1).default('postal-distance:v1:'),
    REDIS_TIMEOUT_MS: int(1, 60_000, 100),
    REDIS_LEASE_MS: int(1, 600_000, 10_000),
    REDIS_POLL_MS: int(1, 10_000, 25),
  });
}

export interface Config {
  readonly production: boolean;
  /** TCP port; 0 picks a free one. Default 4001. */
  readonly port: number;
  /** Interface to listen on; unset listens on all. */
  readonly host: string | undefined;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Geocoder chain, tried in order for codes the earlier ones lack. Default `embedded`. */
  readonly geocoders: readonly string[];
  /** GeoNames files loaded after the bundled US data. */
  readonly geonamesFiles: readonly string[];
  readonly cache: {
    /** Most results kept in the in-process LRU. Default 100,000. */
    readonly maxEntries: number;
    /** How long a found location is kept, in ms. Default 1 day. */
    readonly ttlMs: number;
    /** How long a not-found answer is kept, in ms. Default 1 hour. */
    readonly notFoundTtlMs: number;
  };
  /** How long lookups from concurrent operations wait to share one geocoder batch, in ms. 0 = one tick. */
  readonly batchWindowMs: number;
  readonly limits: {
    /** Most pairs in one `distances` call. Default 1,000. */
    readonly maxDistancePairs: number;
    /** Most cells (origins × destinations) in one `distanceMatrix` call. Default 2,500. */
    readonly maxMatrixCells: number;
    /** Largest request body, in bytes; larger ones get 413. Default 1,000,000. */
    readonly maxBodyBytes: number;
    /** Most representations in one `_entities` call. Default 1,000. */
    readonly maxEntities: number;
    /** Deepest field nesting (GraphQL Armor). Default 10: routers wrap entity fields in an inline fragment that counts as a level, so two `distanceTo` hops through a router arrive 7 deep. */
    readonly maxDepth: number;
    /** Most aliases per operation (GraphQL Armor). Default 15. */
    readonly maxAliases: number;
    /** Most directives per operation (GraphQL Armor). Default 50. */
    readonly maxDirectives: number;
    /** Highest static cost (GraphQL Armor's cost model). Default 5,000. */
    readonly maxCost: number;
    /** Most lexical tokens in a document (graphql-js parser). Default 15,000, as Apollo Router's parser. */
    readonly maxTokens: number;
  };
  /** "Did you mean …" suggestions in validation errors. Default on, except in production. */
  readonly fieldSuggestions: boolean;
  /** Schema introspection. Default on, except in production. */
  readonly introspection: boolean;
  /** Apollo Sandbox landing page on GET /graphql. Default on, except in production. */
  readonly landingPage: boolean;
  /** Origins allowed by CORS (`*` for any). Default any in development, none in production. */
  readonly corsOrigins: readonly string[];
  /** How long shutdown waits for in-flight requests, in ms. Default 10 s. */
  readonly shutdownTimeoutMs: number;
  /** The shared second-level cache; absent unless `REDIS_URL` is set. */
  readonly redis:
    | {
        readonly url: string;
        /** Prefix of every key. Default `postal-distance:v1:`. */
        readonly keyPrefix: string;
        /** Longest wait for one Redis command, in ms, before falling back. Default 100. */
        readonly timeoutMs: number;
        /** How long one replica may hold a code while fetching it, in ms. Default 10,000. */
        readonly leaseMs: number;
        /** How often a replica waiting on another's fetch looks for the answer, in ms. Default 25. */
        readonly pollMs: number;
      }
    | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses and validates the environment. Throws `ConfigError` listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  // An empty variable means "unset", as in most .env tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema(production).safeParse({ GEOCODER: 'embedded', ...present });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `  ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    production,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    geocoders: Object.freeze(e.GEOCODER),
    geonamesFiles: Object.freeze(e.GEONAMES_FILES),
    cache: Object.freeze({ maxEntries: e.CACHE_MAX_ENTRIES, ttlMs: e.CACHE_TTL_MS, notFoundTtlMs: e.CACHE_NOT_FOUND_TTL_MS }),
    batchWindowMs: e.BATCH_WINDOW_MS,
    limits: Object.freeze({
      maxDistancePairs: e.MAX_DISTANCE_PAIRS,
      maxMatrixCells: e.MAX_MATRIX_CELLS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxEntities: e.MAX_ENTITIES,
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxDirectives: e.MAX_DIRECTIVES,
      maxCost: e.MAX_COST,
      maxTokens: e.MAX_TOKENS,
    }),
    fieldSuggestions: e.FIELD_SUGGESTIONS,
    introspection: e.INTROSPECTION,
    landingPage: e.LANDING_PAGE,
    corsOrigins: Object.freeze(e.CORS_ORIGINS.length > 0 ? e.CORS_ORIGINS : production ? [] : ['*']),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    redis: e.REDIS_URL
      ? Object.freeze({ url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX, timeoutMs: e.REDIS_TIMEOUT_MS, leaseMs: e.REDIS_LEASE_MS, pollMs: e.REDIS_POLL_MS })
      : undefined,
  });
}
