import type { QueryResult } from '../adapter/connection.js';
import { templateLog } from './invocation.js';
import { PyDateTime } from './python-modules.js';
import { PyDecimal, PyObject, PyTuple, numberOf, str, toFloat } from './py-values.js';

/**
 * Query results as dbt hands them to templates: an agate Table (`run_query`, `load_result(…).table`)
 * whose rows and columns are agate's MappedSequences, readable by position and by name, with
 * values typed as dbt's drivers give them to Python (ints, Decimals, floats, dates, datetimes).
 */

/** agate's MappedSequence: a sequence whose items also have names (`columns['id']`, `row['id']`). */
export class MappedSequence<T = unknown> extends PyObject {
  readonly pyType: string = 'MappedSequence';
  constructor(
    protected readonly entries: readonly T[],
    protected readonly names: readonly string[],
  ) {
    super();
  }
  keys(): PyTuple<string> {
    return PyTuple.fromItems<string>(this.names);
  }
  values(): PyTuple<T> {
    return PyTuple.fromItems(this.entries);
  }
  items(): unknown[] {
    return this.names.map((name, i) => PyTuple.of<unknown>(name, this.entries[i]));
  }
  get(key: unknown, fallback: unknown = null): unknown {
    const found = this.pyGetItem(key);
    return found === undefined ? fallback : found;
  }
  dict(): Record<string, unknown> {
    return Object.fromEntries(this.names.map((name, i) => [name, this.entries[i]]));
  }
  override pyItems(): unknown[] {
    return [...this.entries];
  }
  override pyGetItem(key: unknown): unknown {
    if (typeof key === 'string') {
      const index = this.names.indexOf(key);
      return index < 0 ? undefined : this.entries[index];
    }
    const n = numberOf(key);
    if (n === undefined || !Number.isInteger(n)) return undefined;
    const at = n < 0 ? this.entries.length + n : n;
    return at >= 0 && at < this.entries.length ? this.entries[at] : undefined;
  }
  override pyEquals(other: unknown): boolean {
    return (
      other instanceof MappedSequence &&
      other.entries.length === this.entries.length &&
      other.entries.every((e, i) => e === this.entries[i])
    );
  }
}

/** An agate Row: its values by position or column name. */
export class AgateRow extends MappedSequence {
  override readonly pyType = 'Row';
  override pyRepr(): string {
    return `<agate.Row: (${this.entries.map((v) => str(v)).join(', ')})>`;
  }
}

/** An agate Column: `name`, `data_type`, `values()` (a tuple, as agate gives it). */
export class AgateColumn extends MappedSequence {
  override readonly pyType = 'Column';
  constructor(
    readonly name: string,
    readonly data_type: string,
    values: readonly unknown[],
  ) {
    super(values, []);
  }
  values_distinct(): PyTuple {
    return PyTuple.fromItems([...new Set(this.entries)]);
  }
  values_without_nulls(): PyTuple {
    return PyTuple.fromItems(this.entries.filter((v) => v !== null));
  }
  override pyRepr(): string {
    return `<agate.Column ${this.name}>`;
  }
}

/** An agate Table. Iterating it (or indexing it) gives its rows. */
export class AgateTable extends PyObject {
  readonly pyType = 'Table';
  readonly rows: MappedSequence<AgateRow>;
  readonly columns: MappedSequence<AgateColumn>;
  readonly column_names: PyTuple<string>;
  readonly column_types: PyTuple<string>;

  constructor(names: readonly string[], types: readonly string[], rows: readonly unknown[][]) {
    super();
    this.column_names = PyTuple.fromItems(names);
    this.column_types = PyTuple.fromItems(types);
    this.rows = new MappedSequence(
      rows.map((values) => new AgateRow(values, names)),
      [],
    );
    this.columns = new MappedSequence(
      names.map(
        (name, i) =>
          new AgateColumn(
            name,
            types[i] ?? 'Text',
            rows.map((r) => r[i]),
          ),
      ),
      names,
    );
  }

  /** agate prints the table for a person; dbt users call it to debug: shown in the log. */
  print_table(...args: unknown[]): null {
    void args;
    const header = this.column_names.join(' | ');
    templateLog(
      [
        header,
        ...this.rows.pyItems().map((row) =>
          (row as AgateRow)
            .pyItems()
            .map((v) => str(v))
            .join(' | '),
        ),
      ].join('\n'),
    );
    return null;
  }
  override pyItems(): unknown[] {
    return this.rows.pyItems();
  }
  override pyGetItem(key: unknown): unknown {
    return this.rows.pyGetItem(key);
  }
  override pyRepr(): string {
    return '<agate.table.Table object>';
  }
}

/** dbt's result of a statement: `{'response': …, 'data': [[…]], 'table': Table}` (also by attribute). */
export function statementResult(table: AgateTable, rowsAffected: number): Record<string, unknown> {
  return {
    response: { _message: 'OK', code: 'OK', rows_affected: rowsAffected },
    data: table.rows.pyItems().map((row) => (row as AgateRow).pyItems()),
    table,
  };
}

/** A query result as an agate table, each value converted by its column's database type. */
export function agateTable(result: QueryResult): AgateTable {
  const types = result.columns.map((_, i) => result.columnTypes?.[i] ?? '');
  const rows = result.rows.map((row) => result.columns.map((c, i) => pythonValue(row[c], types[i] as string)));
  return new AgateTable(result.columns, types.map(agateType), rows);
}

/** agate's name for the type of a column of this database type. */
function agateType(dbType: string): string {
  const t = dbType.toLowerCase();
  if (/int|decimal|numeric|double|float|real/.test(t)) return 'Number';
  if (t.startsWith('timestamp')) return 'DateTime';
  if (t === 'date') return 'Date';
  if (t.startsWith('bool')) return 'Boolean';
  return 'Text';
}

/** A database value as Python would hold it after dbt's driver and agate. */
export function pythonValue(value: unknown, dbType: string): unknown {
  if (value === null || value === undefined) return null;
  const t = dbType.toLowerCase();
  if (typeof value === 'bigint')
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
  if (/^(decimal|numeric)/.test(t)) {
    if (typeof value === 'string') return new PyDecimal(value);
    // DuckDB hands decimals over as doubles: its declared scale gives back the digits.
    const scale = /\(\s*\d+\s*,\s*(\d+)\s*\)/.exec(t)?.[1];
    if (typeof value === 'number') return new PyDecimal(scale !== undefined ? value.toFixed(Number(scale)) : String(value));
  }
  if (/^(bigint|int8|hugeint|ubigint|uhugeint)$/.test(t) && typeof value === 'string' && /^-?\d+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : BigInt(value);
  }
  if (/^(double|float|real|float4|float8|double precision)$/.test(t) && typeof value === 'number') return toFloat(value);
  if (value instanceof Date) return new PyDateTime(value, t === 'date');
  return value;
}
