import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { FILE_FORMATS, fileReaderCall, formatOfLocation, type FileFormat } from './file-reader.js';
import { formatLocation, type Formatter, FORMATTERS } from './file-source-placeholders.js';

// A source table whose rows are files (dbt-duckdb's `external_location`): `source()` renders a reader
// call over them instead of a table name. The keys are dbt-duckdb's (`external_location`,
// `formatter`) and Strata's (`format`, `options`, and dbt-duckdb's `<format>_read_options`), read
// from `meta:` or `config:` at the project file's `sources:`, the source or the table, the most
// specific level winning (at one level `config:` wins over `meta:`).

/** The keys a file source is configured with. */
export const FILE_SOURCE_KEYS = [
  'external_location',
  'formatter',
  'format',
  'options',
  'csv_read_options',
  'parquet_read_options',
  'json_read_options',
] as const;

/** One place file source keys may be written, least specific first. */
export interface FileSourceLevel {
  /** The keys written there (a `meta:` mapping, or a `config:`'s keys). */
  values: Readonly<Record<string, unknown>>;
  /** Where a key is written; the table entry when absent (the project file's `sources:`). */
  locate?: (key: string) => SourceLocation;
  /** The keys are an entry's `config:` (the manifest keeps them there). */
  config?: boolean;
}

/** The source table being read. */
export interface FileSourceTable {
  sourceName: string;
  name: string;
  identifier: string;
  schema: string;
  database?: string;
  /** Where the table entry is written. */
  at: SourceLocation;
}

/** A table read from files. */
export interface FileSource {
  /** What `source()` renders: the reader call. */
  readAs: string;
  /** The paths, URLs or globs read (absolute); absent when a reader call written by hand hides them. */
  locations?: string[];
  /** The file source keys written under `config:` (the most specific level's), for the manifest's `config`. */
  config: Record<string, unknown>;
  /** Where `external_location` is written. */
  at: SourceLocation;
}

/** The meta and config levels of a source or table entry at `path` in its properties file. */
export function entryFileSourceLevels(
  entry: { meta?: Record<string, unknown> | undefined; config?: Record<string, unknown> | undefined },
  path: readonly PropertyKey[],
  locate: (path: readonly PropertyKey[]) => SourceLocation,
): FileSourceLevel[] {
  const config = entry.config ?? {};
  const configMeta = isMapping(config.meta) ? config.meta : {};
  const extras = Object.fromEntries(Object.entries(config).filter(([k]) => (FILE_SOURCE_KEYS as readonly string[]).includes(k)));
  return [
    { values: entry.meta ?? {}, locate: (k) => locate([...path, 'meta', k]) },
    { values: configMeta, locate: (k) => locate([...path, 'config', 'meta', k]) },
    { values: extras, locate: (k) => locate([...path, 'config', k]), config: true },
  ];
}

/**
 * The file source the levels describe, or undefined when none sets `external_location`.
 * `projectDir` resolves relative paths (dbt-duckdb leaves them to DuckDB, which resolves them
 * against the directory dbt was started in). Problems are reported at the key that causes them.
 */
export function readFileSource(
  levels: readonly FileSourceLevel[],
  table: FileSourceTable,
  projectDir: string,
  diagnostics: Diagnostic[],
): FileSource | undefined {
  const keys = new Map<string, { value: unknown; at: SourceLocation }>();
  const config: Record<string, unknown> = {};
  const placeholders: Record<string, unknown> = {
    name: table.name,
    identifier: table.identifier,
    schema: table.schema,
    database: table.database ?? null,
  };
  for (const level of levels)
    for (const [key, value] of Object.entries(level.values)) {
      // dbt-duckdb formats the location with the table's names and every meta key (meta wins).
      placeholders[key] = value;
      if (!(FILE_SOURCE_KEYS as readonly string[]).includes(key)) continue;
      keys.set(key, { value, at: level.locate?.(key) ?? table.at });
      if (level.config) config[key] = value;
    }
  const written = keys.get('external_location');
  if (written === undefined || written.value === null || written.value === undefined) return undefined;
  const label = `${table.sourceName}.${table.name}`;
  const problem = (message: string, at: SourceLocation = written.at): undefined => {
    diagnostics.push(diagnostic('invalid-file-source', `Source '${label}': ${message}`, at));
    return undefined;
  };

  const formatter = keys.get('formatter');
  if (formatter && !(FORMATTERS as readonly unknown[]).includes(formatter.value))
    return problem(`formatter must be one of ${FORMATTERS.join(', ')} (dbt-duckdb's), not '${String(formatter.value)}'.`, formatter.at);
  const style = (formatter?.value ?? 'newstyle') as Formatter;
  const raw = written.value;
  const texts =
    typeof raw === 'string' ? [raw] : Array.isArray(raw) && raw.every((r) => typeof r === 'string') ? (raw as string[]) : undefined;
  if (texts === undefined || texts.length === 0)
    return problem('external_location must be a path, URL or glob (or a list of them), or a reader call such as read_csv(…).');
  const formatted: string[] = [];
  for (const text of texts) {
    const result = formatLocation(text, style, placeholders);
    if ('missing' in result)
      return problem(
        `external_location has no placeholder '${result.missing}' (it may use ${Object.keys(placeholders)
          .map((k) => `{${k}}`)
          .join(', ')}).${didYouMean(result.missing, Object.keys(placeholders))}`,
      );
    formatted.push(result.text.trim());
  }

  // dbt-duckdb: a location that is already a function call is used as written.
  if (formatted.length === 1 && (formatted[0] as string).includes('(')) {
    const call = absolutizeReaderCall(formatted[0] as string, projectDir);
    return { readAs: call.sql, ...(call.locations ? { locations: call.locations } : {}), config, at: written.at };
  }
  if (formatted.some((f) => f.includes('('))) return problem('a list of locations cannot hold a reader call; write the call alone.');

  const format = keys.get('format');
  let given: FileFormat | undefined;
  if (format && format.value !== null && format.value !== undefined) {
    given = formatNamed(String(format.value));
    if (given === undefined)
      return problem(`format '${String(format.value)}' is not a file format DuckDB reads (${FILE_FORMATS.join(', ')}).`, format.at);
  }
  // dbt-duckdb: a location written in single quotes is a literal for DuckDB's replacement scan.
  const paths = formatted.map((f) => (/^'.*'$/s.test(f) ? f.slice(1, -1).replace(/''/g, "'") : f)).map((f) => located(f, projectDir));
  const first = paths[0] as Located;
  const fileFormat = given ?? formatOfLocation(first.path) ?? (first.folder ? folderFormat(first.path) : undefined);
  if (fileFormat === undefined)
    return problem(`cannot tell the file format of '${first.path}' from its name; add format: csv, parquet or json.`);
  const locations = paths.map((p) => (p.folder ? `${p.path}/**/*.${folderExtension(p.path, fileFormat)}` : p.path));

  const options: Record<string, unknown> = {};
  for (const key of ['options', `${fileFormat}_read_options`]) {
    const entry = keys.get(key);
    if (!entry || entry.value === null || entry.value === undefined) continue;
    if (!isMapping(entry.value)) return problem(`${key} must be a mapping of reader options (e.g. {union_by_name: true}).`, entry.at);
    const bad = Object.keys(entry.value).find((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
    if (bad !== undefined) return problem(`${key}: '${bad}' is not a reader option name.`, entry.at);
    Object.assign(options, entry.value);
  }
  const files = { location: locations.length === 1 ? (locations[0] as string) : locations, format: fileFormat, options };
  return { readAs: fileReaderCall(files), locations, config, at: written.at };
}

/** The error for a file source on a target that is not DuckDB. */
export function fileSourceOnTarget(file: FileSource, table: Pick<FileSourceTable, 'sourceName' | 'name'>, targetType: string): Diagnostic {
  return diagnostic(
    'file-source-unsupported',
    `Source '${table.sourceName}.${table.name}' reads files (external_location), which only a DuckDB target can do; this target is ${targetType}. Load the files into a table and declare that, or build on DuckDB.`,
    file.at,
  );
}

interface Located {
  path: string;
  /** A folder: every file below it is read (hive-partitioned folders included). */
  folder: boolean;
}

/** A location made absolute against the project (URLs kept); a folder when written with a trailing `/` or found to be one. */
function located(location: string, projectDir: string): Located {
  if (isUrl(location)) return { path: location.replace(/\/+$/, ''), folder: location.endsWith('/') };
  const path = isAbsolute(location) ? location : resolve(projectDir, location);
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return { path: trimmed, folder: location.endsWith('/') || isFolder(trimmed) };
}

function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

function isFolder(path: string): boolean {
  if (/[*?[{]/.test(path)) return false;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function formatNamed(name: string): FileFormat | undefined {
  const lower = name.toLowerCase();
  if ((FILE_FORMATS as readonly string[]).includes(lower)) return lower as FileFormat;
  return lower === 'tsv' ? 'csv' : lower === 'ndjson' || lower === 'jsonl' ? 'json' : undefined;
}

/** The first data file's extension below a local folder (`csv`, `csv.gz`, `parquet` …), or undefined. */
function firstExtension(folder: string, format?: FileFormat): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort();
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const found = formatOfLocation(entry);
    if (found !== undefined && (format === undefined || found === format)) return /\.([a-z]+(\.(gz|zst))?)$/i.exec(entry)?.[1];
  }
  return undefined;
}

function folderFormat(folder: string): FileFormat | undefined {
  const ext = firstExtension(folder);
  return ext === undefined ? undefined : formatOfLocation(`x.${ext}`);
}

/** The extension to glob a folder of `format` files by: the one found there, else the format's own. */
function folderExtension(folder: string, format: FileFormat): string {
  return (isUrl(folder) ? undefined : firstExtension(folder, format)) ?? format;
}

/**
 * A hand-written reader call with its first argument's relative paths made absolute against the
 * project (so the call reads the same files wherever Strata is started), and those paths.
 */
function absolutizeReaderCall(sql: string, projectDir: string): { sql: string; locations?: string[] } {
  const open = /^\s*[A-Za-z_][\w.]*\s*\(\s*/.exec(sql);
  if (!open) return { sql };
  const literal = /'((?:[^']|'')*)'/y;
  const locations: string[] = [];
  let out = open[0];
  let at = open[0].length;
  const list = sql[at] === '[';
  if (list) {
    out += '[';
    at++;
  }
  for (;;) {
    const space = /\s*/y;
    space.lastIndex = at;
    at += (space.exec(sql) as RegExpExecArray)[0].length;
    literal.lastIndex = at;
    const m = literal.exec(sql);
    if (!m) return { sql };
    const path = (m[1] as string).replace(/''/g, "'");
    const absolute = isUrl(path) || isAbsolute(path) ? path : resolve(projectDir, path);
    locations.push(absolute);
    out += `'${absolute.replace(/'/g, "''")}'`;
    at = literal.lastIndex;
    if (!list) break;
    const sep = /\s*(,|\])/y;
    sep.lastIndex = at;
    const s = sep.exec(sql);
    if (!s) return { sql };
    out += s[1] === ',' ? ', ' : ']';
    at = sep.lastIndex;
    if (s[1] === ']') break;
  }
  return { sql: out + sql.slice(at), locations };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
