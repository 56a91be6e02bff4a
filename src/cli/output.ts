import { once } from 'node:events';
import { Option } from 'commander';

export type OutputFormat = 'json' | 'table';

/** One table column: its header and how to read the cell from a row. */
export interface Column<T> {
  header: string;
  get: (row: T) => unknown;
}

export function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format').choices(['json', 'table']).default('table');
}

const cell = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Left-aligned columns separated by two spaces; the last column is not padded so lines have no trailing blanks. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const grid = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => cell(c.get(r))))];
  // A fold, not Math.max(...cells): spreading one argument per row overflows the stack on big logs.
  const widths = columns.map((_, i) => grid.reduce((w, line) => Math.max(w, line[i]!.length), 0));
  const lines = grid.map((line) => tableLine(line, widths));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${lines.join('\n')}\n`;
}

const tableLine = (line: readonly string[], widths: readonly number[]): string =>
  line
    .map((v, i) => (i === line.length - 1 ? v : v.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();

/** Writes rows as they arrive, one page at a time, so a listing of millions of rows holds one page in memory. */
export interface RowStream<T> {
  write(rows: readonly T[]): void;
  end(): void;
}

/**
 * The streamed form of `print`: JSON is the same array `print` writes; a table takes its column
 * widths from the first page (later, longer cells widen their line only), since the widths of
 * rows not yet fetched are unknown.
 */
export function printStream<T>(
  format: OutputFormat | 'jsonl',
  columns: readonly Column<T>[],
  out: (s: string) => void = (s) => void process.stdout.write(s),
): RowStream<T> {
  if (format === 'jsonl')
    return { write: (rows) => out(rows.map((r) => `${JSON.stringify(r)}\n`).join('')), end: () => undefined };
  if (format === 'json') return jsonArrayStream(out);
  let widths: number[] | undefined;
  return {
    write: (rows) => {
      const grid = rows.map((r) => columns.map((c) => cell(c.get(r))));
      if (!widths) {
        const head = renderTable(rows, columns);
        widths = head
          .split('\n')[1]!
          .split('  ')
          .map((rule) => rule.length);
        out(head);
        return;
      }
      const w = widths;
      if (grid.length > 0) out(`${grid.map((line) => tableLine(line, w)).join('\n')}\n`);
    },
    end: () => {
      if (!widths) out(renderTable([], columns));
    },
  };
}

/**
 * Waits while stdout's buffer is full. A pipe to a slow reader (less, a log shipper) accepts
 * writes without blocking and buffers them in memory; without this a long export piles up there.
 */
export async function stdoutDrained(): Promise<void> {
  if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
}

/** `[` … `]` around items rendered as renderJson renders an array's elements. */
function jsonArrayStream<T>(out: (s: string) => void): RowStream<T> {
  let count = 0;
  const item = (r: T) => JSON.stringify(r, null, 2).replace(/^/gm, '  ');
  return {
    write: (rows) => {
      if (rows.length === 0) return;
      out(`${count === 0 ? '[\n' : ',\n'}${rows.map(item).join(',\n')}`);
      count += rows.length;
    },
    end: () => out(count === 0 ? '[]\n' : '\n]\n'),
  };
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Prints `json` as-is in JSON mode, or `rows` as a table. */
export function print<T>(format: OutputFormat, json: unknown, rows: readonly T[], columns: readonly Column<T>[]): void {
  process.stdout.write(format === 'json' ? renderJson(json) : renderTable(rows, columns));
}
