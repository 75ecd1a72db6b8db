/**
 * Response compression for /graphql: a body of at least `minBytes` is sent brotli- or
 * gzip-encoded when the caller accepts it (brotli first: smaller at a lower quality's cost),
 * compressed on zlib's thread pool, never on the event loop. `Vary: Accept, Accept-Encoding` either way,
 * so a cache between the router and the subgraph keeps the encodings apart.
 */
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import Negotiator from 'negotiator';
import { defineSettings, int } from '../../settings.js';

export const compressionSettings = defineSettings({
  title: 'Response compression',
  variables: {
    COMPRESS_MIN_BYTES: int(0, 1_000_000_000, 1_400).describe(
      'Smallest /graphql response body compressed (brotli or gzip, as the caller accepts), in bytes; 0 turns compression off (docs/performance.md says how the default was chosen).',
    ),
  },
  read: (env) => ({ minBytes: env.COMPRESS_MIN_BYTES }),
});

export type Encoding = 'br' | 'gzip';

const ENCODINGS: readonly Encoding[] = ['br', 'gzip'];
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
/** Quality 4: most of brotli's gain for a fraction of its default's (11) CPU. */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };
const GZIP = { level: 5 };

/** The encoding to answer a request with, or undefined for identity. */
export function encodingFor(req: IncomingMessage): Encoding | undefined {
  const accept = req.headers['accept-encoding'];
  if (typeof accept !== 'string' || accept === '') return undefined;
  // `preferred` breaks ties of equal quality in our order; @types/negotiator does not declare the option.
  const negotiator = new Negotiator({ headers: { 'accept-encoding': accept } }) as { encoding(available: string[], options: { preferred: string[] }): string | undefined };
  const chosen = negotiator.encoding([...ENCODINGS], { preferred: [...ENCODINGS] });
  return chosen === 'br' || chosen === 'gzip' ? chosen : undefined;
}

/** `body` encoded with `encoding`. */
export function compress(body: string, encoding: Encoding): Promise<Buffer> {
  return encoding === 'br' ? brotli(body, BROTLI) : gzipped(body, GZIP);
}
