import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('has defaults that serve the embedded data on port 4001', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4001, geocoders: ['embedded'], production: false, introspection: true, landingPage: true });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('turns introspection, the landing page and CORS off in production unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ introspection: false, landingPage: false, corsOrigins: [] });
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', LANDING_PAGE: '1' })).toMatchObject({ introspection: true, landingPage: true });
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

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', GEOCODER: '' })).toMatchObject({ port: 4001, geocoders: ['embedded'] });
  });
});
