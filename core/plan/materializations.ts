import type { ExistingRelation, RelationKind } from '../adapter/relation.js';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import { shouldFullRefresh } from './full-refresh.js';
import { planIncremental } from './incremental.js';
import type { PlanInput } from './plan-input.js';
import { planSnapshot } from './snapshot.js';
import { planExternal } from './external.js';
import { hasEnforcedContract } from '../project/contract-declaration.js';
import { contractTableColumns } from './contract.js';
import { selectBody } from '../adapter/sql-text.js';
import { backupRelation, columnsOf, tmpRelation, type Plan, type Statement } from './plan.js';

type Materialization = (input: PlanInput) => Plan;

/** Materializations by name. */
export const MATERIALIZATIONS: Readonly<Record<string, Materialization>> = {
  view: planView,
  table: planTable,
  ephemeral: planEphemeral,
  incremental: (input) => planIncremental(input, planTable),
  seed: planSeed,
  snapshot: planSnapshot,
  external: planExternal,
};

/** Plans a node with its configured materialization. */
export function planNode(input: PlanInput): Plan {
  const materialization = MATERIALIZATIONS[input.node.config.materialized];
  if (!materialization) throw new Error(`no materialization '${input.node.config.materialized}'`);
  return materialization(input);
}

function planView(input: PlanInput): Plan {
  const { node, compiledSql, existing, dialect, capabilities } = input;
  const plan = {
    uniqueId: node.uniqueId,
    transactional: capabilities.transactionalDdl,
    relation: node.relation,
    kind: 'view' as const,
    action: 'created view',
  };
  if (!existing || (existing.kind === 'view' && capabilities.replaceViewAnyShape)) {
    return {
      ...plan,
      statements: [
        { sql: dialect.createViewAs(node.relation, compiledSql, { replace: existing !== undefined }), purpose: 'create the view' },
      ],
    };
  }
  const build: Statement[] = [
    { sql: dialect.drop(tmpRelation(node.relation, capabilities), 'view'), purpose: 'remove a leftover from an interrupted run' },
    {
      sql: dialect.createViewAs(tmpRelation(node.relation, capabilities), compiledSql, { replace: false }),
      purpose: 'create the new view beside the old relation',
    },
  ];
  return { ...plan, statements: swapIn(input, 'view', build) };
}

function planTable(input: PlanInput): Plan {
  const { node, compiledSql, dialect, capabilities } = input;
  const tmp = tmpRelation(node.relation, capabilities);
  const build: Statement[] = [{ sql: dialect.drop(tmp, 'table'), purpose: 'remove a leftover from an interrupted run' }];
  if (hasEnforcedContract(node)) {
    // A contract fixes the column types and adds constraints, so the table is declared first.
    const { columns, tableConstraints } = contractTableColumns(node, dialect, capabilities, input.buildId ?? 'b');
    build.push({
      sql: dialect.createTable(tmp, columns, tableConstraints),
      purpose: "create the new table with the contract's types and constraints",
    });
    build.push({
      sql: `insert into ${dialect.qualify(tmp)} (${columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ')})\nselect ${columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ')}\nfrom (\n${selectBody(compiledSql)}) as model_subq`,
      purpose: 'insert the new rows',
    });
  } else {
    build.push({ sql: dialect.createTableAs(tmp, compiledSql), purpose: 'build the new rows beside the old relation' });
  }
  return {
    uniqueId: node.uniqueId,
    statements: swapIn(input, 'table', build),
    transactional: capabilities.transactionalDdl,
    relation: node.relation,
    kind: 'table',
    action: 'created table',
  };
}

/**
 * Seeds: every load builds `<name>__strata_tmp` from the CSV and swaps it in, in one transaction,
 * as tables do. A failed load leaves the old table and its rows; two runs loading one seed at once
 * each swap in a whole table (the later wins) and never double rows. The first stage takes the
 * database's build lock on the seed's name, where it has one, and asks for the columns there now:
 * whether a table exists and which columns it has are read after any other load has finished.
 * Without --full-refresh, a CSV whose columns changed is refused, as dbt (which truncates and
 * inserts) fails then too; the column types always follow the CSV.
 */
function planSeed(input: PlanInput): Plan {
  const { node, dialect, capabilities, existing, facts } = input;
  const base = {
    uniqueId: node.uniqueId,
    transactional: capabilities.transactionalDdl,
    relation: node.relation,
    kind: 'table' as const,
    action: 'loaded seed',
  };
  if (!facts) {
    const lock = dialect.lockBuild?.(node.relation);
    return {
      ...base,
      statements: lock ? [{ sql: lock, purpose: 'wait until other loads of this seed have finished' }] : [],
      requires: { columnsOf: [node.relation] },
    };
  }
  const columns = (node.seedColumns ?? []).map((c) => ({ name: c.name, type: c.declared ?? dialect.seedType(c.inferred) }));
  const before = columnsOf(facts, node.relation);
  // What is there now: another run may have created the table since this run looked.
  const current: ExistingRelation | undefined = before.length > 0 ? { ...node.relation, kind: existing?.kind ?? 'table' } : undefined;
  if (current?.kind === 'table' && !shouldFullRefresh(node.config, input.fullRefresh ?? false)) {
    const was = before.map((c) => c.name.toLowerCase());
    const now = columns.map((c) => c.name.toLowerCase());
    if (was.join('\u0000') !== now.join('\u0000')) {
      throw new StrataUserError([
        diagnostic(
          'invalid-seed',
          `${node.name}: the CSV's columns (${now.join(', ')}) differ from the table's (${was.join(', ')}). Run with --full-refresh to recreate the table.`,
          { file: node.originalFilePath, line: 1, column: 1 },
        ),
      ]);
    }
  }
  const tmp = tmpRelation(node.relation, capabilities);
  const sampled =
    node.seedSampleRows === undefined
      ? ''
      : `; column types were inferred from the first ${node.seedSampleRows.toLocaleString('en-US')} rows, so set column_types for a column whose later values differ`;
  const build: Statement[] = [
    { sql: dialect.drop(tmp, 'table'), purpose: 'remove a leftover from an interrupted run' },
    { sql: dialect.createTable(tmp, columns), purpose: 'create the new table beside the old relation' },
    {
      sql: `-- bulk load ${node.originalFilePath} into ${dialect.qualify(tmp)}`,
      purpose: `load the CSV rows${sampled}`,
      load: { relation: tmp, file: node.absolutePath, columns: columns.map((c) => c.name), delimiter: node.config.delimiter ?? ',' },
    },
  ];
  return { ...base, statements: swapIn({ ...input, existing: current }, 'table', build) };
}

function planEphemeral({ node }: PlanInput): Plan {
  return { uniqueId: node.uniqueId, statements: [], transactional: false, action: 'compiled ephemeral' };
}

/**
 * After `build` has made `<name>__strata_tmp`: rename the old relation away, rename the new one in,
 * re-point views of other models at it, then drop the old one. In one transaction, a failure at
 * any step leaves the old relation, its rows and its dependent views as they were. Dependent views
 * are never dropped with CASCADE.
 */
function swapIn(
  { node, existing, dependents = [], foreignKeys = [], dialect, capabilities }: PlanInput,
  kind: RelationKind,
  build: Statement[],
): Statement[] {
  const relation = node.relation;
  const backup = backupRelation(relation, capabilities);
  const statements = [...build];
  if (existing)
    statements.push({ sql: dialect.rename(relation, existing.kind, backup.identifier), purpose: `move the old ${existing.kind} aside` });
  statements.push({
    sql: dialect.rename(tmpRelation(relation, capabilities), kind, relation.identifier),
    purpose: `move the new ${kind} into place`,
  });
  for (const view of dependents) {
    statements.push({
      sql: dialect.createViewAs(view.relation, view.definition, { replace: true }),
      purpose: `re-point dependent view ${view.relation.schema}.${view.relation.identifier} at the new ${kind}`,
    });
  }
  for (const fk of foreignKeys) {
    // The constraint followed the old table when it was renamed; recreate it on the new one.
    const table = dialect.qualify(fk.table);
    const name = dialect.quoteIdentifier(fk.name);
    statements.push({
      sql: `alter table ${table} drop constraint ${name}`,
      purpose: `move foreign key ${fk.name} of ${fk.table.schema}.${fk.table.identifier} off the old table`,
    });
    statements.push({
      sql: `alter table ${table} add constraint ${name} ${fk.definition}`,
      purpose: `point foreign key ${fk.name} of ${fk.table.schema}.${fk.table.identifier} at the new table`,
    });
  }
  if (existing) statements.push({ sql: dialect.drop(backup, existing.kind), purpose: `drop the old ${existing.kind}` });
  return statements;
}
