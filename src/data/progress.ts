/**
 * The data command's progress display: on a terminal, one bar redrawn in place; anywhere else (a
 * pipe, a container's log), a plain line as each phase starts, so logs stay readable.
 */
import type { AddProgress } from './add.js';

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

export interface Progress {
  /** A dataset's download starts. */
  start(name: string, url: string): void;
  update(progress: AddProgress): void;
  /** Clears the bar, if one is drawn, before a result or error line is written. */
  clear(): void;
}

/** Least time between two redraws of the bar, in ms: a terminal need not redraw per chunk. */
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

export function createProgress(out: Output, now: () => number = Date.now): Progress {
  return out.isTTY ? new Bar(out, now) : new Lines(out);
}

/** One line of the bar: name, phase, bar, percentage and amounts (pure, for tests). */
export function renderBar(name: string, progress: AddProgress, width = BAR_WIDTH): string {
  const { bytes, total } = progress;
  const fraction = total ? Math.min(1, bytes / total) : undefined;
  const phase = progress.phase === 'download' ? 'downloading' : 'checking   ';
  const filled = fraction === undefined ? 0 : Math.round(fraction * width);
  const bar = fraction === undefined ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  `;
  const amount = total ? `${megabytes(bytes)} / ${megabytes(total)} MB` : `${megabytes(bytes)} MB`;
  const rows = progress.phase === 'check' ? `, ${progress.rows.toLocaleString('en-US')} rows` : '';
  return `${name} ${phase} ${bar}${amount}${rows}`;
}

const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(1);

class Bar implements Progress {
  private name = '';
  private drawnAt = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private phase: AddProgress['phase'] | null = null;

  constructor(
    private readonly out: Output,
    private readonly now: () => number,
  ) {}

  start(name: string): void {
    this.name = name;
    this.phase = null;
  }

  update(progress: AddProgress): void {
    const time = this.now();
    const done = progress.total !== undefined && progress.bytes >= progress.total;
    // Always draw a phase's first and last state; in between, at most every REDRAW_MS.
    if (progress.phase === this.phase && !done && time - this.drawnAt < REDRAW_MS) return;
    this.phase = progress.phase;
    this.drawnAt = time;
    const line = renderBar(this.name, progress);
    const width = this.out.columns ?? 80;
    this.out.write(`\r\x1b[K${line.length >= width ? line.slice(0, width - 1) : line}`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

class Lines implements Progress {
  private name = '';
  private phase: AddProgress['phase'] | null = null;

  constructor(private readonly out: Output) {}

  start(name: string, url: string): void {
    this.name = name;
    this.phase = null;
    this.out.write(`${name}: downloading ${url}\n`);
  }

  update(progress: AddProgress): void {
    if (progress.phase === this.phase) return;
    this.phase = progress.phase;
    if (progress.phase === 'check') {
      this.out.write(`${this.name}: checking every row${progress.total ? ` (${megabytes(progress.total)} MB)` : ''}\n`);
    }
  }

  clear(): void {}
}
