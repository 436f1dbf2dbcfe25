import { cpSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { runProject } from '../../core/run/run-project.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { copyExample } from '../helpers/temp-project.js';

/** examples/jaffle_shop (a project written as dbt's example projects are) with the local package it uses. */
function jaffleShop(): string {
  const dir = copyExample('jaffle_shop');
  cpSync(resolve(import.meta.dirname, '../../examples/packages'), join(dirname(dir), 'packages'), { recursive: true });
  return dir;
}

for (const target of TEST_TARGETS) {
  describe(`examples/jaffle_shop on ${target.name}`, () => {
    it('installs its package, builds seeds, staging and marts, passes its schema tests, and the rows are right', async () => {
      const dir = jaffleShop();
      expect((await cli(['deps', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
      const schema = await target.writeProfile(dir, 'jaffle_shop');
      const { summary } = await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, command: 'build' });
      expect(
        summary.results.filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.uniqueId}: ${r.message}`),
      ).toEqual([]);
      expect(summary.results).toHaveLength(27);
      const q = (sql: string) => target.query(dir, sql.replaceAll('{schema}', schema));
      expect(
        await q('select customer_id, number_of_orders, customer_lifetime_value as clv from {schema}.customers order by customer_id'),
      ).toEqual([
        { customer_id: '1', number_of_orders: '3', clv: '35.00' },
        { customer_id: '2', number_of_orders: '2', clv: '55.00' },
        { customer_id: '3', number_of_orders: '1', clv: '20.00' },
        { customer_id: '4', number_of_orders: '1', clv: '15.00' },
        { customer_id: '5', number_of_orders: '1', clv: '5.00' },
        { customer_id: '6', number_of_orders: '0', clv: null },
      ]);
      expect(await q('select order_id, coupon_amount, credit_card_amount, amount from {schema}.orders where order_id = 3')).toEqual([
        { order_id: '3', coupon_amount: '1.00', credit_card_amount: '9.00', amount: '10.00' },
      ]);
      expect(
        await q('select payment_method, label, number_of_payments, total_amount from {schema}.payment_methods order by payment_method'),
      ).toEqual([
        { payment_method: 'bank_transfer', label: 'Bank transfer', number_of_payments: '2', total_amount: '37.00' },
        { payment_method: 'coupon', label: 'Coupon', number_of_payments: '2', total_amount: '6.00' },
        { payment_method: 'credit_card', label: 'Credit card', number_of_payments: '4', total_amount: '69.00' },
        { payment_method: 'gift_card', label: 'Gift card', number_of_payments: '2', total_amount: '18.00' },
      ]);
      // The docs block the properties file names reaches the manifest (and so the docs site).
      expect(readFileSync(join(dir, 'models/marts/schema.yml'), 'utf8')).toContain(`description: '{{ doc("orders_status") }}'`);
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
        nodes: Record<string, { columns: Record<string, { description: string }>; compiled_code?: string; resource_type: string }>;
        docs: Record<string, { block_contents: string }>;
      };
      // The project's overview page beside dbt's default one, and the analysis compiled, not built.
      expect(manifest.docs['doc.jaffle_shop.__overview__']?.block_contents).toContain('from raw seeds to marts');
      expect(Object.keys(manifest.docs)).toContain('doc.dbt.__overview__');
      const analysis = manifest.nodes['analysis.jaffle_shop.revenue_by_month'];
      expect(analysis?.resource_type).toBe('analysis');
      expect(summary.results.map((r) => r.uniqueId)).not.toContain('analysis.jaffle_shop.revenue_by_month');
      expect((await cli(['compile', '-s', 'revenue_by_month', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
      expect(readFileSync(join(dir, 'target/compiled/jaffle_shop/analyses/revenue_by_month.sql'), 'utf8')).toContain(`${schema}`);
      expect(manifest.nodes['model.jaffle_shop.orders']?.columns.status?.description).toContain(
        '| return_pending | The customer asked for a return',
      );
    });
  });
}
