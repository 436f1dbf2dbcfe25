import { derivedIdentifier } from '../adapter/derived-name.js';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import type { ProjectNode } from '../project/types.js';
import { shouldFullRefresh } from './full-refresh.js';
import { uniqueKeys, type PlanInput } from './plan-input.js';
import { columnsOf, type Plan, type Statement } from './plan.js';
import { planSchemaChange } from './schema-change.js';
import { timestampLiteral } from './batches.js';

/** Suffix of the table that holds an incremental run's new rows. */
export const INCREMENTAL_SUFFIX = '__strata_incr';

/** The strategies Strata applies new rows with. */
export const INCREMENTAL_STRATEGIES = ['append', 'delete+insert', 'merge', 'microbatch'] as const;

/** dbt's default: delete+insert when there is a unique key, append otherwise. */
export function incrementalStrategy(node: ProjectNode): string {
  return node.config.incremental_strategy ?? (uniqueKeys(node).length > 0 ? 'delete+insert' : 'append');
}

/** True when this run adds to the existing table rather than building it. */
export function runsIncrementally(node: ProjectNode, existing: PlanInput['existing'], fullRefreshFlag: boolean): boolean {
  return existing?.kind === 'table' && !shouldFullRefresh(node.config, fullRefreshFlag);
}

/**
 * The incremental materialization. Without a table (or on a full refresh) it builds one like
 * `table`. Otherwise, in one transaction: build the new rows into `<name>__strata_incr`, look at
 * both column lists, apply on_schema_change, apply the strategy, drop the new-rows table.
 */
export function planIncremental(input: PlanInput, buildTable: (input: PlanInput) => Plan): Plan {
  const { node, compiledSql, existing, dialect, capabilities, facts } = input;
  if (!runsIncrementally(node, existing, input.fullRefresh ?? false)) return { ...buildTable(input), action: 'created incremental table' };
  const target = node.relation;
  const incoming = dialect.scratchRelation(derivedIdentifier(target.identifier, INCREMENTAL_SUFFIX, capabilities.maxIdentifierBytes));
  const base = { uniqueId: node.uniqueId, transactional: capabilities.transactionalDdl, relation: target, kind: 'table' as const };
  if (!facts) {
    return {
      ...base,
      action: 'built new rows',
      statements: [
        { sql: dialect.drop(incoming, 'table'), purpose: 'remove a leftover from an interrupted run' },
        { sql: dialect.createScratchTableAs(incoming, compiledSql), purpose: 'build the new rows in a session-private table' },
      ],
      requires: { columnsOf: [target, incoming] },
    };
  }
  const strategy = incrementalStrategy(node);
  const keys = uniqueKeys(node);
  const change = planSchemaChange(node, target, columnsOf(facts, target), columnsOf(facts, incoming), dialect);
  const missingKeys = keys.filter((k) => !change.columns.some((c) => c.toLowerCase() === k.toLowerCase()));
  if (missingKeys.length > 0)
    fail(
      node,
      `unique_key column${missingKeys.length > 1 ? 's' : ''} ${missingKeys.map((k) => `'${k}'`).join(', ')} not found in the model's columns (${change.columns.join(', ')}).`,
    );
  const predicates = node.config.incremental_predicates ?? [];
  const statements: Statement[] = [...change.statements];
  if (strategy === 'append') {
    statements.push({ sql: dialect.insertInto(target, incoming, change.columns), purpose: 'append the new rows' });
  } else if (strategy === 'delete+insert') {
    if (keys.length === 0) fail(node, "incremental_strategy 'delete+insert' needs a unique_key.");
    statements.push({ sql: dialect.deleteMatching(target, incoming, keys, predicates), purpose: 'delete the rows being replaced' });
    statements.push({ sql: dialect.insertInto(target, incoming, change.columns), purpose: 'insert the new rows' });
  } else if (strategy === 'merge') {
    if (keys.length === 0) fail(node, "incremental_strategy 'merge' needs a unique_key.");
    statements.push(duplicateKeyCheck(input, incoming, keys));
    const excluded = new Set((node.config.merge_exclude_columns ?? []).map((c) => c.toLowerCase()));
    const updateColumns = node.config.merge_update_columns ?? change.columns.filter((c) => !excluded.has(c.toLowerCase()));
    statements.push({
      sql: dialect.merge(target, incoming, { keys, insertColumns: change.columns, updateColumns, predicates }),
      purpose: 'merge the new rows',
    });
  } else if (strategy === 'microbatch') {
    const batch = input.batch;
    if (!batch || !node.config.event_time) throw new Error('microbatch plans need a batch and an event_time');
    const column = dialect.quoteIdentifier(node.config.event_time);
    const bound = (d: Date) => `cast(${dialect.quoteString(timestampLiteral(d))} as timestamp)`;
    statements.push({
      sql: dialect.deleteFrom(target, `${column} >= ${bound(batch.start)} and ${column} < ${bound(batch.end)}`),
      purpose: `delete the rows of the batch from ${timestampLiteral(batch.start)}`,
    });
    statements.push({ sql: dialect.insertInto(target, incoming, change.columns), purpose: 'insert the batch' });
  } else {
    fail(node, `incremental_strategy '${strategy}' is not supported (supported: ${INCREMENTAL_STRATEGIES.join(', ')}).`);
  }
  statements.push({ sql: dialect.drop(incoming, 'table'), purpose: 'drop the new-rows table' });
  return { ...base, action: `${strategy === 'merge' ? 'merged' : strategy === 'append' ? 'appended' : 'replaced'} rows in`, statements };
}

/** Merge needs one source row per key; several would update a row twice or insert duplicates. */
function duplicateKeyCheck({ node, dialect }: PlanInput, incoming: PlanInput['node']['relation'], keys: string[]): Statement {
  const list = keys.map((k) => dialect.quoteIdentifier(k)).join(', ');
  return {
    sql: `select ${list}, count(*) as row_count from ${dialect.qualify(incoming)} group by ${list} having count(*) > 1 limit 5`,
    purpose: 'check the new rows have one row per unique_key',
    check: {
      message: `${node.name}: the new rows contain duplicate unique_key values (${keys.join(', ')}), so merge cannot tell which row wins. Deduplicate the model's output.`,
    },
  };
}

function fail(node: ProjectNode, message: string): never {
  throw new StrataUserError([
    diagnostic('invalid-config', `${node.name}: ${message}`, { file: node.originalFilePath, line: 1, column: 1 }),
  ]);
}
