import { TemplateCallError, splitArgs } from './call-args.js';
import { PyObject } from './py-values.js';

const STRING_TYPES = new Set(['text', 'character varying', 'character', 'varchar']);
const NUMERIC_TYPES = new Set(['numeric', 'decimal']);
const BASE_FLOATS = ['real', 'float4', 'float', 'double precision', 'float8', 'double'];
const BASE_INTEGERS = [
  'smallint',
  'integer',
  'bigint',
  'smallserial',
  'serial',
  'bigserial',
  'int2',
  'int4',
  'int8',
  'serial2',
  'serial4',
  'serial8',
];
// dbt-duckdb's DuckDBColumn knows DuckDB's own integer names too.
const DUCKDB_INTEGERS = [
  'tinyint',
  'hugeint',
  'utinyint',
  'usmallint',
  'uinteger',
  'ubigint',
  'uhugeint',
  'int1',
  'int',
  'signed',
  'long',
  'short',
  'int128',
];

/** Which adapter's Column class a column follows: dbt-postgres and dbt-duckdb differ slightly. */
export type ColumnFlavour = 'postgres' | 'duckdb' | 'default';

/** dbt's `Column.TYPE_LABELS`: what `api.Column.translate_type('STRING')` gives. */
const TYPE_LABELS: Record<string, string> = { STRING: 'TEXT' };

/**
 * dbt's Column: name, database type and sizes, with dbt's type tests and the `data_type` it
 * writes back in DDL (`character varying(256)`, `numeric(10,2)`). Built from a database's type
 * text the way dbt's `Column.from_description` parses it.
 */
export class ColumnValue extends PyObject {
  readonly pyType: string;

  constructor(
    readonly column: string,
    readonly dtype: string,
    readonly char_size: number | null = null,
    readonly numeric_precision: number | null = null,
    readonly numeric_scale: number | null = null,
    private readonly flavour: ColumnFlavour = 'default',
  ) {
    super();
    this.pyType = flavour === 'postgres' ? 'PostgresColumn' : flavour === 'duckdb' ? 'DuckDBColumn' : 'Column';
  }

  /** dbt's `Column.from_description(name, 'character varying(256)')`. */
  static fromDescription(name: string, rawType: string, flavour: ColumnFlavour = 'default'): ColumnValue {
    const match = /^([^(]+)(\(([^)]+)\))?/.exec(rawType);
    if (!match) throw new TemplateCallError('template-render', `Could not interpret data type "${rawType}"`);
    const sizes = match[3]?.split(',').map((p) => p.trim()) ?? [];
    const int = (text: string) => {
      if (!/^-?\d+$/.test(text))
        throw new TemplateCallError(
          'template-render',
          `Could not interpret data_type "${rawType}": could not convert "${text}" to an integer`,
        );
      return Number(text);
    };
    const dtype = (match[1] as string).trim();
    if (sizes.length === 1) return new ColumnValue(name, dtype, int(sizes[0] as string), null, null, flavour);
    if (sizes.length === 2) return new ColumnValue(name, dtype, null, int(sizes[0] as string), int(sizes[1] as string), flavour);
    return new ColumnValue(name, dtype, null, null, null, flavour);
  }

  get name(): string {
    return this.column;
  }
  get quoted(): string {
    return `"${this.column}"`;
  }
  get data_type(): string {
    const lower = this.dtype.toLowerCase();
    // dbt-postgres keeps text, and varchar without a length, as they are.
    if (this.flavour === 'postgres' && (lower === 'text' || (lower === 'character varying' && this.char_size === null))) return this.dtype;
    if (this.is_string()) return `character varying(${this.string_size()})`;
    if (this.is_numeric())
      return this.numeric_precision === null || this.numeric_scale === null
        ? this.dtype
        : `${this.dtype}(${this.numeric_precision},${this.numeric_scale})`;
    return this.dtype;
  }
  get expanded_data_type(): string {
    return this.data_type;
  }

  is_string(): boolean {
    return STRING_TYPES.has(this.dtype.toLowerCase());
  }
  is_numeric(): boolean {
    return NUMERIC_TYPES.has(this.dtype.toLowerCase());
  }
  is_integer(): boolean {
    const lower = this.dtype.toLowerCase();
    return BASE_INTEGERS.includes(lower) || (this.flavour === 'duckdb' && DUCKDB_INTEGERS.includes(lower));
  }
  is_float(): boolean {
    const lower = this.dtype.toLowerCase();
    // dbt-duckdb leaves out 'double precision', which DuckDB reports as DOUBLE anyway.
    return this.flavour === 'duckdb' ? BASE_FLOATS.includes(lower) && lower !== 'double precision' : BASE_FLOATS.includes(lower);
  }
  is_number(): boolean {
    return this.is_integer() || this.is_numeric() || this.is_float();
  }

  string_size(): number {
    if (!this.is_string()) throw new TemplateCallError('template-render', 'Called string_size() on non-string field!');
    return this.dtype === 'text' || this.char_size === null ? 256 : this.char_size;
  }

  /** Whether this string column can be widened to hold `other`'s values. */
  can_expand_to(other: unknown): boolean {
    if (!(other instanceof ColumnValue) || !this.is_string() || !other.is_string()) return false;
    return other.string_size() > this.string_size();
  }

  /** `value::data_type`, as dbt writes a typed literal. */
  literal(value: unknown): string {
    return `${String(value)}::${this.data_type}`;
  }

  override pyRepr(): string {
    return `<Column ${this.column} (${this.data_type})>`;
  }
  override pyEquals(other: unknown): boolean {
    return (
      other instanceof ColumnValue &&
      other.column === this.column &&
      other.dtype === this.dtype &&
      other.char_size === this.char_size &&
      other.numeric_precision === this.numeric_precision &&
      other.numeric_scale === this.numeric_scale
    );
  }
}

/** `api.Column`: dbt's Column class as templates reach it (`api.Column.create('id', 'integer')`). */
export function columnApi(flavour: ColumnFlavour): Record<string, unknown> {
  const translate = (dtype: unknown) => TYPE_LABELS[String(dtype).toUpperCase()] ?? String(dtype);
  return {
    translate_type: translate,
    create: (name: unknown, labelOrType: unknown) => new ColumnValue(String(name), translate(labelOrType), null, null, null, flavour),
    from_description: (name: unknown, rawType: unknown) => ColumnValue.fromDescription(String(name), String(rawType), flavour),
    string_type: (size: unknown) => `character varying(${String(size)})`,
    numeric_type: (...args: unknown[]) => {
      const [dtype, precision, scale] = splitArgs(args).positional;
      return precision === null || precision === undefined || scale === null || scale === undefined
        ? String(dtype)
        : `${String(dtype)}(${String(precision)},${String(scale)})`;
    },
  };
}
