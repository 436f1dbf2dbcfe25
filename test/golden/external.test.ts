// The statements an external model plans on DuckDB, compared with test/golden/duckdb/external-*.sql
// (rewrite with `STRATA_UPDATE_GOLDEN=1 npx vitest run test/golden` after an intended change).
import { describe, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import type { ExistingRelation, Relation } from '../../core/adapter/relation.js';
import { planNode } from '../../core/plan/materializations.js';
import { finalizeConfig, type PartialNodeConfig } from '../../core/project/node-config.js';
import type { ProjectNode } from '../../core/project/types.js';
import { expectGolden } from './golden.js';

const duckdb = BUILTIN_ADAPTERS.find((a) => a.name === 'duckdb');
if (!duckdb) throw new Error('no duckdb adapter');
const relation: Relation = { database: 'db', schema: 'analytics', identifier: 'orders' };

function node(config: PartialNodeConfig): ProjectNode {
  return {
    uniqueId: 'model.p.orders',
    resourceType: 'model',
    name: 'orders',
    packageName: 'p',
    originalFilePath: 'models/orders.sql',
    absolutePath: '/project/models/orders.sql',
    path: 'orders.sql',
    fqn: ['p', 'orders'],
    rawCode: '',
    config: finalizeConfig({ materialized: 'external', ...config }, 'view'),
    description: '',
    columns: {},
    tests: [],
    refs: [],
    sources: [],
    macros: [],
    relation,
  };
}

function planText(config: PartialNodeConfig, existing?: ExistingRelation['kind'], fullRefresh = false): string {
  const plan = planNode({
    node: node(config),
    compiledSql: 'select 1 as id, 2 as day -- trailing comment\n;',
    existing: existing ? { ...relation, kind: existing } : undefined,
    fullRefresh,
    dialect: duckdb!.dialect,
    capabilities: duckdb!.capabilities,
    projectRoot: '/project',
    externalRoot: '/lake',
  });
  const undo = (plan.onFailure ?? []).map((s) => `-- on failure: ${s.op} ${s.from ?? ''}${s.to ? ` -> ${s.to}` : ''}`);
  return (
    [`-- transactional: ${plan.transactional}`, ...plan.statements.map((s) => `-- ${s.purpose}\n${s.sql};`), ...undo].join('\n') + '\n'
  );
}

describe('duckdb external model statements', () => {
  const cases: [string, PartialNodeConfig, ExistingRelation['kind'] | undefined, boolean?][] = [
    ['external-over-nothing', {}, undefined],
    ['external-over-table', { format: 'csv', delimiter: ';' }, 'table'],
    ['external-partitioned', { location: 'out/orders', partition_by: ['day'], options: { compression: 'zstd' } }, 'view'],
    ['external-append-partitioned', { partition_by: 'day', incremental_strategy: 'append' }, 'view'],
    ['external-append-single-file', { incremental_strategy: 'append' }, 'view'],
    ['external-append-full-refresh', { partition_by: 'day', incremental_strategy: 'append' }, 'view', true],
    ['external-url', { location: 's3://bucket/orders.parquet' }, 'view'],
  ];
  for (const [name, config, existing, fullRefresh] of cases) {
    it(name, () => expectGolden(`duckdb/${name}.sql`, planText(config, existing, fullRefresh)));
  }
});
