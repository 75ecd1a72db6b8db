/**
 * The import graph of src/ runs one way: each folder imports only folders below it in LAYERS, and
 * the files of src/ itself are either shared leaves (below every folder) or the top (the process,
 * its configuration and the assembly). docs/architecture.md draws the same order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Lowest first. `leaves` are src/'s own shared files; `top` the files that compose everything. */
const LAYERS = ['leaves', 'observability', 'geonames', 'geodesy', 'postal', 'spatial', 'place-names', 'data', 'gazetteer', 'geocoding', 'explorer', 'graphql', 'server', 'top'] as const;
const TOP_FILES = new Set(['bin.ts', 'main.ts', 'service.ts', 'config.ts', 'app.ts']);

function layerOf(file: string): string {
  const relative = path.relative(SRC, file);
  const [first] = relative.split(path.sep);
  // The resolver types generated from the schema are the GraphQL layer's own.
  if (relative.includes(path.sep)) return first === 'generated' ? 'graphql' : first!;
  return TOP_FILES.has(relative) ? 'top' : 'leaves';
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'browser' ? [] : sources(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe('the layers of src/', () => {
  const files = sources(SRC);

  it('names every folder in its order', () => {
    const folders = new Set(files.map(layerOf));
    expect([...folders].filter((folder) => !(LAYERS as readonly string[]).includes(folder))).toEqual([]);
  });

  it('has no import from a layer above the importing one', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
        const to = layerOf(path.resolve(path.dirname(file), match[1]!));
        if (to !== from && LAYERS.indexOf(to as (typeof LAYERS)[number]) > LAYERS.indexOf(from as (typeof LAYERS)[number])) {
          upward.push(`${path.relative(SRC, file)} (${from}) imports ${match[1]} (${to})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });
});
