/** Where things are: the project this suite tests, and the engines' executables in compat/node_modules. */
import { fileURLToPath } from 'node:url';

/** The project root (the parent of compat/). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The compat package's root. */
export const COMPAT_ROOT = fileURLToPath(new URL('../', import.meta.url));

const bin = (path: string): string => fileURLToPath(new URL(`../node_modules/${path}`, import.meta.url));

/** Cosmo's CLI (`wgc router compose`). */
export const WGC = bin('.bin/wgc');
/** Hive Gateway's CLI. */
export const HIVE_GATEWAY = bin('.bin/hive-gateway');
/** The Grafbase CLI: its npm package ships the binary without declaring it as a bin. */
export const GRAFBASE = bin('@grafbase/cli-x86_64-unknown-linux-musl/grafbase');

/** The service as built by `npm run build`. */
export const SERVICE_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
/** The example stores subgraph's schema and its entry point. */
export const STORES_SCHEMA = fileURLToPath(new URL('../../examples/stores/schema.graphql', import.meta.url));
export const STORES_DATA = fileURLToPath(new URL('../../examples/stores/stores.json', import.meta.url));
export const STORES_MAIN = fileURLToPath(new URL('../../examples/stores/main.ts', import.meta.url));
