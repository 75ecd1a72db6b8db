/**
 * The README's Errors table lists every `extensions.code` the service itself answers with: the
 * domain codes (`ErrorCode` in src/errors.ts) and those the HTTP layer writes (src/server/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
  );
}

/** The README's Errors section, up to the next heading. */
const errorsSection = (): string => /^## Errors\n([^]*?)^## /m.exec(read('README.md'))?.[1] ?? '';

describe("the README's Errors table", () => {
  const domain = [...(/export type ErrorCode =([^;]*);/.exec(read('src/errors.ts'))?.[1] ?? '').matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
  const http = sources('src/server').flatMap((file) => [...read(file).matchAll(/graphqlError\([^;]*?'([A-Z_]+)'\)|code: '([A-Z_]+)'/g)].map((m) => (m[1] ?? m[2])!));

  it('reads the codes from the sources', () => {
    expect(domain).toContain('POSTAL_CODE_NOT_FOUND');
    expect(http).toContain('PAYLOAD_TOO_LARGE');
  });

  it('lists every code the service answers with', () => {
    const section = errorsSection();
    expect([...new Set([...domain, ...http])].filter((code) => !section.includes(`\`${code}\``))).toEqual([]);
  });
});
