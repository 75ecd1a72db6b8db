/**
 * `npm run -s schema:print`: writes to standard output the SDL this subgraph serves as configured
 * by the environment (`SCHEMA_PREFIX`, and the limits its cost hints state), exactly as a router
 * reads it from `_service { sdl }`. For `rover supergraph compose` with a schema file, or to
 * publish to a schema registry, when the names or limits differ from schema.graphql's.
 * A bad variable stops it with the same message as the service.
 */
import { graphql } from 'graphql';
import { loadConfigOrExit } from '../src/config.js';
import { createSchema, namingFor } from '../src/graphql/schema.js';

const config = loadConfigOrExit();
const schema = createSchema({ naming: namingFor(config.schema.prefix), limits: config.limits });
const result = await graphql({ schema, source: '{ _service { sdl } }' });
const sdl = (result.data?._service as { sdl?: unknown } | undefined)?.sdl;
if (typeof sdl !== 'string') throw new Error(`The schema did not print: ${JSON.stringify(result.errors)}`);
process.stdout.write(sdl.endsWith('\n') ? sdl : `${sdl}\n`);
