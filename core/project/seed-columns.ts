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

const INT = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BOOL = /^(true|false)$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const INT32 = 2 ** 31;

/**
 * Reads a seed's header and infers each column's type from all its values (empty = NULL), as dbt
 * does: whole numbers → integer (bigint when out of range), other numbers → float, true/false →
 * boolean, ISO dates and timestamps, anything else text. Ragged rows and bad quoting are
 * diagnostics naming the line.
 */
export function readSeedColumns(file: string, text: string, columnTypes: Record<string, string> = {}): { columns: SeedColumn[]; diagnostics: Diagnostic[] } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = (err as CsvError & { lines?: number }).lines ?? 1;
    return { columns: [], diagnostics: [diagnostic('invalid-seed', `Malformed CSV: ${err.message.replace(/^Invalid Record Length: /, '').replace(/ at line \d+$/, '')}`, { file, line, column: 1 })] };
  }
  const [header, ...rows] = records;
  if (!header || header.length === 0) return { columns: [], diagnostics: [diagnostic('invalid-seed', 'The seed has no header row.', { file, line: 1, column: 1 })] };
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
    const column: SeedColumn = { name, inferred: inferColumn(rows.map((r) => r[i] ?? '')) };
    const declared = columnTypes[name];
    if (declared) column.declared = declared;
    return column;
  });
  return { columns, diagnostics };
}

function inferColumn(values: readonly string[]): InferredType {
  const present = values.filter((v) => v !== '');
  if (present.length === 0) return 'text';
  if (present.every((v) => INT.test(v))) return present.every((v) => Math.abs(Number(v)) < INT32) ? 'integer' : 'bigint';
  if (present.every((v) => FLOAT.test(v))) return 'float';
  if (present.every((v) => BOOL.test(v))) return 'boolean';
  if (present.every((v) => DATE.test(v))) return 'date';
  if (present.every((v) => TIMESTAMP.test(v))) return 'timestamp';
  return 'text';
}
