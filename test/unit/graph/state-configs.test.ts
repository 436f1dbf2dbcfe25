import { describe, expect, it } from 'vitest';
import { comparableConfig, configuredRelation } from '../../../core/graph/state-configs.js';
import { DBT_CONFIG_DEFAULTS } from '../../../core/project/dbt-config-defaults.js';

describe('configs compared as dbt compares them', () => {
  it('takes a key absent on one side and at dbt default on the other as equal, and a set value as a change', () => {
    const strata = { enabled: true, materialized: 'table', tags: [], meta: {}, pre_hook: [], post_hook: [] };
    const dbt = { ...DBT_CONFIG_DEFAULTS.model, materialized: 'table' };
    expect(comparableConfig(strata, 'model')).toBe(comparableConfig(dbt, 'model'));
    expect(comparableConfig({ ...strata, on_schema_change: 'fail' }, 'model')).not.toBe(comparableConfig(dbt, 'model'));
    expect(comparableConfig({ ...strata, contract: { enforced: false } }, 'model')).toBe(comparableConfig(dbt, 'model'));
    expect(comparableConfig({ ...strata, contract: { enforced: true } }, 'model')).not.toBe(comparableConfig(dbt, 'model'));
  });

  it('leaves tags, group, alias, schema and database to other checks', () => {
    const base = comparableConfig({ materialized: 'view' }, 'model');
    expect(comparableConfig({ materialized: 'view', tags: ['x'], group: 'g', alias: 'a', schema: 's', database: 'd' }, 'model')).toBe(base);
    expect(comparableConfig({ materialized: 'view', meta: { owner: 'x' } }, 'model')).not.toBe(base);
  });

  it('reads hooks as SQL whichever form wrote them', () => {
    expect(comparableConfig({ post_hook: ['grant select on {{ this }} to r'] }, 'model')).toBe(
      comparableConfig({ 'post-hook': [{ sql: 'grant select on {{ this }} to r', transaction: true, index: 0 }] }, 'model'),
    );
  });

  it("compares a test's modifiers only, severity in any case, store_failures as the store_failures_as it implies", () => {
    const dbt = DBT_CONFIG_DEFAULTS.test as Record<string, unknown>;
    expect(comparableConfig({ severity: 'error', tags: ['t'], meta: { a: 1 } }, 'test')).toBe(comparableConfig(dbt, 'test'));
    expect(comparableConfig({ severity: 'warn' }, 'test')).toBe(comparableConfig({ ...dbt, severity: 'WARN' }, 'test'));
    expect(comparableConfig({ severity: 'warn' }, 'test')).not.toBe(comparableConfig(dbt, 'test'));
    expect(comparableConfig({ store_failures: true }, 'test')).toBe(
      comparableConfig({ ...dbt, store_failures: true, store_failures_as: 'table' }, 'test'),
    );
  });

  it("takes a snapshot's meta columns under their own names, and invalidate_hard_deletes, as dbt's spelling", () => {
    const dbt = { ...DBT_CONFIG_DEFAULTS.snapshot, strategy: 'check', invalidate_hard_deletes: true };
    const strata = {
      strategy: 'check',
      invalidate_hard_deletes: true,
      hard_deletes: 'invalidate',
      snapshot_meta_column_names: { dbt_valid_to: 'dbt_valid_to', dbt_scd_id: 'dbt_scd_id' },
    };
    expect(comparableConfig(strata, 'snapshot')).toBe(comparableConfig(dbt, 'snapshot'));
    const renamed = { ...strata, snapshot_meta_column_names: { dbt_valid_to: 'valid_until' } };
    expect(comparableConfig(renamed, 'snapshot')).not.toBe(comparableConfig(dbt, 'snapshot'));
  });

  it("takes a model version's implied alias and a test's audit schema as unset", () => {
    expect(configuredRelation({ alias: 'orders_v2' }, 'model', 'orders_v2')).toBe(
      configuredRelation({ alias: null }, 'model', 'orders_v2'),
    );
    expect(configuredRelation({ alias: 'orders_new' }, 'model', 'orders_v2')).not.toBe(configuredRelation({}, 'model', 'orders_v2'));
    expect(configuredRelation({ schema: 'dbt_test__audit' }, 'test')).toBe(configuredRelation({}, 'test'));
  });
});
