// Entry point: turns on Node's module compile cache (docs/operations.md), then loads service.ts: a file of its own, as
// the cache covers only modules compiled after it is on. An unusable cache never fails a start.
import module from 'node:module';

module.enableCompileCache();

await import('./service.js');
