import { isAbsolute, resolve } from 'node:path';
import { homedir } from 'node:os';
import { FILE_FORMATS, duckdbLiteral, fileReaderCall, formatOfLocation, type FileFormat, type FileSet } from './file-reader.js';

// Where an external model (dbt-duckdb's `materialized='external'`) writes its files and how they are
// read back. Pure: the build (core/plan/external.ts) and projects that read another project's
// published files (core/artifacts/publish.ts) compute the same answer from the same config.
//
// dbt-duckdb's rules, kept here: the default location is `<external_root>/<alias>.<format>`, or the
// folder `<external_root>/<alias>` when the files are partitioned; the format is `format` (or
// `options.format`), else the location's extension, else CSV when a `delimiter` is set, else Parquet.
// One difference: dbt-duckdb hands a relative `location` to DuckDB, which resolves it against the
// directory dbt was started in; Strata resolves it against the project directory, so a build
// started from elsewhere writes to the same place.

/** The config keys an external model reads (the node's config, as written). */
export interface ExternalConfig {
  location?: string | null;
  format?: string | null;
  delimiter?: string | null;
  /** A column, a comma-separated list (`'year, month'`, `'(year, month)'`) or a list of columns. */
  partition_by?: unknown;
  /** Options for DuckDB's `COPY … TO` (compression, per_thread_output, row_group_size, …). */
  options?: Readonly<Record<string, unknown>> | null;
}

/** Where and how an external model's files are written and read. */
export interface ExternalLocation {
  /** Absolute path or URL: one file, or a folder when {@link partitioned}. */
  location: string;
  format: FileFormat;
  /** The location is a folder of files (partition_by or per_thread_output), not one file. */
  partitioned: boolean;
  /** Hive partition columns, in folder order (empty when not partitioned by columns). */
  partitionBy: string[];
  /** A local path: the build writes beside it and renames into place. False for URLs (s3://…). */
  local: boolean;
  /** The files to read (a glob over the folder when partitioned). */
  files: FileSet;
  /** The reader call over the files, e.g. `read_parquet('/lake/orders/*\/*.parquet', hive_partitioning = true)`. */
  readAs: string;
  /** The option list of `COPY … TO '…' (<copyOptions>)`, e.g. `format parquet, partition_by ("day"), compression 'zstd'`. */
  copyOptions: string;
  /** The options as given plus the implied ones (format, partition_by, header, delimiter), lower-cased keys. */
  writeOptions: Record<string, unknown>;
}

/** A location that names a remote store (`s3://`, `gs://`, `https://` …) rather than a local path. */
export function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/** The column list of a `partition_by` value: `'a'`, `'a, b'`, `'(a, b)'` or `['a', 'b']`. */
export function partitionColumns(value: unknown): string[] {
  if (value === undefined || value === null || value === false) return [];
  const items = Array.isArray(value)
    ? value.map(String)
    : String(value)
        .replace(/^\s*\(/, '')
        .replace(/\)\s*$/, '')
        .split(',');
  return items.map((c) => c.trim()).filter(Boolean);
}

/** Why `config` cannot describe an external model's files, or undefined when it can. */
export function externalConfigProblem(config: ExternalConfig): string | undefined {
  if (config.options !== undefined && config.options !== null && (typeof config.options !== 'object' || Array.isArray(config.options)))
    return `options must be a mapping of COPY options (e.g. {compression: 'zstd'})`;
  const options = lowerKeys(config.options ?? {});
  const bad = Object.keys(options).find((k) => !/^[a-z_][a-z0-9_]*$/.test(k));
  if (bad !== undefined) return `options: '${bad}' is not a COPY option name`;
  const format = explicitFormat(config, options);
  if (format !== undefined && !(FILE_FORMATS as readonly string[]).includes(format))
    return `format '${format}' is not supported (supported: ${FILE_FORMATS.join(', ')})`;
  if (config.partition_by !== undefined && options.partition_by !== undefined)
    return `partition_by is set both as a config key and in options; keep one`;
  const bad2 = partitionColumns(config.partition_by ?? options.partition_by).find((c) => !/^[\w$]+$/u.test(c));
  if (bad2 !== undefined) return `partition_by: '${bad2}' is not a column name`;
  if (resolvedFormat(config, options) === 'json' && partitionColumns(config.partition_by ?? options.partition_by).length > 0)
    return `partition_by is not supported for JSON files (DuckDB cannot partition them); use format 'parquet' or 'csv'`;
  return undefined;
}

/**
 * Where the external model `identifier` (its alias, or its name) writes, and how to read it.
 * `externalRoot` is the target's `external_root` (absolute; the project directory when unset),
 * `projectDir` resolves a relative `location`. Throws on a config {@link externalConfigProblem} rejects.
 */
export function externalLocation(
  config: ExternalConfig,
  identifier: string,
  target: { external_root?: string },
  projectDir: string,
): ExternalLocation {
  const problem = externalConfigProblem(config);
  if (problem !== undefined) throw new Error(problem);
  const options = lowerKeys(config.options ?? {});
  const partitionBy = partitionColumns(config.partition_by ?? options.partition_by);
  const perThread =
    options.per_thread_output === true || options.per_thread_output === 1 || /^(true|1)$/i.test(String(options.per_thread_output));
  const partitioned = partitionBy.length > 0 || perThread;
  const given = config.location ?? undefined;
  const format = resolvedFormat(config, options);
  const root = (target.external_root ?? projectDir).replace(/\/+$/, '');
  const raw = given ?? (partitionBy.length > 0 ? `${root}/${identifier}` : `${root}/${identifier}.${format}`);
  const expanded = /^~(\/|$)/.test(raw) ? homedir() + raw.slice(1) : raw;
  const location = isUrl(expanded) || isAbsolute(expanded) ? expanded.replace(/(?<!\/)\/+$/, '') : resolve(projectDir, expanded);

  const delimiter = delimiterOf(config, options) ?? (/\.tsv(\.(gz|zst))?$/i.test(location) ? '\t' : undefined);
  const writeOptions: Record<string, unknown> = { format };
  if (partitionBy.length > 0) writeOptions.partition_by = partitionBy;
  if (format === 'csv') {
    writeOptions.header = options.header ?? true;
    if (delimiter !== undefined) writeOptions.delimiter = delimiter;
  }
  // The build writes to a temporary name, so DuckDB cannot see the `.gz` it would compress for.
  const compressed = /\.(gz|zst)$/i.exec(location);
  if (compressed && format !== 'parquet' && options.compression === undefined)
    writeOptions.compression = (compressed[1] as string).toLowerCase() === 'gz' ? 'gzip' : 'zstd';
  for (const [k, v] of Object.entries(options)) {
    if (k === 'format' || k === 'partition_by' || k === 'delim' || k === 'delimiter' || k === 'header') continue;
    writeOptions[k] = v;
  }

  const files = readFiles(location, format, partitioned, partitionBy.length, writeOptions);
  return {
    location,
    format,
    partitioned,
    partitionBy,
    local: !isUrl(location),
    files,
    readAs: fileReaderCall(files),
    copyOptions: Object.entries(writeOptions)
      .map(([k, v]) => `${k} ${copyValue(k, v)}`)
      .join(', '),
    writeOptions,
  };
}

/** The reader over what COPY wrote: the file itself, or a glob one level per partition column. */
function readFiles(location: string, format: FileFormat, partitioned: boolean, depth: number, write: Record<string, unknown>): FileSet {
  const options: Record<string, unknown> = {};
  if (format === 'csv') {
    options.header = isTrue(write.header);
    if (write.delimiter !== undefined) options.delim = write.delimiter;
  }
  if (depth > 0) options.hive_partitioning = true;
  if (!partitioned) return { location, format, options };
  // Compressed CSV/JSON files end `.csv.gz`, hence the trailing `*`.
  const ext = typeof write.file_extension === 'string' ? write.file_extension.replace(/^\./, '') : format;
  const name = format === 'parquet' ? `*.${ext}` : `*.${ext}*`;
  return { location: [location, ...Array<string>(depth).fill('*'), name].join('/'), format, options };
}

function copyValue(key: string, value: unknown): string {
  if (key === 'partition_by') return `(${(value as string[]).map((c) => `"${c.replace(/"/g, '""')}"`).join(', ')})`;
  // dbt-duckdb passes option values through as SQL: a value already quoted (`"'CDT_{i}'"`) is kept.
  if (typeof value === 'string' && (/^'.*'$/s.test(value) || (key === 'format' && /^\w+$/.test(value)))) return value;
  return duckdbLiteral(value);
}

/** `format`, else the location's extension, else CSV when a delimiter is set, else Parquet (dbt-duckdb's order). */
function resolvedFormat(config: ExternalConfig, options: Record<string, unknown>): FileFormat {
  return (
    (explicitFormat(config, options) as FileFormat | undefined) ??
    (config.location ? formatOfLocation(config.location) : undefined) ??
    (delimiterOf(config, options) !== undefined ? 'csv' : 'parquet')
  );
}

function delimiterOf(config: ExternalConfig, options: Record<string, unknown>): string | undefined {
  return config.delimiter ?? (options.delimiter as string | undefined) ?? (options.delim as string | undefined);
}

function explicitFormat(config: ExternalConfig, options: Record<string, unknown>): string | undefined {
  const f = config.format ?? options.format;
  return f === undefined || f === null ? undefined : String(f).toLowerCase();
}

function lowerKeys(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
}

function isTrue(value: unknown): boolean {
  return value === true || value === 1 || /^(true|1)$/i.test(String(value));
}
