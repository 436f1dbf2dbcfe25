// The config every node carries in a manifest written by dbt 1.10: each key of dbt's config
// dataclasses (NodeConfig, ModelConfig, SeedConfig, SnapshotConfig, TestConfig, SourceConfig) with
// its default, in dbt's field order. The manifest writes them so readers of dbt's artifacts find
// every key; state comparison reads them to tell "left at the default" from "set".
//
// The objects are built once and frozen: entries and comparisons share them, never change them.

type Config = Readonly<Record<string, unknown>>;

const frozen = <T extends object>(value: T): T => Object.freeze(value);
const NONE: readonly never[] = frozen([]);
const EMPTY: Config = frozen({});

/** dbt's NodeAndTestConfig: what models, seeds, snapshots, analyses, hooks and tests share. */
function nodeAndTest(schema: string | null): Record<string, unknown> {
  return { enabled: true, alias: null, schema, database: null, tags: NONE, meta: EMPTY, group: null };
}

/** dbt's NodeConfig (1.10), materialized set by each kind of node. */
function nodeConfig(materialized: string): Record<string, unknown> {
  return {
    ...nodeAndTest(null),
    materialized,
    incremental_strategy: null,
    batch_size: null,
    lookback: 1,
    begin: null,
    persist_docs: EMPTY,
    'post-hook': NONE,
    'pre-hook': NONE,
    quoting: EMPTY,
    column_types: EMPTY,
    full_refresh: null,
    unique_key: null,
    on_schema_change: 'ignore',
    on_configuration_change: 'apply',
    grants: EMPTY,
    packages: NONE,
    docs: frozen({ show: true, node_color: null }),
    contract: frozen({ enforced: false, alias_types: true }),
    event_time: null,
    concurrent_batches: null,
  };
}

/** A snapshot's meta columns as dbt writes them when left with dbt's names. */
export const SNAPSHOT_META_COLUMN_NAMES: Config = frozen({
  dbt_valid_to: null,
  dbt_valid_from: null,
  dbt_scd_id: null,
  dbt_updated_at: null,
  dbt_is_deleted: null,
});

const TEST: Config = frozen({
  ...nodeAndTest('dbt_test__audit'),
  materialized: 'test',
  severity: 'ERROR',
  store_failures: null,
  store_failures_as: null,
  where: null,
  limit: null,
  fail_calc: 'count(*)',
  warn_if: '!= 0',
  error_if: '!= 0',
});

/** The freshness dbt writes for a source without one: every threshold unset. */
export const NO_FRESHNESS: Config = frozen({
  warn_after: frozen({ count: null, period: null }),
  error_after: frozen({ count: null, period: null }),
  filter: null,
});

/** Default config of each kind of manifest node, in the order dbt writes the keys. */
export const DBT_CONFIG_DEFAULTS: Readonly<Record<string, Config>> = frozen({
  model: frozen({ ...nodeConfig('view'), access: 'protected', freshness: null }),
  seed: frozen({ ...nodeConfig('seed'), delimiter: ',', quote_columns: null }),
  snapshot: frozen({
    ...nodeConfig('snapshot'),
    strategy: null,
    target_schema: null,
    target_database: null,
    updated_at: null,
    check_cols: null,
    snapshot_meta_column_names: SNAPSHOT_META_COLUMN_NAMES,
    dbt_valid_to_current: null,
  }),
  test: TEST,
  analysis: frozen(nodeConfig('view')),
  operation: frozen(nodeConfig('view')),
  source: frozen({
    enabled: true,
    event_time: null,
    freshness: NO_FRESHNESS,
    loaded_at_field: null,
    loaded_at_query: null,
    meta: EMPTY,
    tags: NONE,
  }),
  exposure: frozen({ enabled: true, tags: NONE, meta: EMPTY }),
  unit_test: frozen({ tags: NONE, meta: EMPTY, enabled: true }),
});

/** Config keys whose value is an object dbt fills key by key (a partial value keeps the other defaults). */
export const MERGED_CONFIG_KEYS: ReadonlySet<string> = new Set(['docs', 'contract', 'snapshot_meta_column_names']);

/** The defaults of a resource type (a type dbt has no config class for gets the plain node's). */
export function dbtConfigDefaults(resourceType: string): Config {
  return DBT_CONFIG_DEFAULTS[resourceType] ?? (DBT_CONFIG_DEFAULTS.analysis as Config);
}
