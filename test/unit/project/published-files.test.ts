import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectDirOf, publishedFiles } from '../../../core/project/published-files.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

describe('publishedFiles', () => {
  it('is undefined for a model that is not published as files', () => {
    expect(publishedFiles({ materialized: 'table' }, 'customers', '/x/manifest.json', 'platform')).toEqual({});
  });

  it('keeps an absolute location and reads CSV with its delimiter', () => {
    const { files } = publishedFiles(
      { materialized: 'external', location: '/lake/customers.csv', delimiter: ';' },
      'customers',
      '/x/manifest.json',
      'platform',
    );
    expect(files).toEqual({
      location: '/lake/customers.csv',
      format: 'csv',
      partitionBy: [],
      readAs: "read_csv('/lake/customers.csv', header = true, delim = ';')",
    });
  });

  it('resolves a relative or absent location against the publishing project, not a project the manifest was copied into', () => {
    const root = writeProject({
      'platform/strata_project.yml': projectYml('platform'),
      'consumer/strata_project.yml': projectYml('consumer'),
    });
    expect(projectDirOf(join(root, 'platform/target/publish/manifest.json'), 'platform')).toBe(join(root, 'platform'));
    // Copied into the consumer: no folder above names 'platform', so the manifest's own folder.
    expect(projectDirOf(join(root, 'consumer/upstream/manifest.json'), 'platform')).toBe(join(root, 'consumer/upstream'));
    const { files } = publishedFiles(
      { materialized: 'external', partition_by: 'year, month' },
      'orders',
      join(root, 'platform/target/manifest.json'),
      'platform',
    );
    expect(files?.readAs).toBe(`read_parquet('${join(root, 'platform/orders')}/*/*/*.parquet', hive_partitioning = true)`);
  });

  it('names what a config cannot describe', () => {
    expect(publishedFiles({ materialized: 'external', format: 'avro' }, 'x', '/m.json', 'p').problem).toBe(
      "format 'avro' is not supported (supported: csv, parquet, json)",
    );
  });
});
