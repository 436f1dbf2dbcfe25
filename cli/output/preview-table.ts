// `strata show`'s rows, printed as dbt prints an agate table (print_table) or writes it as JSON (to_json).

/** How a column's values are shown: agate's data types, as dbt's type tester picks them. */
type ColumnKind = 'integer' | 'number' | 'date' | 'datetime' | 'boolean' | 'text';

/** Rows of a query, as the connection returned them. */
export interface PreviewRows {
  columns: string[];
  /** Database type of each column, where the driver says. */
  columnTypes: string[];
  rows: Record<string, unknown>[];
}

/** agate's print_table defaults, which dbt keeps: six columns, cells cut at 20 characters. */
const MAX_COLUMNS = 6;
const MAX_COLUMN_WIDTH = 20;
/** agate shows at most three decimal places, marking values cut short. */
const MAX_PRECISION = 3;

/** The rows as JSON values: numbers as numbers, dates as ISO text, NULL as null. */
export function previewJson(preview: PreviewRows): Record<string, unknown>[] {
  const kinds = columnKinds(preview);
  return preview.rows.map((row) => Object.fromEntries(preview.columns.map((c, i) => [c, jsonValue(row[c], kinds[i] as ColumnKind)])));
}

/**
 * The rows as agate prints them: `| a | b |`, a `| - | - |` rule, then a line per row; text
 * left-aligned, numbers, dates and booleans right-aligned; NULL empty; wide tables cut to six
 * columns and long cells to 20 characters, each with `...`.
 */
export function previewTable(preview: PreviewRows): string[] {
  const kinds = columnKinds(preview);
  const shown = preview.columns.slice(0, MAX_COLUMNS);
  const cut = preview.columns.length > MAX_COLUMNS;
  const decimals = shown.map((c, i) =>
    kinds[i] === 'number'
      ? decimalPlaces(
          preview.columnTypes[i] ?? '',
          preview.rows.map((r) => r[c]),
        )
      : 0,
  );
  const cells = preview.rows.map((row) =>
    shown.map((c, i) => {
      const text = textValue(row[c], kinds[i] as ColumnKind);
      return clip(kinds[i] === 'number' ? formatNumber(text, decimals[i] as number) : text);
    }),
  );
  const headers = shown.map(clip);
  const widths = shown.map((_, i) => Math.max(headers[i]?.length ?? 0, ...cells.map((r) => r[i]?.length ?? 0)));
  const right = shown.map((_, i) => kinds[i] !== 'text');
  const line = (values: string[], ellipsis: string) =>
    `| ${[...values.map((v, i) => (right[i] ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number))), ...(cut ? [ellipsis] : [])].join(' | ')} |`;
  return [
    line(headers, '...'),
    line(
      widths.map((w) => '-'.repeat(w)),
      '---',
    ),
    ...cells.map((r) => line(r, '...')),
  ];
}

function clip(text: string): string {
  return text.length > MAX_COLUMN_WIDTH ? `${text.slice(0, MAX_COLUMN_WIDTH - 3)}...` : text;
}

function columnKinds(preview: PreviewRows): ColumnKind[] {
  return preview.columns.map((column, i) => {
    const type = (preview.columnTypes[i] ?? '').toLowerCase();
    if (/^(tiny|small|big|huge|u)?int(eger)?\d*$|^u(tiny|small|big|huge)int$|serial/.test(type)) return 'integer';
    if (/^(numeric|decimal|double|float|real)/.test(type)) return 'number';
    if (type === 'date') return 'date';
    if (type.startsWith('timestamp')) return 'datetime';
    if (type.startsWith('bool')) return 'boolean';
    const values = preview.rows.map((r) => r[column]).filter((v) => v !== null && v !== undefined);
    if (values.length === 0) return 'text';
    if (values.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) return 'integer';
    if (values.every((v) => typeof v === 'number' || typeof v === 'bigint')) return 'number';
    if (values.every((v) => v instanceof Date)) return 'datetime';
    if (values.every((v) => typeof v === 'boolean')) return 'boolean';
    return 'text';
  });
}

function jsonValue(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'integer' || kind === 'number') {
    const n = Number(value);
    // Past 2^53 a number would change the value: keep its digits as text.
    return typeof value === 'bigint' && !Number.isSafeInteger(n) ? value.toString() : n;
  }
  if (value instanceof Date) return kind === 'date' ? isoDate(value) : isoDateTime(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function textValue(value: unknown, kind: ColumnKind): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return kind === 'date' ? isoDate(value) : isoDateTime(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'object') return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

/**
 * Decimal places the column is shown with, at most agate's three: a declared scale
 * (`DECIMAL(10,2)`), else the most any value has (a value as exact text, `12.50`, keeps its zeros).
 */
function decimalPlaces(type: string, values: unknown[]): number {
  const scale = /\(\s*\d+\s*,\s*(\d+)\s*\)/.exec(type)?.[1];
  if (scale !== undefined) return Math.min(Number(scale), MAX_PRECISION);
  let places = 0;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    places = Math.max(places, /\.(\d+)$/.exec(String(v))?.[1]?.length ?? 0);
  }
  return Math.min(places, MAX_PRECISION);
}

/** A decimal as agate formats it: thousands grouped, a fixed number of places. */
function formatNumber(text: string, places: number): string {
  if (text === '') return text;
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  return n.toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places });
}

/**
 * A date's calendar day. Drivers give a DATE as midnight, in UTC (DuckDB) or in local time
 * (node-postgres): whichever of the two it is, the day is the same.
 */
function isoDate(date: Date): string {
  const utcMidnight = date.getUTCHours() === 0 && date.getUTCMinutes() === 0 && date.getUTCSeconds() === 0;
  const [y, m, d] = utcMidnight
    ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]
    : [date.getFullYear(), date.getMonth() + 1, date.getDate()];
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A timestamp in Python's isoformat (as agate writes it), in UTC. */
function isoDateTime(date: Date): string {
  const iso = date.toISOString().replace('Z', '');
  return iso.endsWith('.000') ? iso.slice(0, -4) : iso;
}
