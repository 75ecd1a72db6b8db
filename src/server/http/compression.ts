/**
 * Response compression for /graphql: a body of at least `minBytes` is sent gzip (level 1), or brotli (quality 1) to a
 * caller that takes brotli but not gzip, compressed on zlib's thread pool; higher levels cost far more CPU for little
 * more. `Vary: Accept, Accept-Encoding` either way, so a cache in between keeps the encodings apart.
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
      'Smallest /graphql response body compressed (gzip, or brotli for a caller that takes only brotli), in bytes; 0 turns compression off. The default is one TCP segment: a smaller body gains no round trip.',
    ),
  },
  read: (env) => ({ minBytes: env.COMPRESS_MIN_BYTES }),
});

export type Encoding = 'br' | 'gzip';

/** In the order preferred when the caller takes several. */
const ENCODINGS: readonly Encoding[] = ['gzip', 'br'];
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };
const GZIP = { level: 1 };

/** The encoding to answer a request with, or undefined for identity. */
export function encodingFor(req: IncomingMessage): Encoding | undefined {
  const accept = req.headers['accept-encoding'];
  if (typeof accept !== 'string' || accept === '') return undefined;
  // `preferred` breaks ties of equal quality in ENCODINGS's order; @types/negotiator does not declare the option.
  const negotiator = new Negotiator({ headers: { 'accept-encoding': accept } }) as { encoding(available: string[], options: { preferred: string[] }): string | undefined };
  const chosen = negotiator.encoding([...ENCODINGS], { preferred: [...ENCODINGS] });
  return chosen === 'br' || chosen === 'gzip' ? chosen : undefined;
}

export function compress(body: string, encoding: Encoding): Promise<Buffer> {
  return encoding === 'br' ? brotli(body, BROTLI) : gzipped(body, GZIP);
}
