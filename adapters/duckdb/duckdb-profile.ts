import { basename, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { TargetInfo } from '../../core/adapter/adapter.js';
import { zodProblems } from '../config-problems.js';
import { parseSecrets, type DuckDbSecret } from './duckdb-secrets.js';

const NAME = /^\w+$/;
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** An extension: its name, or dbt-duckdb's `{name, repo}` to install it from another repository. */
const extensionSchema = z.union(
  [z.string().regex(NAME), z.strictObject({ name: z.string().regex(NAME), repo: z.string().min(1).optional() })],
  { error: "must be an extension name such as httpfs, or a map with its 'name' and the 'repo' to install it from" },
);

/** Another database attached to every connection (dbt-duckdb's `attach:` entries). */
const attachSchema = z.strictObject({
  path: z.string().min(1),
  alias: z.string().regex(NAME, 'must be a name of letters, digits and underscores').optional(),
  read_only: z.boolean().default(false),
  type: z.string().regex(NAME, 'must be a database type such as duckdb or sqlite').optional(),
  options: z.record(z.string().regex(NAME, 'must be an ATTACH option name'), scalar).default({}),
});

/** A DuckDB output in profiles.yml (dbt-duckdb's keys). */
const duckdbProfileSchema = z.strictObject({
  type: z.literal('duckdb'),
  path: z.string().default(':memory:'),
  schema: z.string().default('main'),
  database: z.string().optional(),
  threads: z.number().int().positive().default(1),
  extensions: z.array(extensionSchema).default([]),
  settings: z.record(z.string().regex(NAME, 'must be a DuckDB setting name such as memory_limit'), scalar).default({}),
  /** Set when the database opens (dbt-duckdb's connect-time config); `settings` win on a clash. */
  config_options: z.record(z.string().regex(NAME, 'must be a DuckDB setting name'), scalar).default({}),
  /** Where external models write when they name no `location` (dbt-duckdb's key; relative to the project). */
  external_root: z.string().default('.'),
  attach: z.array(attachSchema).default([]),
  /** Checked by parseSecrets, for messages naming the entry and key. */
  secrets: z.unknown().optional(),
  /** dbt-duckdb's shorthand for an S3 secret from the AWS credential chain. */
  use_credential_provider: z.literal('aws', { error: "must be 'aws', the only provider dbt-duckdb knows" }).optional(),
  /** Accepted so dbt-duckdb profiles work unchanged: Strata keeps each file open for the whole command anyway. */
  keep_open: z.boolean().optional(),
  /** Only `false`: Strata's table swap is atomic because it runs in a transaction. */
  disable_transactions: z
    .literal(false, { error: 'Strata replaces relations inside transactions (that is what makes a failed build harmless); remove it' })
    .optional(),
});

/**
 * dbt-duckdb keys Strata refuses, each with why and what to do instead (they would otherwise
 * be unknown keys, with no hint that they are deliberate).
 */
const NOT_SUPPORTED: Record<string, string> = {
  filesystems:
    "fsspec filesystems are a Python feature of dbt-duckdb. Strata reads s3://, gs:// and https:// paths through DuckDB's httpfs extension: list httpfs under 'extensions' and give the credentials under 'secrets'.",
  plugins:
    "dbt-duckdb's plugins are Python modules, which Strata does not run. Land the data as files (CSV, Parquet, JSON) and read them as file sources, or use a DuckDB extension.",
  module_paths: 'it adds folders for Python modules (dbt-duckdb plugins and Python models), which Strata does not run.',
  remote: "Strata runs DuckDB in its own process; a remote (Buena Vista) server is not supported. Use 'path'.",
  retries:
    'Strata does not retry: a DuckDB file another process holds is reported at once (error[database-file-locked]), and a failed query fails its node.',
};

/** An `attach:` entry with its path resolved and its alias decided. */
export interface DuckDbAttachment {
  path: string;
  alias: string;
  read_only: boolean;
  type?: string;
  options: Record<string, string | number | boolean>;
}

/** A DuckDB profile output, checked, with paths resolved. */
export type DuckDbConfig = Omit<z.infer<typeof duckdbProfileSchema>, 'attach' | 'secrets' | 'extensions'> & {
  attach: DuckDbAttachment[];
  secrets: DuckDbSecret[];
  extensions: { name: string; repo?: string }[];
};

const isUrl = (path: string) => /^[a-z][a-z0-9+]*:\/\//i.test(path);
/** A DuckDB path's catalog name: its file name without the extension (`md:` and URLs alike). */
const stem = (path: string) => basename(path.replace(/\?.*$/, '')).replace(/\.[^.]*$/, '');

/** Checks a DuckDB output and resolves its paths against the project directory. */
export function parseDuckDbProfile(
  raw: Record<string, unknown>,
  projectDir: string,
): { config: DuckDbConfig; target: TargetInfo } | { problems: { key: string; message: string }[] } {
  const refused = Object.keys(raw)
    .filter((key) => key in NOT_SUPPORTED)
    .map((key) => ({ key, message: `'${key}' (a dbt-duckdb key) is not supported: ${NOT_SUPPORTED[key]}` }));
  const rest = Object.fromEntries(Object.entries(raw).filter(([key]) => !(key in NOT_SUPPORTED)));
  const checked = duckdbProfileSchema.safeParse(rest);
  const problems = [...refused, ...(checked.success ? [] : nestedProblems(checked.error, rest))];
  const secrets = parseSecrets(raw.secrets);
  if ('problems' in secrets) problems.push(...secrets.problems.map((message) => ({ key: 'secrets', message })));
  if (!checked.success || problems.length || 'problems' in secrets) return { problems };
  const data = checked.data;
  // Relative paths are taken from the project directory, so --project-dir works from anywhere.
  const local = (path: string) => (path === ':memory:' || isUrl(path) || isAbsolute(path) ? path : resolve(projectDir, path));
  const attach = data.attach.map((a) => ({
    path: local(a.path),
    alias: a.alias ?? stem(a.path),
    read_only: a.read_only,
    ...(a.type ? { type: a.type } : {}),
    options: a.options,
  }));
  const aliases = new Set<string>();
  for (const [i, a] of attach.entries()) {
    if (aliases.has(a.alias.toLowerCase()))
      problems.push({ key: 'attach', message: `'attach[${i}]': the alias '${a.alias}' is used twice; give one entry another 'alias'.` });
    aliases.add(a.alias.toLowerCase());
  }
  if (problems.length) return { problems };
  const config: DuckDbConfig = {
    ...data,
    path: local(data.path),
    external_root: isUrl(data.external_root) ? data.external_root : resolve(projectDir, data.external_root),
    extensions: data.extensions.map((e) => (typeof e === 'string' ? { name: e } : e)),
    attach,
    secrets: [
      ...secrets.secrets,
      // dbt-duckdb turns `use_credential_provider: aws` into this secret.
      ...(data.use_credential_provider === 'aws'
        ? [{ name: '_dbt_secret_aws', type: 's3', provider: 'credential_chain', parameters: {} }]
        : []),
    ],
  };
  const database = config.database ?? (config.path === ':memory:' ? 'memory' : stem(config.path));
  return {
    config,
    target: { type: 'duckdb', schema: config.schema, threads: config.threads, database, external_root: config.external_root },
  };
}

/** As zodProblems, with the place inside a list named (`attach[0].read_only`). */
function nestedProblems(error: z.ZodError, raw: Record<string, unknown>): { key: string; message: string }[] {
  const nested = error.issues.filter((issue) => issue.path.length > 1);
  const top =
    nested.length === error.issues.length
      ? []
      : zodProblems(new z.ZodError(error.issues.filter((i) => i.path.length <= 1)), duckdbProfileSchema, raw);
  return [
    ...top,
    ...nested.map((issue) => {
      const place = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
      if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined)
        return { key: String(issue.path[0]), message: `'${place}' is required.` };
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`
          : issue.message;
      return { key: String(issue.path[0]), message: `'${place}': ${message}` };
    }),
  ];
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined),
    value,
  );
}
