import { CsvError, parse } from 'csv-parse/sync';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';

/** A type inferred from a seed column's values; each dialect maps it to a SQL type. */
export type InferredType = 'integer' | 'bigint' | 'float' | 'boolean' | 'date' | 'timestamp' | 'text';

/** One seed column: the inferred type, or the SQL type given in `column_types`. */
export interface SeedColumn {
  /** Header name, used as the column name as written. */
  name: string;
  /** Inferred type, when no explicit type is set. */
  inferred: InferredType;
  /** SQL type from `column_types`, which wins over inference. */
  declared?: string;
}

const PATTERNS = {
  integer: /^[-+]?\d+$/,
  float: /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/,
  boolean: /^(true|false)$/i,
  date: /^\d{4}-\d{2}-\d{2}$/,
  timestamp: /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
};
const INT32 = 2 ** 31;

/** What a declared SQL type accepts, for checking values before anything is loaded. */
function declaredClass(type: string): keyof typeof PATTERNS | undefined {
  const t = type.trim().toLowerCase();
  if (/^(u?(tiny|small|big|huge)?int(eger)?|int[248]|serial|bigserial)$/.test(t)) return 'integer';
  if (/^(numeric|decimal|float[48]?|double( precision)?|real)\b/.test(t)) return 'float';
  if (/^bool(ean)?$/.test(t)) return 'boolean';
  if (t === 'date') return 'date';
  if (/^timestamp/.test(t)) return 'timestamp';
  return undefined;
}

interface ParsedRecord { record: string[]; raw: string; info: { lines: number } }

/**
 * Reads a seed's header and infers each column's type from all its values (empty = NULL), as dbt
 * does: whole numbers → integer (bigint when out of range), other numbers → float, true/false →
 * boolean, ISO dates and timestamps, anything else text. Ragged rows, bad quoting and values that
 * do not fit a `column_types` type are diagnostics at their line and column.
 */
export function readSeedColumns(file: string, text: string, columnTypes: Record<string, string> = {}, delimiter = ','): { columns: SeedColumn[]; diagnostics: Diagnostic[] } {
  let records: ParsedRecord[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, delimiter, raw: true, info: true }) as unknown as ParsedRecord[];
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = (err as CsvError & { lines?: number }).lines ?? 1;
    return { columns: [], diagnostics: [diagnostic('invalid-seed', `Malformed CSV: ${err.message.replace(/^Invalid Record Length: /, '').replace(/ at line \d+$/, '')}`, { file, line, column: 1 })] };
  }
  const [head, ...rows] = records;
  const header = head?.record ?? [];
  if (header.length === 0) return { columns: [], diagnostics: [diagnostic('invalid-seed', 'The seed has no header row.', { file, line: 1, column: 1 })] };
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name.trim() === '') diagnostics.push(diagnostic('invalid-seed', `Column ${i + 1} has an empty name in the header.`, { file, line: 1, column: 1 }));
    if (seen.has(name)) diagnostics.push(diagnostic('invalid-seed', `Column '${name}' appears twice in the header.`, { file, line: 1, column: 1 }));
    seen.add(name);
  });
  for (const key of Object.keys(columnTypes)) {
    if (!seen.has(key)) diagnostics.push(diagnostic('invalid-seed', `column_types names '${key}', which is not a column of the seed (columns: ${header.join(', ')}).`, { file, line: 1, column: 1 }));
  }
  const columns = header.map((name, i) => {
    const values = rows.map((r) => r.record[i] ?? '');
    const column: SeedColumn = { name, inferred: inferColumn(values) };
    const declared = columnTypes[name];
    if (declared) {
      column.declared = declared;
      diagnostics.push(...checkDeclared(file, rows, i, name, declared, delimiter));
    }
    return column;
  });
  return { columns, diagnostics };
}

function inferColumn(values: readonly string[]): InferredType {
  const present = values.filter((v) => v !== '');
  if (present.length === 0) return 'text';
  if (present.every((v) => PATTERNS.integer.test(v))) return present.every((v) => Math.abs(Number(v)) < INT32) ? 'integer' : 'bigint';
  if (present.every((v) => PATTERNS.float.test(v))) return 'float';
  if (present.every((v) => PATTERNS.boolean.test(v))) return 'boolean';
  if (present.every((v) => PATTERNS.date.test(v))) return 'date';
  if (present.every((v) => PATTERNS.timestamp.test(v))) return 'timestamp';
  return 'text';
}

/** The first few values of a column that its declared type would reject, each at its place. */
function checkDeclared(file: string, rows: readonly ParsedRecord[], index: number, name: string, declared: string, delimiter: string): Diagnostic[] {
  const kind = declaredClass(declared);
  if (!kind) return [];
  const bad = rows.filter((r) => (r.record[index] ?? '') !== '' && !PATTERNS[kind].test(r.record[index] ?? '')).slice(0, 3);
  return bad.map((r) => diagnostic('invalid-seed', `Value '${r.record[index]}' in column '${name}' is not a valid ${declared} (set in column_types).`, { file, line: r.info.lines, column: fieldOffset(r.raw, index, delimiter) + 1 }));
}

/** Character offset of field `index` within a raw CSV record, honouring quotes. */
function fieldOffset(raw: string, index: number, delimiter: string): number {
  let field = 0;
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    if (field === index) return i;
    const c = raw[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && raw.startsWith(delimiter, i)) field++;
  }
  return 0;
}
