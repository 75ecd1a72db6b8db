/**
 * The import graph of src/ runs one way: each folder imports only folders below it in LAYERS, and
 * the files of src/ itself are either shared leaves (below every folder) or the top (the process,
 * its configuration and the assembly). docs/architecture.md draws the same order. Within a folder,
 * no file imports itself back through others: a cycle would leave one module half-initialized.
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

/** The relative imports of `file`, resolved to the .ts files they name. */
function importsOf(file: string): { specifier: string; target: string }[] {
  return [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((match) => ({
    specifier: match[1]!,
    target: path.resolve(path.dirname(file), match[1]!.replace(/\.js$/, '.ts')),
  }));
}

/** Every import cycle found by a depth-first walk, each as the files around it. */
function cycles(files: readonly string[]): string[][] {
  const edges = new Map(files.map((file) => [file, importsOf(file).map((edge) => edge.target)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') found.push(stack.slice(stack.indexOf(next)).map((f) => path.relative(SRC, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
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
      for (const { specifier, target } of importsOf(file)) {
        const to = layerOf(target);
        if (to !== from && LAYERS.indexOf(to as (typeof LAYERS)[number]) > LAYERS.indexOf(from as (typeof LAYERS)[number])) {
          upward.push(`${path.relative(SRC, file)} (${from}) imports ${specifier} (${to})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it('imports every relative module that exists', () => {
    const missing = files.flatMap((file) => importsOf(file).filter(({ target }) => !files.includes(target)).map(({ specifier }) => `${path.relative(SRC, file)}: ${specifier}`));
    expect(missing).toEqual([]);
  });

  it('has no import cycle between files', () => {
    expect(cycles(files)).toEqual([]);
  });
});
