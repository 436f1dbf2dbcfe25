import { describe, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import type { ExistingRelation, RelationKind } from '../../core/adapter/relation.js';
import { planNode } from '../../core/plan/materializations.js';
import type { Plan } from '../../core/plan/plan.js';
import type { ProjectNode } from '../../core/project/types.js';
import { finalizeConfig } from '../../core/project/node-config.js';
import { expectGolden } from './golden.js';

function node(materialized: string): ProjectNode {
  return {
    uniqueId: `model.p.orders`, resourceType: materialized === 'seed' ? 'seed' : 'model', name: 'orders', packageName: 'p',
    originalFilePath: 'models/orders.sql', absolutePath: '/project/seeds/orders.csv', path: 'orders.sql', fqn: ['p', 'orders'],
    rawCode: '', seedColumns: [{ name: 'id', inferred: 'integer' }, { name: 'Customer Name', inferred: 'text' }, { name: 'amount', inferred: 'float', declared: 'decimal(12, 2)' }], config: finalizeConfig({ materialized }, 'view'), description: '', columns: {}, tests: [], refs: [], sources: [],
    relation: { database: 'db', schema: 'analytics', identifier: 'orders' },
  };
}

const existing = (kind: RelationKind | undefined): ExistingRelation | undefined => (kind ? { database: 'db', schema: 'analytics', identifier: 'orders', kind } : undefined);

// The SQL each adapter generates for each materialization, pinned so changes are deliberate.
for (const adapter of BUILTIN_ADAPTERS) {
  describe(`${adapter.name} materialization SQL`, () => {
    for (const materialized of ['view', 'table', 'seed', 'ephemeral']) {
      for (const before of [undefined, 'view', 'table'] as const) {
        it(`${materialized} over ${before ?? 'nothing'}`, () => {
          const plan = planNode({ node: node(materialized), compiledSql: 'select 1 as id -- trailing comment\n;', existing: existing(before), dialect: adapter.dialect, capabilities: adapter.capabilities });
          expectGolden(`${adapter.name}/${materialized}-over-${before ?? 'nothing'}.sql`, render(plan));
        });
      }
    }
    it('table with a dependent view of another model', () => {
      const dependents = [{ relation: { database: 'db', schema: 'marts', identifier: 'orders_report' }, definition: ' SELECT id FROM analytics.orders;' }];
      const plan = planNode({ node: node('table'), compiledSql: 'select 1 as id', existing: existing('table'), dependents, dialect: adapter.dialect, capabilities: adapter.capabilities });
      expectGolden(`${adapter.name}/table-with-dependent-view.sql`, render(plan));
    });
  });
}

function render(plan: Plan): string {
  return [`-- transactional: ${plan.transactional}`, ...plan.statements.map((s) => `-- ${s.purpose}\n${s.sql};`)].join('\n') + '\n';
}
