import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { copyExample } from '../helpers/temp-project.js';
import { PG_URL, TEST_TARGETS, queryDuckDbFile, queryPostgres, uniqueSchema } from '../helpers/targets.js';

const repo = resolve(import.meta.dirname, '../..');

for (const target of TEST_TARGETS) {
  describe(`the mesh example on ${target.name}`, () => {
    it('builds platform, forecasting and fraud in order, with cross-project refs, versions and contracts', async () => {
      const dir = copyExample('mesh');
      const prefix = `${uniqueSchema()}_`;
      const url = new URL(PG_URL);
      const env = {
        ...process.env,
        HOME: EMPTY_HOME,
        STRATA_BIN: join(repo, 'dist/cli/main.js'),
        MESH_SCHEMA_PREFIX: prefix,
        PGHOST: url.hostname,
        PGPORT: url.port || '5432',
        PGUSER: decodeURIComponent(url.username) || 'postgres',
        PGPASSWORD: decodeURIComponent(url.password),
        PGDATABASE: url.pathname.slice(1),
      };
      const result = spawnSync('bash', [join(dir, 'build.sh'), target.name], { env, encoding: 'utf8' });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout.match(/Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/g)).toHaveLength(3);
      // dbt's UpcomingReferenceDeprecation until the date, DeprecatedReference after it.
      expect(result.stdout).toMatch(
        /While compiling 'revenue_at_risk': Found a reference to revenue_forecast\.v1, which (is slated for deprecation|was deprecated) on '2026-12-31'\. A new version of 'revenue_forecast' is available\. (Try it out|Migrate now): \{\{ ref\('forecasting', 'revenue_forecast', v='2'\) \}\}\./,
      );
      const schema = (team: string) => (target.name === 'duckdb' ? team : `${prefix}${team}`);
      const query = (sql: string) =>
        target.name === 'duckdb' ? queryDuckDbFile(join(dir, 'target/mesh.duckdb'), sql) : queryPostgres(sql);
      expect(await query(`select invoice_id, product_group from ${schema('fraud')}.suspicious_discounts order by 1`)).toEqual([
        { invoice_id: 'INV-1008', product_group: 'HARDWARE' },
        { invoice_id: 'INV-1009', product_group: 'SOFTWARE' },
      ]);
      expect(
        await query(`select product_group, forecast_revenue, months_observed from ${schema('forecasting')}.revenue_forecast_v2 order by 1`),
      ).toEqual([
        { product_group: 'HARDWARE', forecast_revenue: '1373.89', months_observed: '3' },
        { product_group: 'SERVICES', forecast_revenue: '1748.25', months_observed: '1' },
        { product_group: 'SOFTWARE', forecast_revenue: '2131.50', months_observed: '2' },
      ]);
      expect(await query(`select product_group, suspicious_invoices from ${schema('fraud')}.revenue_at_risk order by 1`)).toEqual([
        { product_group: 'HARDWARE', suspicious_invoices: '1' },
        { product_group: 'SOFTWARE', suspicious_invoices: '1' },
      ]);
      // Upstream models appear in the consumer's manifest, under their own project.
      const manifest = JSON.parse(readFileSync(join(dir, 'fraud/target/manifest.json'), 'utf8')) as {
        nodes: Record<string, { package_name: string; config: { materialized: string } }>;
        parent_map: Record<string, string[]>;
      };
      expect(manifest.nodes['model.forecasting.revenue_forecast.v1']).toMatchObject({
        package_name: 'forecasting',
        config: { materialized: 'external' },
      });
      expect(manifest.parent_map['model.fraud.suspicious_discounts']).toEqual([
        'model.forecasting.discount_attribution',
        'model.platform.stg_products',
        'model.platform.stg_sales',
      ]);
    });
  });
}

describe('publishing and breaking changes', () => {
  it('publishes only public models, and refuses a breaking change to one unless it gets a new version', async () => {
    const dir = copyExample('mesh');
    const env = { HOME: EMPTY_HOME };
    expect((await cli(['build', '--project-dir', join(dir, 'platform')], env)).code).toBe(0);
    const published = await cli(['publish', '--project-dir', join(dir, 'platform')], env);
    expect(published.out).toContain('Published 4 public models');
    const slim = JSON.parse(readFileSync(join(dir, 'platform/target/publish/manifest.json'), 'utf8')) as { nodes: Record<string, unknown> };
    expect(Object.keys(slim.nodes).sort()).toEqual([
      'model.platform.stg_customers',
      'model.platform.stg_product_renames',
      'model.platform.stg_products',
      'model.platform.stg_sales',
    ]);
    expect((await cli(['build', '--project-dir', join(dir, 'forecasting')], env)).code).toBe(0);
    expect((await cli(['build', '--project-dir', join(dir, 'fraud')], env)).code).toBe(0);
    // "Production" state of platform, and the consumers' manifests.
    const prod = join(mkdtempSync(join(tmpdir(), 'strata-prod-')), 'platform');
    cpSync(join(dir, 'platform/target'), prod, { recursive: true });
    const consumers = mkdtempSync(join(tmpdir(), 'strata-consumers-'));
    cpSync(join(dir, 'forecasting/target/manifest.json'), join(consumers, 'forecasting.json'));
    cpSync(join(dir, 'fraud/target/manifest.json'), join(consumers, 'fraud.json'));
    // Drop a column of a public contracted model in place.
    const props = join(dir, 'platform/models/staging/_staging.yml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(props, readFileSync(props, 'utf8').replace("      - {name: discount_rate, data_type: 'numeric(6,4)'}\n", ''));
    writeFileSync(
      join(dir, 'platform/models/staging/stg_sales.sql'),
      readFileSync(join(dir, 'platform/models/staging/stg_sales.sql'), 'utf8').replace(
        ',\n    {{ parse_percent(\'"Discount %"\') }} as discount_rate',
        '',
      ),
    );
    const broken = await cli(['build', '--project-dir', join(dir, 'platform'), '--state', prod, '--consumers', consumers], env);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain("Breaking change to public model stg_sales: column 'discount_rate' was removed");
    expect(broken.err).toContain(
      'It is used by forecasting.discount_attribution, forecasting.monthly_revenue, fraud.suspicious_discounts.',
    );
  });
});
