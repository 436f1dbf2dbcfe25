import { describe, expect, it } from 'vitest';
import { configCallConfig, projectLevels, propertiesConfig } from '../../../core/project/unrendered-config.js';

describe('unrendered configs, read as dbt reads them', () => {
  it("walks a project-file section along the fqn: '+key' is a config, a bare mapping a folder, a bare scalar a config", () => {
    const section = {
      '+tags': 'all',
      shop: { '+ materialized': 'view', meta: { folder: true }, persist_docs: false, marts: { '+materialized': 'table' } },
    };
    expect(projectLevels(section, ['shop', 'marts', 'orders'])).toEqual([
      { tags: 'all' },
      { materialized: 'view', persist_docs: false },
      { materialized: 'table' },
    ]);
    // The walk stops at the first fqn part with no mapping below it.
    expect(projectLevels(section, ['shop', 'staging', 'stg'])).toEqual([{ tags: 'all' }, { materialized: 'view', persist_docs: false }]);
    expect(projectLevels(undefined, ['shop'])).toEqual([]);
  });

  it("moves a properties entry's top-level meta, docs, group and access into its config, and deep-merges a version's", () => {
    const props = { name: 'm', meta: { a: 1 }, access: 'public' as const, tags: ['t'], config: { materialized: 'table' } };
    // Top-level tags stay out: dbt moves only these four (and contract) into the config.
    expect(propertiesConfig(props)).toEqual({ materialized: 'table', meta: { a: 1 }, access: 'public' });
    expect(propertiesConfig(props, { meta: { c: 3 } })).toEqual({ materialized: 'table', meta: { a: 1, c: 3 }, access: 'public' });
  });

  it("renames a config() call's pre_hook and post_hook as dbt's parser does", () => {
    expect(configCallConfig({ pre_hook: 'select 1', post_hook: ['select 2'], materialized: 'table' })).toEqual({
      'pre-hook': 'select 1',
      'post-hook': ['select 2'],
      materialized: 'table',
    });
  });
});
