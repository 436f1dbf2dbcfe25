import { describe, expect, it } from 'vitest';
import { DBT_CONFIG_DEFAULTS } from '../../../core/project/dbt-config-defaults.js';
import { configFromManifest, manifestConfig } from '../../../core/project/node-config-json.js';
import type { NodeConfig } from '../../../core/project/node-config.js';

describe('config in the manifest', () => {
  const config: NodeConfig = {
    enabled: true,
    materialized: 'incremental',
    tags: ['daily'],
    meta: {},
    pre_hook: [],
    post_hook: ['analyze {{ this }}'],
    unique_key: 'id',
    docs: { show: false },
    contract: { enforced: true },
    persist_docs: { relation: true },
  };

  it("writes dbt's keys in dbt's order, set values in place, partial objects filled in", () => {
    const written = manifestConfig(config, 'model');
    expect(Object.keys(written)).toEqual(Object.keys(DBT_CONFIG_DEFAULTS.model as object));
    expect(written).toMatchObject({
      materialized: 'incremental',
      'post-hook': [{ sql: 'analyze {{ this }}', transaction: true, index: 0 }],
      'pre-hook': [],
      docs: { show: false, node_color: null },
      contract: { enforced: true, alias_types: true },
      on_schema_change: 'ignore',
    });
  });

  it('reads back the config the node had, defaults dropped', () => {
    const back = configFromManifest(manifestConfig(config, 'model'));
    expect(back).toEqual({ ...config, docs: { show: false, node_color: null }, contract: { enforced: true, alias_types: true } });
  });

  it("writes a test's default severity and a model version's implied alias as dbt does", () => {
    expect(manifestConfig({ ...config, severity: 'error' }, 'test').severity).toBe('ERROR');
    expect(manifestConfig({ ...config, alias: 'orders_v2' }, 'model', 'orders_v2').alias).toBeNull();
    expect(manifestConfig({ ...config, alias: 'orders_new' }, 'model', 'orders_v2').alias).toBe('orders_new');
  });
});
