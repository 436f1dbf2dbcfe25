import type { SqlDialect } from '../adapter/dialect.js';
import { selectBody } from '../adapter/sql-text.js';
import type { NodeConfig } from '../project/node-config.js';

/**
 * The query that judges a data test, as dbt builds it: the test's SQL returns failing rows;
 * `fail_calc` (default `count(*)`) turns them into a number, compared with `warn_if` and
 * `error_if` (default `!= 0`). `limit` caps the rows looked at.
 */
export function testResultSql(compiledSql: string, config: NodeConfig): string {
  const failCalc = config.fail_calc ?? 'count(*)';
  const limit = config.limit !== undefined && config.limit !== null ? `\nlimit ${Number(config.limit)}` : '';
  return [
    `select ${failCalc} as failures,`,
    `  case when ${failCalc} ${config.warn_if ?? '!= 0'} then 1 else 0 end as should_warn,`,
    `  case when ${failCalc} ${config.error_if ?? '!= 0'} then 1 else 0 end as should_error`,
    `from (\n${selectBody(compiledSql)}${limit}\n) dbt_internal_test`,
  ].join('\n');
}

/** pass, warn or fail from the judged numbers and the configured severity. */
export function testStatus(config: NodeConfig, shouldWarn: boolean, shouldError: boolean): 'pass' | 'warn' | 'fail' {
  const severity = String(config.severity ?? 'error').toLowerCase();
  if (severity === 'error' && shouldError) return 'fail';
  if (shouldWarn || (severity === 'warn' && shouldError)) return 'warn';
  return 'pass';
}

/** Literal SQL for a fixture value (unit tests). */
export function sqlLiteral(value: unknown, dialect: SqlDialect): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return dialect.quoteString(value.toISOString().slice(0, 10));
  return dialect.quoteString(String(value));
}
