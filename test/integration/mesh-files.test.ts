import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { postgresOutput, queryDuckDbFile, uniqueSchema } from '../helpers/targets.js';
import { projectYml, writeFiles } from '../helpers/temp-project.js';

// The mesh over files: a consumer project with its own DuckDB file refs another project's public
// model published as files (`materialized: external`) and reads the files directly.

const env = { HOME: EMPTY_HOME };

/** A DuckDB profile writing to its own file, `<name>.duckdb`. */
const duckdbProfile = (name: string) =>
  `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${name}.duckdb\n      schema: main\n      threads: 1\n`;

/** A model node as a publisher's manifest records it (only the keys a consumer reads). */
function manifestModel(name: string, access: string, config: Record<string, unknown>): Record<string, unknown> {
  return {
    resource_type: 'model',
    name,
    package_name: 'platform',
    schema: 'main',
    alias: name,
    access,
    config: { materialized: 'external', access, ...config },
    columns: {},
  };
}

describe('a consumer reading a published manifest written by hand (dbt-duckdb style)', () => {
  it('reads the files the manifest names, a relative location against the publisher folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-mesh-files-'));
    const platform = join(root, 'platform');
    const consumer = join(root, 'consumer');
    writeFiles(platform, { 'strata_project.yml': projectYml('platform'), 'lake/.keep': '' });
    // The publisher's files, written by DuckDB: one Parquet file, and a folder partitioned by region.
    await queryDuckDbFile(
      ':memory:',
      `copy (select * from (values (1, 'Ada'), (2, 'Grace')) t(customer_id, name)) to '${platform}/lake/customers.parquet' (format parquet)`,
    );
    await queryDuckDbFile(
      ':memory:',
      `copy (select * from (values (10, 'eu', 5.0), (11, 'us', 7.5), (12, 'eu', 1.5)) t(order_id, region, amount)) to '${platform}/lake/orders' (format parquet, partition_by (region))`,
    );
    writeFileSync(
      join(platform, 'lake/published.json'),
      JSON.stringify({
        metadata: { project_name: 'platform' },
        nodes: {
          // dbt-duckdb records the location as written: relative to the publisher's folder.
          'model.platform.customers': manifestModel('customers', 'public', { location: 'lake/customers.parquet' }),
          'model.platform.orders': manifestModel('orders', 'public', { location: `${platform}/lake/orders`, partition_by: ['region'] }),
          'model.platform.ledger': manifestModel('ledger', 'protected', {}),
        },
      }),
    );
    writeFiles(consumer, {
      'strata_project.yml': projectYml('consumer'),
      'profiles.yml': duckdbProfile('consumer'),
      'dependencies.yml': 'projects:\n  - name: platform\n    manifest: ../platform/lake/published.json\n',
      'models/customer_orders.sql': [
        'select c.name, o.region, sum(o.amount) as amount',
        "from {{ ref('platform', 'customers') }} c",
        "join {{ ref('platform', 'orders') }} o on o.order_id - 9 = c.customer_id",
        'group by all',
      ].join('\n'),
    });
    const built = await cli(['build', '--project-dir', consumer], env);
    expect(built.code, built.out + built.err).toBe(0);
    expect(await queryDuckDbFile(join(consumer, 'consumer.duckdb'), 'select * from customer_orders order by name')).toEqual([
      { name: 'Ada', region: 'eu', amount: '5.0' },
      { name: 'Grace', region: 'us', amount: '7.5' },
    ]);
    const compiled = readFileSync(join(consumer, 'target/compiled/consumer/models/customer_orders.sql'), 'utf8');
    expect(compiled).toContain(`read_parquet('${platform}/lake/customers.parquet')`);
    expect(compiled).toContain(`read_parquet('${platform}/lake/orders/*/*.parquet', hive_partitioning = true)`);

    // A protected model of the publisher stays out of reach, files or not.
    writeFiles(consumer, { 'models/ledger_copy.sql': "select * from {{ ref('platform', 'ledger') }}" });
    const denied = await cli(['compile', '--project-dir', consumer], env);
    expect(denied.code).toBe(1);
    expect(denied.err).toContain(
      "ledger_copy cannot ref platform.ledger: it is protected in project 'platform', and only public models can be used from another project.",
    );
    expect(denied.err).toContain('models/ledger_copy.sql:1:');
  });

  it('refuses a model published as files on a Postgres consumer, at the ref', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-mesh-files-'));
    const platform = join(root, 'platform');
    const consumer = join(root, 'consumer');
    writeFiles(platform, {
      'strata_project.yml': projectYml('platform'),
      'target/publish/manifest.json': JSON.stringify({
        nodes: { 'model.platform.customers': manifestModel('customers', 'public', { location: '/lake/customers.parquet', format: 'parquet' }) },
      }),
    });
    writeFiles(consumer, {
      'strata_project.yml': projectYml('consumer'),
      'profiles.yml': `consumer:\n  target: dev\n  outputs:\n    dev:\n${postgresOutput(uniqueSchema())}`,
      'dependencies.yml': 'projects:\n  - name: platform\n    manifest: ../platform/target/publish/manifest.json\n',
      'models/report.sql': "select *\nfrom {{ ref('platform', 'customers') }}",
    });
    const result = await cli(['compile', '--project-dir', consumer], env);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'models/report.sql:2:9: error[invalid-dependency]: report cannot ref platform.customers: it is published as parquet files (/lake/customers.parquet), which a postgres target cannot read; only a DuckDB project can ref a model published as files.',
    );
    expect(existsSync(join(consumer, 'target/compiled'))).toBe(false);
  });
});
