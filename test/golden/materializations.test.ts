// The SQL each adapter plans for each materialization, compared with test/golden/<adapter>/*.sql.
// A missing golden fails. After an intended change (or for a new case), rewrite them with
// `STRATA_UPDATE_GOLDEN=1 npx vitest run test/golden` and review the diff before committing.
import { describe, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { relationKey, type ColumnInfo, type ExistingRelation, type Relation, type RelationKind } from '../../core/adapter/relation.js';
import { planNode } from '../../core/plan/materializations.js';
import type { PlanInput } from '../../core/plan/plan-input.js';
import type { Plan } from '../../core/plan/plan.js';
import { finalizeConfig, type PartialNodeConfig } from '../../core/project/node-config.js';
import type { ProjectNode } from '../../core/project/types.js';
import { expectGolden } from './golden.js';

const relation: Relation = { database: 'db', schema: 'analytics', identifier: 'orders' };

function node(config: PartialNodeConfig): ProjectNode {
  const materialized = config.materialized ?? 'view';
  return {
    uniqueId: 'model.p.orders',
    resourceType: materialized === 'seed' ? 'seed' : 'model',
    name: 'orders',
    packageName: 'p',
    originalFilePath: 'models/orders.sql',
    absolutePath: '/project/seeds/orders.csv',
    path: 'orders.sql',
    fqn: ['p', 'orders'],
    rawCode: '',
    seedColumns: [
      { name: 'id', inferred: 'integer' },
      { name: 'Customer Name', inferred: 'text' },
      { name: 'amount', inferred: 'float', declared: 'decimal(12, 2)' },
    ],
    config: finalizeConfig(config, 'view'),
    description: '',
    columns: {},
    tests: [],
    refs: [],
    sources: [],
    macros: [],
    relation,
  };
}

const existing = (kind: RelationKind | undefined): ExistingRelation | undefined => (kind ? { ...relation, kind } : undefined);
const cols = (...names: string[]): ColumnInfo[] => names.map((n) => ({ name: n, dataType: n === 'id' ? 'INTEGER' : 'VARCHAR' }));

/** Plans every stage, answering each `requires` from `columns`, as the runner would. */
function planAll(input: PlanInput, columns: Record<string, ColumnInfo[]> = {}): string {
  const facts = { columns: new Map(Object.entries(columns)) };
  const stages: Plan[] = [planNode(input)];
  while (stages[stages.length - 1]?.requires) stages.push(planNode({ ...input, facts }));
  const statements = stages.flatMap((p) => p.statements);
  return (
    [
      `-- transactional: ${stages[0]?.transactional}`,
      ...statements.map((s) => `-- ${s.purpose}${s.check ? ' (fails when rows come back)' : ''}\n${s.sql};`),
    ].join('\n') + '\n'
  );
}

// The SQL each adapter generates for each materialization, pinned so changes are deliberate.
for (const adapter of BUILTIN_ADAPTERS) {
  describe(`${adapter.name} materialization SQL`, () => {
    const base = { compiledSql: 'select 1 as id -- trailing comment\n;', dialect: adapter.dialect, capabilities: adapter.capabilities };
    const golden = (name: string, text: string) => expectGolden(`${adapter.name}/${name}.sql`, text);

    for (const materialized of ['view', 'table', 'seed', 'ephemeral']) {
      for (const before of [undefined, 'view', 'table'] as const) {
        it(`${materialized} over ${before ?? 'nothing'}`, () => {
          // A seed asks for the columns there are once it holds its lock: none over nothing.
          const columns = before ? { [relationKey(relation)]: cols('id', 'Customer Name', 'amount') } : {};
          golden(
            `${materialized}-over-${before ?? 'nothing'}`,
            planAll({ ...base, node: node({ materialized }), existing: existing(before) }, columns),
          );
        });
      }
    }

    it('seed with --full-refresh', () => {
      golden(
        'seed-full-refresh',
        planAll(
          { ...base, node: node({ materialized: 'seed' }), existing: existing('table'), fullRefresh: true },
          { [relationKey(relation)]: cols('id', 'status') },
        ),
      );
    });

    it('table with a dependent view of another model', () => {
      const dependents = [
        { relation: { database: 'db', schema: 'marts', identifier: 'orders_report' }, definition: ' SELECT id FROM analytics.orders;' },
      ];
      golden(
        'table-with-dependent-view',
        planAll({ ...base, node: node({ materialized: 'table' }), existing: existing('table'), dependents }),
      );
    });

    const incoming = adapter.dialect.scratchRelation('orders__strata_incr');
    const same = { [relationKey(relation)]: cols('id', 'status'), [relationKey(incoming)]: cols('id', 'status') };
    const cases: [string, PartialNodeConfig, Record<string, ColumnInfo[]>][] = [
      ['incremental-append', {}, same],
      [
        'incremental-delete-insert',
        { unique_key: ['id', 'status'], incremental_predicates: ["DBT_INTERNAL_DEST.status <> 'archived'"] },
        same,
      ],
      ['incremental-merge', { unique_key: 'id', incremental_strategy: 'merge', merge_exclude_columns: ['status'] }, same],
      [
        'incremental-append-new-columns',
        { on_schema_change: 'append_new_columns' },
        { ...same, [relationKey(incoming)]: cols('id', 'status', 'note') },
      ],
      [
        'incremental-sync-all-columns',
        { on_schema_change: 'sync_all_columns' },
        { ...same, [relationKey(incoming)]: [...cols('id', 'note'), { name: 'status', dataType: 'BIGINT' }] },
      ],
    ];
    for (const [name, config, columns] of cases) {
      it(name, () =>
        golden(name, planAll({ ...base, node: node({ materialized: 'incremental', ...config }), existing: existing('table') }, columns)),
      );
    }
    const snapshotConfig: PartialNodeConfig = {
      materialized: 'snapshot',
      unique_key: 'id',
      strategy: 'timestamp',
      updated_at: 'updated_at',
      hard_deletes: 'new_record',
      snapshot_meta_column_names: {
        dbt_scd_id: 'strata_scd_id',
        dbt_updated_at: 'strata_updated_at',
        dbt_valid_from: 'strata_valid_from',
        dbt_valid_to: 'strata_valid_to',
        dbt_is_deleted: 'strata_is_deleted',
      },
    };
    it('snapshot first run', () => golden('snapshot-first-run', planAll({ ...base, node: node(snapshotConfig), existing: undefined })));
    it('snapshot later run', () => {
      const staging = adapter.dialect.scratchRelation('orders__strata_snap');
      const meta = [
        { name: 'strata_scd_id', dataType: 'VARCHAR' },
        { name: 'strata_updated_at', dataType: 'TIMESTAMP' },
        { name: 'strata_valid_from', dataType: 'TIMESTAMP' },
        { name: 'strata_valid_to', dataType: 'TIMESTAMP' },
        { name: 'strata_is_deleted', dataType: 'BOOLEAN' },
      ];
      const columns = {
        [relationKey(relation)]: [...cols('id', 'status'), { name: 'updated_at', dataType: 'TIMESTAMP' }, ...meta],
        [relationKey(staging)]: [...cols('id', 'status'), { name: 'updated_at', dataType: 'TIMESTAMP' }],
      };
      golden('snapshot-later-run', planAll({ ...base, node: node(snapshotConfig), existing: existing('table') }, columns));
    });
    it('incremental first run', () =>
      golden('incremental-first-run', planAll({ ...base, node: node({ materialized: 'incremental' }), existing: undefined })));
  });
}
