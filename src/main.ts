/**
 * Entry point, `node dist/main.js`: turns on Node's module compile cache where Node has one, then
 * loads the service (service.ts, bundled into dist/service.js by build/bundle.ts).
 *
 * Why a file of its own: Node compiles a module before running any of it, so the cache must be on
 * before the bundle is loaded; called from inside the bundle, it would only cover pino and ioredis.
 *
 * The cache keeps V8's compiled code on disk, so the next start skips most of the compiling. Where:
 * `NODE_COMPILE_CACHE` if set, else `node-compile-cache` in the OS temp directory; the container
 * image sets it to a directory filled when the image is built (docs/operations.md).
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off. It never fails a start: an unwritable or missing
 * directory only means compiling as without it (Node returns a status instead of throwing).
 */
import module from 'node:module';

// No directory argument: Node's own resolution above, which NODE_COMPILE_CACHE overrides.
module.enableCompileCache();

await import('./service.js');
