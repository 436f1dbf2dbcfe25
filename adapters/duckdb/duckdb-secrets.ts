import { didYouMean } from '../../core/diagnostics/suggest.js';

/** A DuckDB secret from profiles.yml (dbt-duckdb's shape), checked and named. */
export interface DuckDbSecret {
  name: string;
  type: string;
  provider?: string;
  scope?: string | string[];
  /** The type's own parameters (key_id, secret, region …), by DuckDB's names. */
  parameters: Record<string, SecretValue>;
}

type SecretValue = string | number | boolean | Record<string, string>;

/** dbt-duckdb names secrets it is not given a name for `_dbt_secret_<n>`; Strata does the same. */
const DEFAULT_SECRET_PREFIX = '_dbt_secret_';

const OBJECT_STORE = [
  'key_id',
  'secret',
  'region',
  'session_token',
  'endpoint',
  'url_style',
  'use_ssl',
  'url_compatibility_mode',
  'kms_key_id',
  'requester_pays',
  'account_id',
  'refresh',
  // The credential_chain provider's parameters.
  'chain',
  'profile',
  'validation',
  'assume_role_arn',
  'external_id',
];

/**
 * The parameters DuckDB takes for each secret type. A type not listed here (one an extension
 * adds) is passed through for DuckDB to check.
 */
const PARAMETERS: Record<string, readonly string[]> = {
  s3: OBJECT_STORE,
  gcs: OBJECT_STORE,
  r2: OBJECT_STORE,
  azure: [
    'connection_string',
    'account_name',
    'chain',
    'tenant_id',
    'client_id',
    'client_secret',
    'client_certificate_path',
    'http_proxy',
    'proxy_user_name',
    'proxy_password',
    'transport_option_type',
  ],
  http: ['http_proxy', 'http_proxy_username', 'http_proxy_password', 'bearer_token', 'extra_http_headers'],
  huggingface: ['token'],
};

const NAME = /^\w+$/;

/** Checks the `secrets:` list; a problem names the entry and key (`secrets[0].secert`). */
export function parseSecrets(raw: unknown): { secrets: DuckDbSecret[] } | { problems: string[] } {
  if (raw === undefined || raw === null) return { secrets: [] };
  if (!Array.isArray(raw)) return { problems: ["'secrets' must be a list of secrets, each with a 'type' (s3, gcs, azure, http …)."] };
  const problems: string[] = [];
  const secrets: DuckDbSecret[] = [];
  raw.forEach((entry: unknown, index) => {
    const at = `secrets[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`'${at}' must be a map with a 'type'.`);
      return;
    }
    const { type, name, provider, scope, persistent, ...rest } = entry as Record<string, unknown>;
    if (typeof type !== 'string' || !NAME.test(type)) {
      problems.push(`'${at}.type' is required: the secret type, such as s3, gcs, azure or http.`);
      return;
    }
    if (name !== undefined && (typeof name !== 'string' || !NAME.test(name)))
      problems.push(`'${at}.name' must be a name of letters, digits and underscores.`);
    if (provider !== undefined && (typeof provider !== 'string' || !NAME.test(provider)))
      problems.push(`'${at}.provider' must be a provider name, such as config or credential_chain.`);
    const scopeOk = scope === undefined || typeof scope === 'string' || (Array.isArray(scope) && scope.every((s) => typeof s === 'string'));
    if (!scopeOk) problems.push(`'${at}.scope' must be a path prefix (such as s3://bucket) or a list of them.`);
    // A persistent secret is written, unencrypted, under ~/.duckdb/stored_secrets.
    if (persistent === true)
      problems.push(`'${at}.persistent': Strata creates temporary secrets only, so no credential is written to disk; remove 'persistent'.`);
    else if (persistent !== undefined && persistent !== false) problems.push(`'${at}.persistent' must be false.`);
    const known = PARAMETERS[type.toLowerCase()];
    const parameters: Record<string, SecretValue> = {};
    for (const [key, value] of Object.entries(rest)) {
      if (known && !known.includes(key.toLowerCase())) {
        problems.push(
          `'${at}': unknown key '${key}' for a secret of type ${type}.${didYouMean(key, [...known, 'name', 'provider', 'scope'])}`,
        );
        continue;
      }
      if (!NAME.test(key)) problems.push(`'${at}': '${key}' is not a secret parameter name.`);
      else if (isSecretValue(value)) parameters[key] = value;
      else problems.push(`'${at}.${key}' must be a string, number or boolean.`);
    }
    secrets.push({
      name: typeof name === 'string' ? name : `${DEFAULT_SECRET_PREFIX}${index + 1}`,
      type,
      ...(typeof provider === 'string' ? { provider } : {}),
      ...(scopeOk && scope !== undefined ? { scope: scope as string | string[] } : {}),
      parameters,
    });
  });
  return problems.length ? { problems } : { secrets };
}

function isSecretValue(value: unknown): value is SecretValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return true;
  // extra_http_headers is a map of header names to values.
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

/** `CREATE OR REPLACE TEMPORARY SECRET …`: temporary, so it lives in this process's memory only. */
export function createSecretSql(secret: DuckDbSecret): string {
  const parts = [`type ${secret.type}`];
  if (secret.provider) parts.push(`provider ${secret.provider}`);
  if (secret.scope !== undefined) parts.push(`scope ${literal(secret.scope)}`);
  for (const [key, value] of Object.entries(secret.parameters)) parts.push(`${key} ${literal(value)}`);
  return `create or replace temporary secret "${secret.name}" (${parts.join(', ')})`;
}

/** The values of a secret, to blank out of any message that might quote them. */
export function secretValues(secret: DuckDbSecret): string[] {
  return Object.values(secret.parameters)
    .flatMap((v) => (typeof v === 'object' ? Object.values(v) : [String(v)]))
    .filter((v) => v.length >= 3);
}

function literal(value: SecretValue | string[]): string {
  const text = (s: string) => `'${s.replace(/'/g, "''")}'`;
  if (Array.isArray(value)) return `[${value.map(text).join(', ')}]`;
  if (typeof value === 'object')
    return `map {${Object.entries(value)
      .map(([k, v]) => `${text(k)}: ${text(v)}`)
      .join(', ')}}`;
  return typeof value === 'string' ? text(value) : String(value);
}
