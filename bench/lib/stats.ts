/** Small statistics and formatting helpers for the bench tables. */

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The p-th percentile (nearest rank) of a sorted array. */
export const percentile = (sorted: ArrayLike<number>, p: number): number =>
  sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))]!;

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const ms = (n: number): string => n.toFixed(2);
export const ratio = (n: number): string => `${n.toFixed(2)}×`;
export const mb = (bytes: number | null): string => (bytes === null ? 'n/a' : `${Math.round(bytes / 1024 / 1024)} MB`);

/** Renders rows as a fixed-width table: first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
