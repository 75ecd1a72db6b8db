/**
 * Reads a POST's JSON body for Apollo: within the size limit, as UTF-8, keeping its raw bytes when
 * the response cache wants them as its key. body-parser does the reading (charsets, gzip and
 * deflate, the limit while streaming); a declared `Content-Length` over the limit is refused here
 * first, as soon as the headers are read, instead of after the whole body has been received.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import bodyParser from 'body-parser';
import type { Logger } from '../../logger.js';
import { logFields, type RequestTrace } from '../../observability/tracing.js';
import type { Middleware } from './cors.js';
import { graphqlError, sendJson } from './replies.js';

/** A request whose body was read: `body` is the parsed JSON, `rawBody` its bytes (when kept). */
export type ReadRequest = IncomingMessage & { body?: unknown; rawBody?: Buffer };

export interface BodyReader {
  /** Reads the body into `req.body` and calls `next`, or answers the error itself (413, 415, 400). */
  read(req: IncomingMessage, res: ServerResponse, requestId: string, trace: RequestTrace | undefined, next: () => void): void;
}

export function bodyReader(options: { readonly maxBytes: number; readonly keepRaw: boolean; readonly logger: Logger }): BodyReader {
  const { maxBytes, logger } = options;
  const parse: Middleware = bodyParser.json({
    limit: maxBytes,
    ...(options.keepRaw && {
      verify: (req: IncomingMessage, _res: ServerResponse, raw: Buffer) => {
        (req as ReadRequest).rawBody = raw;
      },
    }),
  });

  const reject = (res: ServerResponse, requestId: string, trace: RequestTrace | undefined, status: number, type: string | undefined): void => {
    logger.info({ ...logFields(requestId, trace), type, status }, 'request body rejected');
    if (status === 413) {
      // Said before the body is read: the connection is closed after it, so the unread body goes nowhere.
      return sendJson(res, 413, graphqlError(`Request body is larger than the limit of ${maxBytes} bytes.`, 'PAYLOAD_TOO_LARGE'), { connection: 'close' });
    }
    if (status === 415) return sendJson(res, 415, graphqlError('Unsupported body encoding or charset: send UTF-8 JSON.', 'UNSUPPORTED_MEDIA_TYPE'));
    return sendJson(res, 400, graphqlError('The request body is not valid JSON.', 'BAD_REQUEST'));
  };

  return {
    read(req, res, requestId, trace, next) {
      const declared = Number(req.headers['content-length']);
      if (declared > maxBytes) {
        reject(res, requestId, trace, 413, 'entity.too.large');
        req.resume(); // discard what the client still sends while the response goes out
        return;
      }
      parse(req, res, (err) => {
        if (!err) return next();
        const { status, type } = err as { status?: number; type?: string };
        reject(res, requestId, trace, status ?? 400, type);
      });
    },
  };
}
