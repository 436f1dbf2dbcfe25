import type { SqlDialect } from '../adapter/dialect.js';
import { selectBody } from '../adapter/sql-text.js';
import type { ColumnInfo } from '../adapter/relation.js';
import { sqlLiteral } from '../plan/test-query.js';
import type { UnitTestRows } from '../project/types.js';

/** Rows in dict form: dict rows as written; CSV rows (text, read when loading) with numbers read as numbers. */
export function dictRows(rows: UnitTestRows): Record<string, unknown>[] {
  const list = Array.isArray(rows.rows) ? rows.rows : [];
  if (rows.format !== 'csv') return list;
  const value = (text: unknown): unknown => (typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  return list.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, value(v)])));
}

/**
 * A select returning fixture rows. With the real relation's columns known, every column is there
 * (missing ones NULL) and cast to the real type, as in dbt; otherwise the rows' own keys are used.
 */
export function fixtureSql(
  rows: UnitTestRows,
  columns: readonly ColumnInfo[],
  dialect: SqlDialect,
  declared: ReadonlyMap<string, string> = new Map(),
): string {
  // A fixture file's select often ends in `;`, which cannot stand inside a CTE.
  if (rows.format === 'sql') return selectBody(String(rows.rows));
  const dicts = dictRows(rows);
  const q = (c: string) => dialect.quoteIdentifier(c);
  const names = columns.length > 0 ? columns.map((c) => c.name) : [...new Set(dicts.flatMap((r) => Object.keys(r)))];
  // Types: the real relation's, else the `data_type` documented for the column, else read off the value.
  const typeOf = new Map([
    ...[...declared].map(([k, v]) => [k.toLowerCase(), v] as const),
    ...columns.map((c) => [c.name.toLowerCase(), c.dataType] as const),
  ]);
  const value = (row: Record<string, unknown>, name: string) => {
    const key = Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
    const raw = key === undefined ? null : row[key];
    const literal = sqlLiteral(raw, dialect);
    const type = typeOf.get(name.toLowerCase()) ?? literalType(raw);
    return type ? `cast(${literal} as ${type})` : literal;
  };
  if (dicts.length === 0) {
    if (names.length === 0)
      throw new Error('an empty fixture needs the real relation to exist (to know its columns); build it once, or give at least one row');
    return `select ${names.map((n) => `${value({}, n)} as ${q(n)}`).join(', ')} where 1 = 0`;
  }
  return dicts.map((row) => `select ${names.map((n) => `${value(row, n)} as ${q(n)}`).join(', ')}`).join('\nunion all\n');
}

/** A type for a value written in a fixture when nothing better is known: ISO dates and timestamps. */
function literalType(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date';
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return 'timestamp';
  return undefined;
}
