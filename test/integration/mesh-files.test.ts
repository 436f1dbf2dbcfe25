import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { postgresOutput, queryDuckDbFile, uniqueSchema } from '../helpers/targets.js';
import { projectYml, writeFiles } from '../helpers/temp-project.js';

// The mesh over files: a consumer project with its own DuckDB file refs another project's public
// model published as files (`materialized: external`) and reads the files directly.

const env = { HOME: EMPTY_HOME };
const manifestSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-manifest-v12.json'), 'utf8')) as object;
const validManifest = new Ajv2020({ strict: false, allErrors: true }).compile(manifestSchema);

/** Asserts `file` is a manifest dbt's v12 schema accepts. */
function expectDbtManifest(file: string): void {
  const ok = validManifest(JSON.parse(readFileSync(file, 'utf8')));
  expect(ok, JSON.stringify(validManifest.errors?.slice(0, 5), null, 1)).toBe(true);
}

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
        nodes: {
          'model.platform.customers': manifestModel('customers', 'public', { location: '/lake/customers.parquet', format: 'parquet' }),
        },
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

describe('a published manifest that cannot say where the files are', () => {
  it('is an error at the project in dependencies.yml', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-mesh-files-'));
    writeFiles(join(root, 'platform'), {
      'strata_project.yml': projectYml('platform'),
      'published.json': JSON.stringify({ nodes: { 'model.platform.events': manifestModel('events', 'public', { format: 'avro' }) } }),
    });
    const consumer = join(root, 'consumer');
    writeFiles(consumer, {
      'strata_project.yml': projectYml('consumer'),
      'dependencies.yml': 'projects:\n  - name: platform\n    manifest: ../platform/published.json\n',
    });
    const result = await cli(['compile', '--project-dir', consumer], env);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `dependencies.yml:2:5: error[invalid-dependency]: Project 'platform': model events is published as files, but its manifest (${join(root, 'platform/published.json')}) cannot say where: format 'avro' is not supported (supported: csv, parquet, json).`,
    );
  });
});

describe('a platform project publishing Parquet files, a consumer with its own DuckDB file', () => {
  /** platform: customers (contracted, one Parquet file), customers_by_region (partitioned), ledger (protected). */
  function platformProject(root: string): string {
    const dir = join(root, 'platform');
    writeFiles(dir, {
      'strata_project.yml': projectYml('platform'),
      'profiles.yml': `${duckdbProfile('platform')}      external_root: lake\n`,
      'seeds/raw_customers.csv': 'customer_id,name,region\n1,Ada,eu\n2,Grace,us\n',
      'models/customers.sql': "{{ config(materialized='external') }}\nselect customer_id, name, region from {{ ref('raw_customers') }}\n",
      'models/customers_by_region.sql':
        "{{ config(materialized='external', partition_by='region') }}\nselect customer_id, name, region from {{ ref('raw_customers') }}\n",
      'models/ledger.sql': "{{ config(materialized='external') }}\nselect 1 as entry_id\n",
      'models/_models.yml': [
        'models:',
        '  - name: customers',
        '    access: public',
        '    config: {contract: {enforced: true}}',
        '    columns:',
        '      - {name: customer_id, data_type: integer}',
        '      - {name: name, data_type: varchar}',
        '      - {name: region, data_type: varchar}',
        '  - name: customers_by_region',
        '    access: public',
        '  - name: ledger',
        '    access: protected',
        '',
      ].join('\n'),
    });
    return dir;
  }

  function consumerProject(root: string, manifest = '../platform/target/publish/manifest.json'): string {
    const dir = join(root, 'consumer');
    writeFiles(dir, {
      'strata_project.yml': projectYml('consumer'),
      'profiles.yml': duckdbProfile('consumer'),
      'dependencies.yml': `projects:\n  - name: platform\n    manifest: ${manifest}\n`,
      'models/customers_per_region.sql': [
        "{{ config(materialized='table') }}",
        'select region, count(*) as customers',
        "from {{ ref('platform', 'customers') }}",
        'group by region',
      ].join('\n'),
      'models/eu_customers.sql': "select name from {{ ref('platform', 'customers_by_region') }} where region = 'eu'",
    });
    return dir;
  }

  it('builds the consumer from the published files, with no platform table in its database; new rows show through', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-mesh-files-'));
    const platform = platformProject(root);
    const consumer = consumerProject(root);
    expect((await cli(['build', '--project-dir', platform], env)).code).toBe(0);
    const published = await cli(['publish', '--project-dir', platform], env);
    expect(published.out).toContain('Published 2 public models');
    const manifest = JSON.parse(readFileSync(join(platform, 'target/publish/manifest.json'), 'utf8')) as {
      nodes: Record<string, { config: Record<string, unknown>; columns: Record<string, { data_type: string }> }>;
    };
    // The resolved files, in dbt-duckdb's own config keys.
    expect(manifest.nodes['model.platform.customers']?.config).toMatchObject({
      materialized: 'external',
      location: join(platform, 'lake/customers.parquet'),
      format: 'parquet',
    });
    expect(manifest.nodes['model.platform.customers_by_region']?.config).toMatchObject({
      location: join(platform, 'lake/customers_by_region'),
      format: 'parquet',
      partition_by: ['region'],
    });
    expect(manifest.nodes['model.platform.customers']?.columns.customer_id?.data_type).toBe('integer');
    expectDbtManifest(join(platform, 'target/publish/manifest.json'));

    const built = await cli(['build', '--project-dir', consumer], env);
    expect(built.code, built.out + built.err).toBe(0);
    const consumerDb = join(consumer, 'consumer.duckdb');
    // The consumer's manifest shows the upstream model's files, and stays dbt's shape.
    expectDbtManifest(join(consumer, 'target/manifest.json'));
    const consumerManifest = JSON.parse(readFileSync(join(consumer, 'target/manifest.json'), 'utf8')) as {
      nodes: Record<string, { config: Record<string, unknown>; relation_name: string }>;
    };
    expect(consumerManifest.nodes['model.platform.customers_by_region']).toMatchObject({
      config: { materialized: 'external', location: join(platform, 'lake/customers_by_region'), partition_by: ['region'] },
      relation_name: `read_parquet('${join(platform, 'lake/customers_by_region')}/*/*.parquet', hive_partitioning = true)`,
    });
    expect(await queryDuckDbFile(consumerDb, 'select * from customers_per_region order by region')).toEqual([
      { region: 'eu', customers: '1' },
      { region: 'us', customers: '1' },
    ]);
    expect(await queryDuckDbFile(consumerDb, 'select name from eu_customers')).toEqual([{ name: 'Ada' }]);
    // The consumer's database holds its own two models and nothing of platform's.
    expect(
      await queryDuckDbFile(consumerDb, 'select table_catalog, table_name from information_schema.tables order by table_name'),
    ).toEqual([
      { table_catalog: 'consumer', table_name: 'customers_per_region' },
      { table_catalog: 'consumer', table_name: 'eu_customers' },
    ]);
    const compiled = readFileSync(join(consumer, 'target/compiled/consumer/models/customers_per_region.sql'), 'utf8');
    expect(compiled).toContain(`from read_parquet('${join(platform, 'lake/customers.parquet')}')`);
    expect(readFileSync(join(consumer, 'target/compiled/consumer/models/eu_customers.sql'), 'utf8')).toContain(
      `read_parquet('${join(platform, 'lake/customers_by_region')}/*/*.parquet', hive_partitioning = true)`,
    );

    // Platform rebuilds with a new customer, and does not publish again.
    writeFiles(platform, { 'seeds/raw_customers.csv': 'customer_id,name,region\n1,Ada,eu\n2,Grace,us\n3,Edsger,eu\n' });
    expect((await cli(['build', '--project-dir', platform], env)).code).toBe(0);
    // The consumer's view reads the files as they are now; its table, once rebuilt.
    expect(await queryDuckDbFile(consumerDb, 'select name from eu_customers order by name')).toEqual([{ name: 'Ada' }, { name: 'Edsger' }]);
    expect((await cli(['build', '--project-dir', consumer], env)).code).toBe(0);
    expect(await queryDuckDbFile(consumerDb, 'select * from customers_per_region order by region')).toEqual([
      { region: 'eu', customers: '2' },
      { region: 'us', customers: '1' },
    ]);
  });

  it('keeps protected models out of reach, and refuses dropping a column of a contracted public external model', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-mesh-files-'));
    const platform = platformProject(root);
    expect((await cli(['build', '--project-dir', platform], env)).code).toBe(0);
    expect((await cli(['publish', '--project-dir', platform], env)).code).toBe(0);
    // The full manifest lists the protected model too: the ref gets the access rule, not "not found".
    const consumer = consumerProject(root, '../platform/target/manifest.json');
    writeFiles(consumer, { 'models/ledger_copy.sql': "select * from {{ ref('platform', 'ledger') }}" });
    const denied = await cli(['build', '--project-dir', consumer], env);
    expect(denied.code).toBe(1);
    expect(denied.err).toContain(
      "models/ledger_copy.sql:1:18: error[access-violation]: ledger_copy cannot ref platform.ledger: it is protected in project 'platform', and only public models can be used from another project.",
    );
    // Through the published manifest (public models only) the consumer builds; its manifest names what it uses.
    writeFiles(consumer, {
      'dependencies.yml': 'projects:\n  - name: platform\n    manifest: ../platform/target/publish/manifest.json\n',
      'models/ledger_copy.sql': 'select 1 as entry_id',
    });
    expect((await cli(['build', '--project-dir', consumer], env)).code).toBe(0);

    const prod = join(mkdtempSync(join(tmpdir(), 'strata-prod-')), 'platform');
    cpSync(join(platform, 'target'), prod, { recursive: true });
    const consumers = mkdtempSync(join(tmpdir(), 'strata-consumers-'));
    cpSync(join(consumer, 'target/manifest.json'), join(consumers, 'consumer.json'));
    // Drop the region column of the contracted public external model, in place.
    const props = join(platform, 'models/_models.yml');
    writeFileSync(props, readFileSync(props, 'utf8').replace('      - {name: region, data_type: varchar}\n', ''));
    writeFiles(platform, {
      'models/customers.sql': "{{ config(materialized='external') }}\nselect customer_id, name from {{ ref('raw_customers') }}\n",
    });
    const broken = await cli(['build', '--project-dir', platform, '--state', prod, '--consumers', consumers], env);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain(
      "Breaking change to public model customers: column 'region' was removed. Add a new version of the model (versions: in its properties) for the change and keep this one until consumers move. It is used by consumer.customers_per_region.",
    );
    // Turning it into a table breaks consumers in other databases too, who read its files.
    writeFileSync(
      props,
      readFileSync(props, 'utf8').replace('      - {name: name, data_type: varchar}\n', '$&      - {name: region, data_type: varchar}\n'),
    );
    writeFiles(platform, {
      'models/customers.sql': "{{ config(materialized='table') }}\nselect customer_id, name, region from {{ ref('raw_customers') }}\n",
    });
    const tabled = await cli(['build', '--project-dir', platform, '--state', prod], env);
    expect(tabled.code).toBe(1);
    expect(tabled.err).toContain(
      'Breaking change to public model customers: it is no longer written as files (materialized: table), which consumers in other databases read.',
    );
    // Nothing was written: the published files still have the column.
    expect(
      await queryDuckDbFile(':memory:', `select count(region) as n from read_parquet('${join(platform, 'lake/customers.parquet')}')`),
    ).toEqual([{ n: '2' }]);
  });
});
