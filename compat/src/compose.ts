/**
 * The four composers, behind one signature: subgraph schemas in, a supergraph or the errors out.
 * Apollo's and The Guild's are libraries; Cosmo's (`wgc router compose`) and Grafbase's
 * (`grafbase compose`) are their CLIs, run on files written to a scratch directory.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { composeServices as composeApollo } from '@apollo/composition';
import { composeServices as composeGuild } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { GRAFBASE, WGC } from './paths.js';
import { OFFLINE_ENV, plain, scratchDir } from './processes.js';

export interface SubgraphSchema {
  /** Its name in the supergraph: letters, digits and hyphens (Grafbase's rule, the strictest). */
  readonly name: string;
  /** Where routers reach it. */
  readonly url: string;
  readonly sdl: string;
}

export interface Composition {
  /** The supergraph SDL (Apollo, Guild, Grafbase) or Cosmo's router configuration (JSON); undefined on errors. */
  readonly output: string | undefined;
  /** Each error, as `CODE: message` where the engine gives a code. Empty when it composed. */
  readonly errors: readonly string[];
}

export interface Composer {
  readonly name: string;
  compose(subgraphs: readonly SubgraphSchema[]): Promise<Composition>;
}

const run = promisify(execFile);
const cliEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...OFFLINE_ENV };

/** Writes each subgraph's SDL to `<dir>/<name>.graphql`; returns the paths by name. */
function writeSchemas(dir: string, subgraphs: readonly SubgraphSchema[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const { name, sdl } of subgraphs) {
    const file = path.join(dir, `${name}.graphql`);
    writeFileSync(file, sdl);
    files.set(name, file);
  }
  return files;
}

export const apollo: Composer = {
  name: 'Apollo (@apollo/composition)',
  async compose(subgraphs) {
    const result = composeApollo(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
    if (result.errors) return { output: undefined, errors: result.errors.map((e) => `${String(e.extensions.code)}: ${e.message}`) };
    return { output: result.supergraphSdl, errors: [] };
  },
};

export const guild: Composer = {
  name: 'The Guild (@theguild/federation-composition)',
  async compose(subgraphs) {
    const result = composeGuild(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
    if (result.errors) return { output: undefined, errors: result.errors.map((e) => `${String(e.extensions.code)}: ${e.message}`) };
    return { output: result.supergraphSdl, errors: [] };
  },
};

/** The error lines of wgc's table: its messages are wrapped in a box of `│` borders. */
function wgcErrors(output: string): string[] {
  const lines = plain(output)
    .split('\n')
    .map((line) => /^│(.*)│$/.exec(line.trim())?.[1]?.trim())
    .filter((line): line is string => line !== undefined && line !== '' && line !== 'ERROR_MESSAGE');
  return lines.length > 0 ? [lines.join(' ')] : [plain(output).trim()];
}

export const cosmo: Composer = {
  name: 'Cosmo (wgc router compose)',
  async compose(subgraphs) {
    const dir = scratchDir('wgc');
    const files = writeSchemas(dir, subgraphs);
    // YAML is a superset of JSON: the input file is written as JSON.
    const input = { version: 1, subgraphs: subgraphs.map(({ name, url }) => ({ name, routing_url: url, schema: { file: files.get(name) } })) };
    writeFileSync(path.join(dir, 'graph.yaml'), JSON.stringify(input, null, 2));
    const out = path.join(dir, 'config.json');
    try {
      await run(WGC, ['router', 'compose', '-i', path.join(dir, 'graph.yaml'), '-o', out], { env: cliEnv, cwd: dir, maxBuffer: 16 << 20 });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      return { output: undefined, errors: wgcErrors(`${stdout}\n${stderr}`) };
    }
    if (!existsSync(out)) return { output: undefined, errors: ['wgc exited 0 without writing its router configuration'] };
    return { output: readFileSync(out, 'utf8'), errors: [] };
  },
};

/** `grafbase.toml`'s subgraph sections for `subgraphs`, with their schema files. */
export function grafbaseSubgraphs(dir: string, subgraphs: readonly SubgraphSchema[]): string {
  const files = writeSchemas(dir, subgraphs);
  return subgraphs.map(({ name, url }) => `[subgraphs.${name}]\nurl = ${JSON.stringify(url)}\nschema_path = ${JSON.stringify(files.get(name))}\n`).join('\n');
}

export const grafbase: Composer = {
  name: 'Grafbase (grafbase compose)',
  async compose(subgraphs) {
    const dir = scratchDir('grafbase');
    writeFileSync(path.join(dir, 'grafbase.toml'), grafbaseSubgraphs(dir, subgraphs));
    try {
      const { stdout } = await run(GRAFBASE, ['compose', '-c', path.join(dir, 'grafbase.toml')], { env: cliEnv, cwd: dir, maxBuffer: 16 << 20 });
      return { output: stdout, errors: [] };
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      return { output: undefined, errors: [plain(`${stderr}\n${stdout}`).trim()] };
    }
  },
};

export const COMPOSERS: readonly Composer[] = [apollo, guild, cosmo, grafbase];
