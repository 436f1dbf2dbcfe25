// How DuckDB reads a set of files (file sources, external models, other projects' published files):
// one reader call, `read_parquet('…', hive_partitioning = true)`, rendered where a table name would be.

/** File formats DuckDB reads and writes. */
export type FileFormat = 'csv' | 'parquet' | 'json';

export const FILE_FORMATS: readonly FileFormat[] = ['csv', 'parquet', 'json'];

/** Files to read: a path, URL or glob (or several), their format and the reader's named options. */
export interface FileSet {
  location: string | readonly string[];
  format: FileFormat;
  /** Named reader options (`header`, `delim`, `union_by_name`, `hive_partitioning`, `filename`, `columns`, …). */
  options?: Readonly<Record<string, unknown>>;
}

const READERS: Record<FileFormat, string> = { csv: 'read_csv', parquet: 'read_parquet', json: 'read_json' };

/** The format a location's extension names (`.csv.gz` is CSV), or undefined. */
export function formatOfLocation(location: string): FileFormat | undefined {
  const m = /\.(csv|tsv|parquet|json|ndjson|jsonl)(\.(gz|zst))?$/i.exec(location.replace(/[/*]+$/, ''));
  if (!m) return undefined;
  const ext = (m[1] as string).toLowerCase();
  return ext === 'tsv' ? 'csv' : ext === 'ndjson' || ext === 'jsonl' ? 'json' : (ext as FileFormat);
}

/** A SQL literal for a reader option's value: strings quoted, lists as lists, mappings as structs. */
export function duckdbLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (Array.isArray(value)) return `[${value.map(duckdbLiteral).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${duckdbLiteral(k)}: ${duckdbLiteral(v)}`)
      .join(', ')}}`;
  return duckdbLiteral(String(value));
}

/** The reader call for `files`, e.g. `read_csv('/landing/*.csv', union_by_name = true)`. */
export function fileReaderCall(files: FileSet): string {
  const location = locationLiteral(files.location);
  const options = Object.entries(files.options ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} = ${duckdbLiteral(v)}`);
  return `${READERS[files.format]}(${[location, ...options].join(', ')})`;
}

/** The location as a reader's first argument: one string literal, or a list of them. */
export function locationLiteral(location: string | readonly string[]): string {
  return typeof location === 'string' ? duckdbLiteral(location) : duckdbLiteral([...location]);
}

/**
 * A `read_blob` call over the files at `location`, for their metadata (`filename`, `size`,
 * `last_modified`). DuckDB reads a file's content only when the `content` column is selected, so
 * `select max(last_modified) from read_blob(…)` lists and stats the files without reading them.
 */
export function fileMetadataCall(location: string | readonly string[]): string {
  return `read_blob(${locationLiteral(location)})`;
}
