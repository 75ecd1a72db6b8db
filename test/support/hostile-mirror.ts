/**
 * What a hostile or broken GeoNames mirror sends, as answers for the local mirror's `override`
 * (geonames-mirror.ts): zip bombs, an endless body, a Content-Length of gigabytes, millions of rows,
 * one enormous line, a trickle, and rows that only look like numbers. Each is made cheaply and
 * streamed as it is sent, never held: a bomb repeats one deflated block (deflate's full flush
 * resets its window, so a block decodes the same wherever it stands), and millions of rows are
 * generated and deflated on the way out. Every answer stops when the client hangs up.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import yazl from 'yazl';
import { buildZip, README, type ZipEntry } from './geonames-mirror.js';

/** An answer the mirror gives instead of the file. */
export type Responder = (req: IncomingMessage, res: ServerResponse) => void;

/** A valid row of `country`, about `bytes` long (its third admin name pads it). */
export function paddedRow(country: string, code: string, bytes: number): string {
  const row = (pad: string) => `${country}\t${code}\tPlace\tAdmin\tA1\t\t\t${pad}\t\t48.2\t16.37\t4\n`;
  return row('x'.repeat(Math.max(0, bytes - row('').length)));
}

/** A deflated block of `text` repeated to about 1 MiB (whole repetitions), ending in a full flush; and its inflated length. */
function deflatedBlock(text: string): { readonly block: Buffer; readonly inflated: number } {
  const plain = Buffer.from(text.repeat(Math.max(1, Math.floor(2 ** 20 / Buffer.byteLength(text)))));
  return { block: zlib.deflateRawSync(plain, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH }), inflated: plain.length };
}

/** A deflate stream's last block: final, empty. */
const FINAL_BLOCK = zlib.deflateRawSync(Buffer.alloc(0));

/**
 * A zip with one deflated entry, `name`, whose data is `text` repeated to at least `inflatedBytes`,
 * declaring `declaredBytes` for it (the truth unless told otherwise). Written by hand: a local
 * header, the repeated block, a central directory. Its CRC-32 is 0: nothing here checks it
 * (yauzl does not), and computing it would mean inflating the bomb.
 */
export function repeatedZip(name: string, text: string, inflatedBytes: number, declaredBytes?: number): { readonly responder: Responder; readonly inflatedBytes: number; readonly zipBytes: number } {
  const { block, inflated } = deflatedBlock(text);
  const blocks = Math.ceil(inflatedBytes / inflated);
  const compressed = blocks * block.length + FINAL_BLOCK.length;
  const actual = blocks * inflated;
  const declared = declaredBytes ?? actual;
  if (declared > 0xfffffffe || compressed > 0xfffffffe) throw new Error('too large for a zip without zip64');
  const fileName = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(0x21, 12); // 1980-01-01
  local.writeUInt32LE(compressed, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(0x21, 14);
  central.writeUInt32LE(compressed, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(fileName.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(local.length + fileName.length + compressed, 16);
  const zipBytes = local.length + fileName.length + compressed + central.length + fileName.length + end.length;
  function* parts(): Generator<Buffer> {
    yield local;
    yield fileName;
    for (let i = 0; i < blocks; i++) yield block;
    yield FINAL_BLOCK;
    yield central;
    yield fileName;
    yield end;
  }
  const responder: Responder = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zipBytes });
    send(parts(), res);
  };
  return { responder, inflatedBytes: actual, zipBytes };
}

/** A 200 with no length whose body never ends: 64 KiB chunks for as long as the client reads. */
export const endlessBody: Responder = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/zip' });
  const chunk = Buffer.alloc(64 * 1024, 0x50);
  send(
    (function* () {
      for (;;) yield chunk;
    })(),
    res,
  );
};

/** A 200 announcing `bytes` (gigabytes), sending a few and then nothing. */
export const hugeContentLength =
  (bytes: number): Responder =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': bytes });
    res.write('PK');
  };

/** A 200 whose body is one byte every `intervalMs`, for ever: never idle long enough to time out. */
export const trickle =
  (intervalMs: number): Responder =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip' });
    const timer = setInterval(() => res.write('P'), intervalMs);
    res.on('close', () => clearInterval(timer));
  };

/**
 * A zip of `rows` distinct rows of `country` (codes 0, 1, 2…) in `name`, generated and deflated as
 * it is sent (yazl, streaming: sizes and CRC in a data descriptor), so ten million rows cost no memory.
 */
export const manyRows =
  (name: string, country: string, rows: number): Responder =>
  (_req, res) => {
    function* text(): Generator<Buffer> {
      let batch = '';
      for (let i = 0; i < rows; i++) {
        batch += `${country}\t${i}\t\t\t\t\t\t\t\t0\t0\n`; // the shortest row: 11 columns, no names
        if (batch.length > 60_000) {
          yield Buffer.from(batch);
          batch = '';
        }
      }
      if (batch) yield Buffer.from(batch);
    }
    const zip = new yazl.ZipFile();
    zip.addReadStream(Readable.from(text(), { objectMode: false }), name, { compressionLevel: 1 });
    zip.end();
    res.writeHead(200, { 'content-type': 'application/zip' });
    pipeline(zip.outputStream, res, () => undefined);
  };

/** Sends `chunks` as the body, as fast as the client reads; stops generating when it hangs up. */
function send(chunks: Iterable<Buffer>, res: ServerResponse): void {
  pipeline(Readable.from(chunks, { objectMode: false }), res, () => undefined);
}

/** A zip of `entries` (with GeoNames' readme), served whole. */
export async function zipAnswer(entries: readonly ZipEntry[]): Promise<Responder> {
  const zip = await buildZip([...entries, { name: 'readme.txt', contents: README }]);
  return (_req, res) => void res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length }).end(zip);
}
