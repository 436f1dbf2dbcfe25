import type { AdapterCapabilities } from '../adapter/adapter.js';
import type { SqlDialect } from '../adapter/dialect.js';
import type { ProjectNode } from '../project/types.js';
import type { Plan, Statement } from './plan.js';

/** A node's `pre_hook`s, already rendered: run first, in the node's transaction. */
export function preHookStatements(rendered: readonly string[]): Statement[] {
  return rendered.filter((sql) => sql.trim() !== '').map((sql, i) => ({ sql, purpose: `run pre-hook ${i + 1}` }));
}

/**
 * What follows a built relation, in the node's transaction: its `post_hook`s (rendered), then
 * `grants` and `persist_docs` comments, as dbt applies them.
 */
export function afterBuildStatements(
  node: ProjectNode,
  plan: Plan,
  renderedPostHooks: readonly string[],
  dialect: SqlDialect,
  capabilities: AdapterCapabilities,
): Statement[] {
  const out: Statement[] = renderedPostHooks
    .filter((sql) => sql.trim() !== '')
    .map((sql, i) => ({ sql, purpose: `run post-hook ${i + 1}` }));
  if (!plan.relation || !plan.kind) return out;
  const relation = dialect.qualify(plan.relation);
  if (capabilities.grants) {
    for (const [privilege, grantees] of Object.entries(node.config.grants ?? {})) {
      for (const grantee of Array.isArray(grantees) ? grantees : [grantees]) {
        out.push({
          sql: `grant ${privilege} on ${relation} to ${dialect.quoteIdentifier(grantee)}`,
          purpose: `grant ${privilege} to ${grantee}`,
        });
      }
    }
  }
  const docs = node.config.persist_docs;
  if (docs?.relation && node.description)
    out.push({
      sql: `comment on ${plan.kind === 'view' ? 'view' : 'table'} ${relation} is ${dialect.quoteString(node.description)}`,
      purpose: 'persist the description',
    });
  if (docs?.columns) {
    for (const column of Object.values(node.columns)) {
      if (column.description)
        out.push({
          sql: `comment on column ${relation}.${dialect.quoteIdentifier(column.name)} is ${dialect.quoteString(column.description)}`,
          purpose: `persist the description of column ${column.name}`,
        });
    }
  }
  return out;
}
