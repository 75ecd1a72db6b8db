/** The fixture supergraphs, written for this suite (fixtures/README.md says what each models). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SubgraphSchema } from './compose.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface Fixture {
  /** The folder's name, e.g. `relay-posts`. */
  readonly name: string;
  /** Its subgraphs, named as in their supergraph (`@override(from:)` names them): their file names. */
  readonly subgraphs: readonly SubgraphSchema[];
}

/** One fixture supergraph, its subgraphs in file-name order, each at a made-up URL. */
export function fixture(name: string): Fixture {
  const dir = path.join(FIXTURES, name);
  const files = readdirSync(dir).filter((file) => file.endsWith('.graphql')).sort();
  return {
    name,
    subgraphs: files.map((file) => {
      const subgraph = file.replace(/\.graphql$/, '');
      return { name: subgraph, url: `http://${name}-${subgraph}.example/graphql`, sdl: readFileSync(path.join(dir, file), 'utf8') };
    }),
  };
}

/** The fixtures whose names do not clash with ours: composed beside our subgraph with and without SCHEMA_PREFIX. */
export const PUBLIC_FIXTURES: readonly string[] = ['commerce-fed2', 'retail', 'benchmark-fed1', 'relay-posts'];
/** The fixtures that clash with our names: composed only beside our subgraph with SCHEMA_PREFIX=Postal, and refused without it. */
export const CLASHING_FIXTURES: readonly string[] = ['trails-clash'];
