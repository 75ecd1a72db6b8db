import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFiles } from '../../src/data/changes.js';

const row = (cc: string, code: string, lat: string, lon: string) => [cc, code, 'Place', 'Region', 'RG', '', '', '', '', lat, lon, '4'].join('\t');

function file(lines: readonly string[]): string {
  const name = path.join(mkdtempSync(path.join(tmpdir(), 'changes-')), 'DE.txt');
  writeFileSync(name, `${lines.join('\n')}\n`);
  return name;
}

describe('what changed between two versions of a dataset', () => {
  it('lists the codes added and removed, and those moved more than 100 m by the geodesic, with how far', async () => {
    const before = file([row('DE', '10115', '52.5323', '13.3846'), row('DE', '10117', '52.5170', '13.3872'), row('DE', '80331', '48.1372', '11.5755')]);
    // 10115 moves about 1.1 km north; 10117 about 55 m (a rounding, not a move).
    const after = file([row('DE', '10115', '52.5423', '13.3846'), row('DE', '10117', '52.5175', '13.3872'), row('DE', '20095', '53.5511', '9.9937')]);
    const changes = await compareFiles(before, after);
    expect(changes).toMatchObject({
      codesBefore: 3,
      codesAfter: 3,
      added: [{ countryCode: 'DE', postalCode: '20095' }],
      removed: [{ countryCode: 'DE', postalCode: '80331' }],
      moved: [{ countryCode: 'DE', postalCode: '10115' }],
    });
    expect(changes.moved[0]!.meters).toBeCloseTo(1_112.5, 0);
  });

  it('compares codes as the service keys them, and counts a code once, at its first row', async () => {
    const before = file([row('GB', 'SW1A1AA', '51.501', '-0.1416'), row('GB', 'SW1A 2AA', '51.5034', '-0.1276')]);
    const after = file([row('GB', 'SW1A 1AA', '51.501', '-0.1416'), row('GB', 'SW1A 2AA', '51.5034', '-0.1276'), row('GB', 'SW1A 2AA', '52', '-1'), row('GB', 'EC1A 1BB', '51.52', '-0.1'), row('GB', 'EC1A 1BB', '51.52', '-0.1')]);
    expect(await compareFiles(before, after)).toEqual({ codesBefore: 2, codesAfter: 3, added: [{ countryCode: 'GB', postalCode: 'EC1A 1BB' }], removed: [], moved: [] });
  });

  it('with no file before, every code is added', async () => {
    expect(await compareFiles(null, file([row('DE', '10115', '52.5', '13.4')]))).toEqual({ codesBefore: 0, codesAfter: 1, added: [{ countryCode: 'DE', postalCode: '10115' }], removed: [], moved: [] });
  });
});
