/**
 * Configuration: read from environment variables once at start-up, validated, typed and frozen.
 * A bad value stops the process with a message naming the variable and what it accepts.
 * `.env.example` lists every variable with its default.
 */
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { GEOCODER_NAMES } from './geocoding/providers/index.js';
import { DEFAULT_NOMINATIM_USER_AGENT, PUBLIC_NOMINATIM_URL } from './geocoding/providers/nominatim.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const bool = (fallback: boolean) => z.stringbool().default(fallback);
const list = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((item) => item.trim()).filter(Boolean));

/** An absolute http(s) URL without a trailing slash, so paths can be appended. */
const baseUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, message: 'an absolute http:// or https:// URL' })
    .default(fallback)
    .transform((url) => url.replace(/\/+$/, ''));

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
    GEOCODER: list.refine(
      (names) => names.length > 0 && names.every((n) => (GEOCODER_NAMES as readonly string[]).includes(n)) && new Set(names).size === names.length,
      { message: `a comma-separated list of: ${GEOCODER_NAMES.join(', ')} (each at most once)` },
    ),
    GEONAMES_FILES: list.refine((files) => files.every(readableFile), { message: 'comma-separated paths of readable GeoNames files' }),
    CACHE_MAX_ENTRIES: int(1, 100_000_000, 100_000),
    CACHE_TTL_MS: int(1, 365 * 86_400_000, 86_400_000),
    CACHE_NOT_FOUND_TTL_MS: int(1, 365 * 86_400_000, 3_600_000),
    CACHE_STALE_MAX_MS: int(0, 365 * 86_400_000, 7 * 86_400_000),
    BATCH_WINDOW_MS: int(0, 1_000, 0),
    UPSTREAM_TIMEOUT_MS: int(10, 300_000, 5_000),
    UPSTREAM_RETRIES: int(0, 10, 2),
    UPSTREAM_RETRY_BASE_DELAY_MS: int(1, 60_000, 200),
    UPSTREAM_RETRY_MAX_DELAY_MS: int(1, 600_000, 5_000),
    UPSTREAM_BREAKER_THRESHOLD: int(1, 10_000, 5),
    UPSTREAM_BREAKER_HALF_OPEN_MS: int(10, 3_600_000, 10_000),
    ZIPPOPOTAM_URL: baseUrl('https://api.zippopotam.us'),
    ZIPPOPOTAM_CONCURRENCY: int(1, 1_000, 8),
    GEOCODIO_URL: baseUrl('https://api.geocod.io'),
    GEOCODIO_API_KEY: z.string().min(1).optional(),
    GEOCODIO_API_VERSION: z
      .string()
      .regex(/^v\d+(\.\d+)*$/, { message: 'a version path segment such as v1.11' })
      .default('v1.11'),
    GEOCODIO_BATCH_SIZE: int(1, 10_000, 10_000),
    GEOCODIO_CONCURRENCY: int(1, 64, 2),
    GEOCODIO_TIMEOUT_MS: int(10, 600_000, 30_000),
    NOMINATIM_URL: baseUrl(PUBLIC_NOMINATIM_URL),
    NOMINATIM_USER_AGENT: z.string().min(1).max(512).default(DEFAULT_NOMINATIM_USER_AGENT),
    NOMINATIM_EMAIL: z.email().optional(),
    NOMINATIM_ACCEPT_LANGUAGE: z.string().min(1).max(100).default('en'),
    NOMINATIM_MIN_INTERVAL_MS: int(0, 600_000, 1_000),
    MAX_DISTANCE_PAIRS: int(1, 100_000, 1_000),
    MAX_MATRIX_CELLS: int(1, 1_000_000, 2_500),
    MAX_BODY_BYTES: int(1_024, 100_000_000, 1_000_000),
    MAX_ENTITIES: int(1, 100_000, 1_000),
    MAX_POSTAL_CODES: int(1, 1_000_000, 3_000),
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
    RESPONSE_CACHE_MAX_BYTES: int(0, 4_294_967_295, 16 * 1024 * 1024),
    RESPONSE_CACHE_TTL_MS: int(1, 365 * 86_400_000, 60_000),
    JIT_MAX_OPERATIONS: int(0, 1_000_000, 1_000),
    JIT_COMPILE_AFTER: int(0, 1_000_000, 1),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    REDIS_KEY_PREFIX: z.string().min(1).default('postal-distance:v1:'),
    REDIS_TIMEOUT_MS: int(1, 60_000, 100),
    REDIS_LEASE_MS: int(1, 600_000, 10_000),
    REDIS_POLL_MS: int(1, 10_000, 25),
  })
    .superRefine((e, ctx) => {
      // Requirements that span variables: a provider in the chain must be usable, and the public
      // Nominatim instance's usage policy (1 request/s, an identifying User-Agent) is not optional.
      const uses = (name: string) => e.GEOCODER.includes(name);
      if (uses('geocodio') && !e.GEOCODIO_API_KEY) {
        ctx.addIssue({ code: 'custom', path: ['GEOCODIO_API_KEY'], message: 'required when GEOCODER includes geocodio' });
      }
      if (e.UPSTREAM_RETRY_MAX_DELAY_MS < e.UPSTREAM_RETRY_BASE_DELAY_MS) {
        ctx.addIssue({ code: 'custom', path: ['UPSTREAM_RETRY_MAX_DELAY_MS'], message: 'must be at least UPSTREAM_RETRY_BASE_DELAY_MS' });
      }
      if (uses('nominatim') && e.NOMINATIM_URL === PUBLIC_NOMINATIM_URL) {
        if (e.NOMINATIM_MIN_INTERVAL_MS < 1_000) {
          ctx.addIssue({ code: 'custom', path: ['NOMINATIM_MIN_INTERVAL_MS'], message: 'at least 1000 on the public instance (its usage policy: 1 request per second)' });
        }
        if (production && e.NOMINATIM_USER_AGENT === DEFAULT_NOMINATIM_USER_AGENT) {
          ctx.addIssue({
            code: 'custom',
            path: ['NOMINATIM_USER_AGENT'],
            message: 'set it to identify this deployment with contact details (the public instance usage policy), e.g. "acme-shipping/2.1 (ops@acme.example)"',
          });
        }
      }
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
    /**
     * How long past its TTL an answer may still be served while the geocoder is failing, in ms,
     * with a `STALE_LOCATION` warning. 0 never serves stale answers. Default 7 days.
     */
    readonly staleMaxMs: number;
  };
  /** How long lookups from concurrent operations wait to share one geocoder batch, in ms. 0 = one tick. */
  readonly batchWindowMs: number;
  /** Resilience of every call to a remote geocoder (see `geocoding/http/`). */
  readonly upstream: UpstreamConfig;
  readonly zippopotam: {
    /** Base URL; requests go to `{url}/{country}/{code}`. Default `https://api.zippopotam.us`. */
    readonly url: string;
    /** Most lookups in flight at once (one request per code). Default 8. */
    readonly concurrency: number;
  };
  readonly geocodio: {
    /** Base URL; batches go to `{url}/{apiVersion}/geocode`. Default `https://api.geocod.io`. */
    readonly url: string;
    /** Required when the chain includes geocodio. Never logged. */
    readonly apiKey: string | undefined;
    /** The version path segment Geocodio requires. Default `v1.11`. */
    readonly apiVersion: string;
    /** Most lookups per batch request; Geocodio allows 10,000. Default 10,000. */
    readonly batchSize: number;
    /** Most batch requests in flight at once. Default 2. */
    readonly concurrency: number;
    /** Per-request timeout for a batch, in ms (large batches take longer than single lookups). Default 30 s. */
    readonly timeoutMs: number;
  };
  readonly nominatim: {
    /** Base URL; requests go to `{url}/search`. Default the public instance. */
    readonly url: string;
    /** Identifies this deployment to the operator of the instance, as its usage policy requires. */
    readonly userAgent: string;
    /** Sent as `email` so the instance's operator can reach you; optional. */
    readonly email: string | undefined;
    /** `Accept-Language` for place names. Default `en`. */
    readonly acceptLanguage: string;
    /** Least time between the starts of two requests, across the whole process, in ms. Default 1,000 (the policy's maximum rate). */
    readonly minIntervalMs: number;
  };
  readonly limits: {
    /** Most pairs in one `distances` call. Default 1,000. */
    readonly maxDistancePairs: number;
    /** Most cells (origins × destinations) in one `distanceMatrix` call. Default 2,500. */
    readonly maxMatrixCells: number;
    /** Largest request body, in bytes; larger ones get 413. Default 1,000,000. */
    readonly maxBodyBytes: number;
    /** Most representations in one `_entities` call. Default 1,000. */
    readonly maxEntities: number;
    /**
     * Most distinct postal codes one operation may look up. Default 3,000: above the most any one
     * field accepts (2,000 for 1,000 pairs; 2,501 for a 1 × 2,500 matrix), far below an alias flood.
     */
    readonly maxPostalCodes: number;
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
  /** Whole responses kept for repeated identical requests (see src/server/response-cache.ts). */
  readonly responseCache: {
    /** Most bytes of requests and responses kept; 0 turns the cache off. Default 16 MiB. */
    readonly maxBytes: number;
    /** Longest a response is kept, in ms; never past its `Cache-Control` max-age. Default 60 s. */
    readonly ttlMs: number;
  };
  /** Compiled execution (graphql-jit; see src/graphql/executor.ts). */
  readonly jit: {
    /** Most compiled operations kept; 0 turns compilation off (graphql-js executes everything). Default 1,000. */
    readonly maxOperations: number;
    /** Executions by graphql-js before an operation is compiled; 0 compiles it the first time. Default 1. */
    readonly compileAfter: number;
  };
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

export interface UpstreamConfig {
  /** Per-attempt timeout of a remote call, body included, in ms. Default 5,000. */
  readonly timeoutMs: number;
  /** Retries after the first attempt, on 5xx, 429 and network errors only. Default 2. */
  readonly retries: number;
  /** First retry delay (exponential backoff with decorrelated jitter grows from it), in ms. Default 200. */
  readonly retryBaseDelayMs: number;
  /** Longest wait before one retry, in ms; a `Retry-After` asking for longer is not retried. Default 5,000. */
  readonly retryMaxDelayMs: number;
  /** Consecutive failed attempts (5xx, network, timeout, malformed body) that open the circuit. Default 5. */
  readonly breakerThreshold: number;
  /** How long an open circuit fails fast before one probe request is let through, in ms. Default 10,000. */
  readonly breakerHalfOpenAfterMs: number;
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
    cache: Object.freeze({
      maxEntries: e.CACHE_MAX_ENTRIES,
      ttlMs: e.CACHE_TTL_MS,
      notFoundTtlMs: e.CACHE_NOT_FOUND_TTL_MS,
      staleMaxMs: e.CACHE_STALE_MAX_MS,
    }),
    batchWindowMs: e.BATCH_WINDOW_MS,
    upstream: Object.freeze({
      timeoutMs: e.UPSTREAM_TIMEOUT_MS,
      retries: e.UPSTREAM_RETRIES,
      retryBaseDelayMs: e.UPSTREAM_RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: e.UPSTREAM_RETRY_MAX_DELAY_MS,
      breakerThreshold: e.UPSTREAM_BREAKER_THRESHOLD,
      breakerHalfOpenAfterMs: e.UPSTREAM_BREAKER_HALF_OPEN_MS,
    }),
    zippopotam: Object.freeze({ url: e.ZIPPOPOTAM_URL, concurrency: e.ZIPPOPOTAM_CONCURRENCY }),
    geocodio: Object.freeze({
      url: e.GEOCODIO_URL,
      apiKey: e.GEOCODIO_API_KEY,
      apiVersion: e.GEOCODIO_API_VERSION,
      batchSize: e.GEOCODIO_BATCH_SIZE,
      concurrency: e.GEOCODIO_CONCURRENCY,
      timeoutMs: e.GEOCODIO_TIMEOUT_MS,
    }),
    nominatim: Object.freeze({
      url: e.NOMINATIM_URL,
      userAgent: e.NOMINATIM_USER_AGENT,
      email: e.NOMINATIM_EMAIL,
      acceptLanguage: e.NOMINATIM_ACCEPT_LANGUAGE,
      minIntervalMs: e.NOMINATIM_MIN_INTERVAL_MS,
    }),
    limits: Object.freeze({
      maxDistancePairs: e.MAX_DISTANCE_PAIRS,
      maxMatrixCells: e.MAX_MATRIX_CELLS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxEntities: e.MAX_ENTITIES,
      maxPostalCodes: e.MAX_POSTAL_CODES,
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
    responseCache: Object.freeze({ maxBytes: e.RESPONSE_CACHE_MAX_BYTES, ttlMs: e.RESPONSE_CACHE_TTL_MS }),
    jit: Object.freeze({ maxOperations: e.JIT_MAX_OPERATIONS, compileAfter: e.JIT_COMPILE_AFTER }),
    redis: e.REDIS_URL
      ? Object.freeze({ url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX, timeoutMs: e.REDIS_TIMEOUT_MS, leaseMs: e.REDIS_LEASE_MS, pollMs: e.REDIS_POLL_MS })
      : undefined,
  });
}
