/**
 * Lines out of a stream of chunks, each a range of the chunk it arrived in (no string, no copy). Only
 * a line cut by a chunk's end is carried, never past the limit: a longer line is reported once, as
 * soon as it passes it, and skipped. So memory is bounded by the limit and time linear in the input.
 */
import { CARRIAGE_RETURN, MAX_LINE_BYTES, NEWLINE } from './format.js';

export interface LineSink {
  /** A non-blank line `buf[start, end)` without its LF or CRLF; the bytes are valid only during the call. */
  line(buf: Buffer, start: number, end: number): void;
  /** A line over the limit, reported once; its bytes are not handed over. */
  tooLong(): void;
}

export class LineReader {
  private lines = 0;
  /** The start of a line cut short by the end of a chunk; one byte over the limit, for a line at the limit and its CR. */
  private readonly carry: Buffer;
  private carried = 0;
  /** Inside a line already reported too long: everything up to the next line break is dropped. */
  private skipping = false;

  constructor(
    private readonly sink: LineSink,
    readonly maxLineBytes = MAX_LINE_BYTES,
  ) {
    this.carry = Buffer.allocUnsafe(maxLineBytes + 1);
  }

  /** Lines begun so far, blank ones included: during a call to the sink, the number of the line it is given. */
  get lineNumber(): number {
    return this.lines;
  }

  push(chunk: Buffer): void {
    let from = 0;
    if (this.carried > 0 || this.skipping) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) return this.hold(chunk, 0);
      if (this.skipping) {
        this.skipping = false;
      } else if (this.carried + nl > this.maxLineBytes + 1) {
        this.carried = 0;
        this.lines++;
        this.sink.tooLong();
      } else {
        chunk.copy(this.carry, this.carried, 0, nl);
        const length = this.carried + nl;
        this.carried = 0;
        this.emit(this.carry, 0, length);
      }
      from = nl + 1;
    }
    for (let nl = chunk.indexOf(NEWLINE, from); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
      this.emit(chunk, from, nl);
      from = nl + 1;
    }
    if (from < chunk.length) this.hold(chunk, from);
  }

  /** The input is over: hands over a last line without a line break. */
  end(): void {
    const length = this.carried;
    this.carried = 0;
    this.skipping = false;
    if (length > 0) this.emit(this.carry, 0, length);
  }

  private hold(chunk: Buffer, from: number): void {
    if (this.skipping) return;
    const length = chunk.length - from;
    if (this.carried + length > this.maxLineBytes + 1) {
      this.carried = 0;
      this.skipping = true;
      this.lines++;
      this.sink.tooLong();
      return;
    }
    chunk.copy(this.carry, this.carried, from);
    this.carried += length;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.lines++;
    if (end > start && buf[end - 1] === CARRIAGE_RETURN) end--;
    if (end - start > this.maxLineBytes) this.sink.tooLong();
    else if (end > start) this.sink.line(buf, start, end);
  }
}
