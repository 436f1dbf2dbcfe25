import type { InferredType } from '../adapter/dialect.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { CsvSyntaxError, forEachCsvRecord } from './csv-records.js';

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

/** What a column's values so far allow: each flag stays true while every present value fits. */
interface Candidates {
  present: boolean;
  integer: boolean;
  int32: boolean;
  float: boolean;
  boolean: boolean;
  date: boolean;
  timestamp: boolean;
}

/**
 * Reads a seed's header and infers each column's type from the values in `text` (empty = NULL): the
 * whole file, as dbt does, or its first rows for a seed over 1 MiB (seed-file.ts). Whole numbers →
 * integer (bigint when out of range), other numbers → float, true/false → boolean, ISO dates and
 * timestamps, anything else text. Ragged rows, bad quoting and values that do not fit a
 * `column_types` type are diagnostics at their line and column; `rows` is how many rows were read.
 */
export function readSeedColumns(
  file: string,
  text: string,
  columnTypes: Record<string, string> = {},
  delimiter = ',',
): { columns: SeedColumn[]; rows: number; diagnostics: Diagnostic[] } {
  let header: string[] | undefined;
  let candidates: Candidates[] = [];
  let declared: { index: number; name: string; type: string; kind: keyof typeof PATTERNS; bad: Diagnostic[] }[] = [];
  let rows = 0;
  try {
    forEachCsvRecord(text, delimiter, (fields, line, start) => {
      if (!header) {
        header = fields;
        candidates = fields.map(() => ({
          present: false,
          integer: true,
          int32: true,
          float: true,
          boolean: true,
          date: true,
          timestamp: true,
        }));
        declared = fields.flatMap((name, index) => {
          const type = columnTypes[name];
          const kind = type ? declaredClass(type) : undefined;
          return type && kind ? [{ index, name, type, kind, bad: [] }] : [];
        });
        return;
      }
      if (fields.length !== header.length)
        throw new CsvSyntaxError(`line ${line} has ${fields.length} fields, the header ${header.length}.`, line);
      rows++;
      fields.forEach((value, i) => narrow(candidates[i] as Candidates, value));
      for (const d of declared) {
        const value = fields[d.index] as string;
        if (d.bad.length < 3 && value !== '' && !PATTERNS[d.kind].test(value)) {
          d.bad.push(
            diagnostic('invalid-seed', `Value '${value}' in column '${d.name}' is not a valid ${d.type} (set in column_types).`, {
              file,
              line,
              column: fieldOffset(text, start, d.index, delimiter) + 1,
            }),
          );
        }
      }
    });
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    return {
      columns: [],
      rows: 0,
      diagnostics: [diagnostic('invalid-seed', `Malformed CSV: ${err.message}`, { file, line: err.line, column: 1 })],
    };
  }
  if (!header)
    return {
      columns: [],
      rows: 0,
      diagnostics: [
        diagnostic('invalid-seed', 'The seed is empty: it needs at least a header row naming its columns.', { file, line: 1, column: 1 }),
      ],
    };
  const names = header;
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name.trim() === '')
      diagnostics.push(diagnostic('invalid-seed', `Column ${i + 1} has an empty name in the header.`, { file, line: 1, column: 1 }));
    if (seen.has(name))
      diagnostics.push(diagnostic('invalid-seed', `Column '${name}' appears twice in the header.`, { file, line: 1, column: 1 }));
    seen.add(name);
  });
  for (const key of Object.keys(columnTypes)) {
    if (!seen.has(key))
      diagnostics.push(
        diagnostic('invalid-seed', `column_types names '${key}', which is not a column of the seed (columns: ${names.join(', ')}).`, {
          file,
          line: 1,
          column: 1,
        }),
      );
  }
  diagnostics.push(...declared.flatMap((d) => d.bad));
  const columns = names.map((name, i) => {
    const column: SeedColumn = { name, inferred: inferred(candidates[i] as Candidates) };
    const type = columnTypes[name];
    if (type) column.declared = type;
    return column;
  });
  return { columns, rows, diagnostics };
}

/** Rules out the types `value` does not fit; empty values (NULL) fit every type. */
function narrow(c: Candidates, value: string): void {
  if (value === '') return;
  c.present = true;
  if (c.integer && !PATTERNS.integer.test(value)) c.integer = false;
  if (c.integer && c.int32 && Math.abs(Number(value)) >= INT32) c.int32 = false;
  if (c.float && !PATTERNS.float.test(value)) c.float = false;
  if (c.boolean && !PATTERNS.boolean.test(value)) c.boolean = false;
  if (c.date && !PATTERNS.date.test(value)) c.date = false;
  if (c.timestamp && !PATTERNS.timestamp.test(value)) c.timestamp = false;
}

function inferred(c: Candidates): InferredType {
  if (!c.present) return 'text';
  if (c.integer) return c.int32 ? 'integer' : 'bigint';
  if (c.float) return 'float';
  if (c.boolean) return 'boolean';
  if (c.date) return 'date';
  if (c.timestamp) return 'timestamp';
  return 'text';
}

/** Character offset of field `index` within the record starting at `start`, honouring quotes. */
function fieldOffset(text: string, start: number, index: number, delimiter: string): number {
  let field = 0;
  let quoted = false;
  for (let i = start; i < text.length; i++) {
    if (field === index) return i - start;
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && text.startsWith(delimiter, i)) field++;
  }
  return 0;
}
