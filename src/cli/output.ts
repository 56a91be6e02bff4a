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

const cell = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Left-aligned columns separated by two spaces; the last column is not padded so lines have no trailing blanks. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const grid = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => cell(c.get(r))))];
  const widths = columns.map((_, i) => Math.max(...grid.map((line) => line[i]!.length)));
  const lines = grid.map((line) => line.map((v, i) => (i === line.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${lines.join('\n')}\n`;
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Prints `json` as-is in JSON mode, or `rows` as a table. */
export function print<T>(format: OutputFormat, json: unknown, rows: readonly T[], columns: readonly Column<T>[]): void {
  process.stdout.write(format === 'json' ? renderJson(json) : renderTable(rows, columns));
}
