import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('has defaults that serve the embedded data on port 4001', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ http: { port: 4001 }, geocoders: ['embedded'], production: false, apollo: { introspection: true }, landingPage: { page: 'graphiql' } });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('turns introspection, the landing page and CORS off in production unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ apollo: { introspection: false }, landingPage: { page: 'off' }, http: { corsOrigins: [] } });
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', LANDING_PAGE: '1' })).toMatchObject({ apollo: { introspection: true }, landingPage: { page: 'graphiql' } });
  });

  it('chooses the explorer with EXPLORER, and refuses one it does not serve', () => {
    expect(loadConfig({ EXPLORER: 'sandbox' }).landingPage).toEqual({ page: 'sandbox' });
    expect(loadConfig({ EXPLORER: 'sandbox', LANDING_PAGE: 'false' }).landingPage).toEqual({ page: 'off' });
    expect(() => loadConfig({ EXPLORER: 'playground' })).toThrow(/EXPLORER="playground"/);
  });

  it('names every bad variable and what it accepts', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', GEOCODER: 'embedded,nonsense', CACHE_TTL_MS: '-5', GEONAMES_FILES: '/no/such/file.txt' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/PORT="eighty"/);
      expect(message).toMatch(/GEOCODER="embedded,nonsense": a comma-separated list of: embedded/);
      expect(message).toMatch(/CACHE_TTL_MS="-5"/);
      expect(message).toMatch(/GEONAMES_FILES="\/no\/such\/file.txt": comma-separated paths of readable GeoNames files/);
    }
  });

  it('serves HTTP with a 30 s request deadline, a 10 s headers timeout, 65 s keep-alive and at most 4,096 connections by default', () => {
    expect(loadConfig({}).http).toMatchObject({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 65_000, maxConnections: 4_096 });
  });

  it('takes the headers timeout down to a request timeout shorter than its default', () => {
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '2000' }).http).toMatchObject({ requestTimeoutMs: 2_000, headersTimeoutMs: 2_000 });
  });

  it('refuses a headers timeout longer than the request timeout, in one line', () => {
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '3000' })).toThrow(/^Invalid configuration: HTTP_HEADERS_TIMEOUT_MS="3000": at most HTTP_REQUEST_TIMEOUT_MS \(2000\)$/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', GEOCODER: '' })).toMatchObject({ http: { port: 4001 }, geocoders: ['embedded'] });
  });

  it('configures the remote geocoders and their resilience with sane defaults', () => {
    const config = loadConfig({});
    expect(config.upstream).toEqual({ timeoutMs: 5_000, retries: 2, retryBaseDelayMs: 200, retryMaxDelayMs: 5_000, breakerThreshold: 5, breakerHalfOpenAfterMs: 10_000 });
    expect(config.providers.zippopotam).toEqual({ url: 'https://api.zippopotam.us', concurrency: 8 });
    expect(config.providers.geocodio).toMatchObject({ url: 'https://api.geocod.io', apiVersion: 'v1.11', batchSize: 10_000, apiKey: undefined });
    expect(config.providers.nominatim).toMatchObject({ url: 'https://nominatim.openstreetmap.org', minIntervalMs: 1_000, acceptLanguage: 'en' });
    expect(config.locator.staleMaxMs).toBe(7 * 86_400_000);
  });

  it('accepts a chain of providers, each once, and base URLs without a trailing slash', () => {
    const config = loadConfig({ GEOCODER: 'embedded, zippopotam,nominatim', ZIPPOPOTAM_URL: 'http://127.0.0.1:9000/', NOMINATIM_URL: 'http://127.0.0.1:9001/nominatim//', NOMINATIM_MIN_INTERVAL_MS: '10' });
    expect(config.geocoders).toEqual(['embedded', 'zippopotam', 'nominatim']);
    expect(config.providers.zippopotam.url).toBe('http://127.0.0.1:9000');
    expect(config.providers.nominatim.url).toBe('http://127.0.0.1:9001/nominatim');
    expect(() => loadConfig({ GEOCODER: 'zippopotam,zippopotam' })).toThrow(/each at most once/);
    expect(() => loadConfig({ ZIPPOPOTAM_URL: 'ftp://example.com' })).toThrow(/ZIPPOPOTAM_URL="ftp:\/\/example.com": an absolute http/);
  });

  it('reads the data directory against the project root, and dataset names in any case, each once', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    expect(loadConfig({}).gazetteer.data).toEqual({
      dir: path.join(root, 'data', 'geonames'),
      countries: [],
      baseUrl: 'https://download.geonames.org/export/zip',
      limits: { maxDownloadBytes: 256 * 2 ** 20, maxFileBytes: 2 ** 30, maxRows: 5_000_000, idleTimeoutMs: 30_000, deadlineMs: 600_000 },
      maxLoadedRows: 6_000_000,
    });
    const config = loadConfig({ DATA_DIR: '/srv/geonames', GEONAMES_COUNTRIES: 'de, GB_full,allcountries,DE', GEONAMES_BASE_URL: 'http://127.0.0.1:9000/zip/' });
    expect(config.gazetteer.data.dir).toBe('/srv/geonames');
    expect(config.gazetteer.data.countries.map((d) => d.name)).toEqual(['DE', 'GB_full', 'allCountries']);
    expect(config.gazetteer.data.baseUrl).toBe('http://127.0.0.1:9000/zip');
    expect(loadConfig({ DATA_DIR: 'elsewhere' }).gazetteer.data.dir).toBe(path.join(root, 'elsewhere'));
    expect(() => loadConfig({ GEONAMES_COUNTRIES: 'DE,Germany' })).toThrow(/GEONAMES_COUNTRIES="DE,Germany": "Germany" is not a GeoNames dataset: give a country code/);
    expect(() => loadConfig({ GEONAMES_COUNTRIES: 'UK' })).toThrow(/GEONAMES_COUNTRIES="UK": "UK" is not a country code: the United Kingdom is GB/);
  });

  it('reads the caps and timeouts of downloads, shared by the data command and the service', () => {
    const { data } = loadConfig({ GEONAMES_MAX_DOWNLOAD_BYTES: '4096', GEONAMES_MAX_FILE_BYTES: '8192', GEONAMES_MAX_ROWS: '10', GEONAMES_MAX_LOADED_ROWS: '20', GEONAMES_IDLE_TIMEOUT_MS: '500', GEONAMES_DOWNLOAD_DEADLINE_MS: '1000' }).gazetteer;
    expect(data).toMatchObject({ limits: { maxDownloadBytes: 4096, maxFileBytes: 8192, maxRows: 10, idleTimeoutMs: 500, deadlineMs: 1000 }, maxLoadedRows: 20 });
    expect(() => loadConfig({ GEONAMES_MAX_ROWS: '0' })).toThrow(/GEONAMES_MAX_ROWS="0"/);
    expect(() => loadConfig({ GEONAMES_DOWNLOAD_DEADLINE_MS: 'soon' })).toThrow(/GEONAMES_DOWNLOAD_DEADLINE_MS="soon"/);
  });

  it('requires a Geocodio key when the chain uses Geocodio', () => {
    expect(() => loadConfig({ GEOCODER: 'geocodio' })).toThrow(/GEOCODIO_API_KEY="": required when GEOCODER includes geocodio/);
    expect(loadConfig({ GEOCODER: 'geocodio', GEOCODIO_API_KEY: 'k' }).providers.geocodio.apiKey).toBe('k');
    expect(() => loadConfig({ GEOCODIO_BATCH_SIZE: '10001' })).toThrow(/GEOCODIO_BATCH_SIZE/);
  });

  it('holds the public Nominatim instance to its usage policy', () => {
    expect(() => loadConfig({ GEOCODER: 'nominatim', NOMINATIM_MIN_INTERVAL_MS: '500' })).toThrow(/NOMINATIM_MIN_INTERVAL_MS="500": at least 1000 on the public instance/);
    expect(() => loadConfig({ GEOCODER: 'nominatim', NODE_ENV: 'production' })).toThrow(/NOMINATIM_USER_AGENT="": set it to identify this deployment/);
    expect(loadConfig({ GEOCODER: 'nominatim', NODE_ENV: 'production', NOMINATIM_USER_AGENT: 'acme/1.0 (ops@acme.example)' }).providers.nominatim.userAgent).toBe('acme/1.0 (ops@acme.example)');
    // A self-hosted instance sets its own rules.
    expect(loadConfig({ GEOCODER: 'nominatim', NODE_ENV: 'production', NOMINATIM_URL: 'http://nominatim.internal:8080', NOMINATIM_MIN_INTERVAL_MS: '0' }).providers.nominatim.minIntervalMs).toBe(0);
  });

  it('refuses a longest retry delay shorter than the first', () => {
    expect(() => loadConfig({ UPSTREAM_RETRY_BASE_DELAY_MS: '500', UPSTREAM_RETRY_MAX_DELAY_MS: '100' })).toThrow(/UPSTREAM_RETRY_MAX_DELAY_MS="100": must be at least UPSTREAM_RETRY_BASE_DELAY_MS/);
  });

  it('turns tracing on only with an OTLP endpoint, and never when OTEL_SDK_DISABLED is true', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_SERVICE_NAME: 'x' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      headers: {},
      exportTimeoutMs: 10_000,
      serviceName: 'postal-distance',
      resourceAttributes: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      scheduleDelayMs: 5_000,
      maxQueueSize: 2_048,
      maxExportBatchSize: 512,
      queueExportTimeoutMs: 30_000,
    });
  });

  it('reads the OTLP traces endpoint as is, percent-encoded headers, and service.name from the resource attributes', () => {
    const tracing = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example/api/traces',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-tenant=ops',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=distances,deployment.environment.name=prod',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.01',
    }).tracing;
    expect(tracing).toMatchObject({
      url: 'https://otlp.example/api/traces',
      protocol: 'http/json',
      headers: { authorization: 'Bearer abc', 'x-tenant': 'ops' },
      serviceName: 'distances',
      resourceAttributes: { 'deployment.environment.name': 'prod' },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.01,
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SERVICE_NAME: 'mine', OTEL_RESOURCE_ATTRIBUTES: 'service.name=theirs' }).tracing?.serviceName).toBe('mine');
  });

  it('refuses grpc, a ratio outside [0, 1], malformed headers and an export batch larger than the queue', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(() => loadConfig({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL="grpc": grpc is not supported: use http\/protobuf/);
    expect(() => loadConfig({ ...endpoint, OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG="1.5"/);
    expect(() => loadConfig({ ...endpoint, OTEL_EXPORTER_OTLP_HEADERS: 'authorization' })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS="authorization": expected key=value pairs/);
    expect(() => loadConfig({ ...endpoint, OTEL_BSP_MAX_QUEUE_SIZE: '10', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '20' })).toThrow(/OTEL_BSP_MAX_EXPORT_BATCH_SIZE="20": must be at most OTEL_BSP_MAX_QUEUE_SIZE/);
  });

  it('.env.example states the defaults: loading it changes nothing', () => {
    const lines = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').split('\n');
    const env = Object.fromEntries(lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['GEOCODER', 'UPSTREAM_TIMEOUT_MS', 'GEOCODIO_API_KEY', 'NOMINATIM_MIN_INTERVAL_MS', 'CACHE_STALE_MAX_MS']));
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });
});
