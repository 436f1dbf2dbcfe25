/**
 * Every diagnostic Strata reports, with its default severity. One table so codes stay unique,
 * greppable and documented in one place.
 */
export const DIAGNOSTIC_CODES = {
  'project-file-missing': 'error',
  'yaml-syntax': 'error',
  'yaml-schema': 'error',
  'file-not-utf8': 'error',
  'unknown-key': 'error',
  'unused-config-path': 'warn',
  'profile-not-found': 'error',
  'target-not-found': 'error',
  'unsupported-adapter': 'error',
  'duplicate-node': 'error',
  'duplicate-macro': 'error',
  'duplicate-doc': 'error',
  'unknown-doc': 'error',
  'template-syntax': 'error',
  'template-render': 'error',
  'unknown-macro': 'error',
  'database-error': 'error',
  'hook-failed': 'error',
  'missing-var': 'error',
  'missing-env-var': 'error',
  'invalid-config': 'error',
  'unknown-ref': 'error',
  'unknown-source': 'error',
  'dependency-cycle': 'error',
  'disabled-ref': 'error',
  'selector-no-match': 'warn',
  'invalid-selector': 'error',
  'invalid-vars': 'error',
  /** A command-line flag (or its environment variable, or dbt_project.yml `flags:`) with a value Strata cannot use. */
  'invalid-flag': 'error',
  'properties-unknown-node': 'warn',
  'invalid-seed': 'error',
  'schema-change': 'error',
  'invalid-test': 'error',
  'invalid-unit-test': 'error',
  'invalid-state': 'error',
  'invalid-selectors-file': 'error',
  'nothing-to-retry': 'warn',
  'invalid-dependency': 'error',
  'incompatible-dbt-version': 'error',
  'ignored-setting': 'warn',
  'access-violation': 'error',
  'unknown-group': 'error',
  'deprecated-ref': 'warn',
  /** A ref to a model whose deprecation date is still ahead (dbt's UpcomingReferenceDeprecation). */
  'upcoming-deprecation': 'warn',
  /** A model past its own deprecation date (dbt's DeprecatedModel). */
  'deprecated-model': 'warn',
  'contract-mismatch': 'error',
  'breaking-change': 'error',
  'consumer-impact': 'warn',
  'unenforced-constraint': 'warn',
  'invalid-freshness': 'error',
  /** A source table's `external_location` (and its format, formatter or reader options) cannot be read. */
  'invalid-file-source': 'error',
  /** A file source on a target whose adapter cannot read files (only DuckDB can). */
  'file-source-unsupported': 'error',
  'invalid-operation-args': 'error',
  'invalid-init': 'error',
  // The environment (StrataEnvironmentError): not the project's files, not a bug.
  'connection-failed': 'error',
  'database-file-locked': 'error',
  'database-file-unusable': 'error',
  'extension-unavailable': 'error',
  'duckdb-setting-invalid': 'error',
  'duckdb-secret-invalid': 'error',
  'attach-failed': 'error',
  'defer-catalog-missing': 'error',
  'run-lock-timeout': 'error',
} as const satisfies Record<string, Severity>;

/** `error` stops the command; `warn` is printed and the command goes on. */
export type Severity = 'error' | 'warn';

/** A kebab-case diagnostic code from {@link DIAGNOSTIC_CODES}. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
