import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_HOME } from '../helpers/load.js';
import { queryDuckDbFile } from '../helpers/targets.js';
import { copyExample } from '../helpers/temp-project.js';

const repo = resolve(import.meta.dirname, '../..');

/** The rows of a small CSV drop (no quoted fields in the example's files), keyed by header. */
function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = (header as string).split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [names[i], value])));
}

function csvFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => join(folder, f));
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(folder, join(e.parentPath, e.name)))
    .sort();
}

const cents = (amount: string) => Math.round(Number(amount) * 100);

/**
 * Revenue per product group computed from the landing zone's CSV files, without Strata or SQL:
 * the newest product drop gives each product's group, a line's discount is its campaign's
 * percentage of quantity × unit price on the invoice date.
 */
function expectedRevenue(landing: string): { product_group: string; invoices: string; units: string; net_revenue: string }[] {
  const groups = new Map<string, string>();
  for (const file of csvFiles(join(landing, 'products')))
    for (const p of readCsv(file)) groups.set(p.product_code as string, (p.product_group as string).trim().toUpperCase());
  const discounts = csvFiles(join(landing, 'discounts')).flatMap(readCsv);
  const totals = new Map<string, { invoices: Set<string>; units: number; net: number }>();
  for (const line of csvFiles(join(landing, 'sales')).flatMap(readCsv)) {
    const gross = Number(line.qty) * cents(line.unit_price as string);
    const campaign = discounts.find(
      (d) =>
        d.product_code === line.product_code &&
        (d.valid_from as string) <= (line.invoice_date as string) &&
        (line.invoice_date as string) <= (d.valid_to as string),
    );
    const discount = campaign ? Math.round((gross * Number(campaign.discount_pct)) / 100) : 0;
    const group = groups.get(line.product_code as string) as string;
    const total = totals.get(group) ?? { invoices: new Set<string>(), units: 0, net: 0 };
    total.invoices.add(line.invoice_no as string);
    total.units += Number(line.qty);
    total.net += gross - discount;
    totals.set(group, total);
  }
  return [...totals]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, t]) => ({
      product_group: group,
      invoices: String(t.invoices.size),
      units: String(t.units),
      net_revenue: (t.net / 100).toFixed(2),
    }));
}

describe('the lakehouse example', () => {
  it('stages the daily drops, publishes Parquet, and builds forecasting from it in its own DuckDB file', async () => {
    const example = copyExample('lakehouse');
    const work = join(mkdtempSync(join(tmpdir(), 'strata-lakehouse-')), 'lakehouse');
    const env = { ...process.env, HOME: EMPTY_HOME, STRATA_BIN: join(repo, 'dist/cli/main.js') };
    const result = spawnSync('bash', [join(example, 'build.sh'), work], { env, encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    // platform, forecasting, then both again after the next day's drop.
    expect(result.stdout.match(/Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/g)).toHaveLength(4);
    // The walk-through works on its copy: the example's landing zone still holds two days of sales.
    expect(csvFiles(join(example, 'landing/sales')).map((f) => relative(example, f))).toEqual([
      'landing/sales/2026-12-01.csv',
      'landing/sales/2026-12-02.csv',
    ]);
    expect(existsSync(join(example, 'lake'))).toBe(false);
    // Before the drop, forecasting's table (printed by `strata show`) held the first two days, the
    // goggles still in ACCESSORIES.
    const firstDays = expectedRevenue(join(example, 'landing'));
    expect(firstDays.map((r) => r.product_group)).toEqual(['ACCESSORIES', 'HARDWARE', 'SERVICES', 'SOFTWARE']);
    const shown = (r: (typeof firstDays)[number]) =>
      `| ${r.product_group.padEnd(13)} | ${r.invoices.padStart(8)} | ${r.units.padStart(5)} | ${Number(r.net_revenue)
        .toLocaleString('en-US', { minimumFractionDigits: 2 })
        .padStart(11)} |`;
    for (const row of firstDays) expect(result.stdout).toContain(shown(row));

    // Revenue per product group equals the sum computed here from the CSV files.
    const forecastingDb = join(work, 'forecasting/target/forecasting.duckdb');
    const revenue = await queryDuckDbFile(
      forecastingDb,
      'select product_group, invoices, units, net_revenue from main.revenue_by_product_group order by product_group',
    );
    const expected = expectedRevenue(join(work, 'landing'));
    expect(revenue).toEqual(expected);
    // Safety goggles moved from ACCESSORIES to HARDWARE on 2026-12-03: every sale counts there now.
    expect(expected.map((r) => r.product_group)).toEqual(['HARDWARE', 'SERVICES', 'SOFTWARE']);

    // The snapshot kept every name and group across the two product drops.
    const platformDb = join(work, 'platform/target/platform.duckdb');
    expect(
      await queryDuckDbFile(
        platformDb,
        `select product_code, product_name, product_group, strata_valid_to is null as is_current
         from main.products_history where product_code in ('P-100', 'P-101', 'P-102', 'P-200')
         order by product_code, strata_valid_from`,
      ),
    ).toEqual([
      { product_code: 'P-100', product_name: 'Drill Press 3000', product_group: 'HARDWARE', is_current: 'true' },
      { product_code: 'P-101', product_name: 'Cordless Drill', product_group: 'HARDWARE', is_current: 'false' },
      { product_code: 'P-101', product_name: 'Cordless Drill 18V', product_group: 'HARDWARE', is_current: 'true' },
      { product_code: 'P-102', product_name: 'Safety Goggles', product_group: 'ACCESSORIES', is_current: 'false' },
      { product_code: 'P-102', product_name: 'Safety Goggles', product_group: 'HARDWARE', is_current: 'true' },
      { product_code: 'P-200', product_name: 'Maintenance Plan (1y)', product_group: 'SERVICES', is_current: 'false' },
      { product_code: 'P-200', product_name: 'Care Plan (1 year)', product_group: 'SERVICES', is_current: 'true' },
    ]);
    expect(await queryDuckDbFile(platformDb, 'select count(*) as n from main.products_history')).toEqual([{ n: '10' }]);
    // platform.duckdb has a view over each external model's files, read by its tests.
    expect(await queryDuckDbFile(platformDb, 'select count(*) as n, sum(net_amount) as net from main.sales_lines')).toEqual([
      { n: '23', net: (expected.reduce((sum, r) => sum + cents(r.net_revenue), 0) / 100).toFixed(2) },
    ]);

    // Curated models are Parquet files in the lake: sales lines one folder per day.
    expect(filesUnder(join(work, 'lake'))).toEqual([
      'products.parquet',
      expect.stringMatching(/^sales_lines\/invoice_date=2026-12-01\/[^/]+\.parquet$/),
      expect.stringMatching(/^sales_lines\/invoice_date=2026-12-02\/[^/]+\.parquet$/),
      expect.stringMatching(/^sales_lines\/invoice_date=2026-12-03\/[^/]+\.parquet$/),
    ]);
    expect(
      await queryDuckDbFile(
        ':memory:',
        `select invoice_date::varchar as day, count(*) as lines, count(*) filter (where channel = 'web') as web
         from read_parquet('${join(work, 'lake/sales_lines/*/*.parquet')}', hive_partitioning = true) group by 1 order by 1`,
      ),
    ).toEqual([
      { day: '2026-12-01', lines: '8', web: '0' },
      { day: '2026-12-02', lines: '8', web: '0' },
      { day: '2026-12-03', lines: '7', web: '4' },
    ]);

    // The forecasting file holds its own model only: platform's data was read from the files.
    expect(
      await queryDuckDbFile(
        forecastingDb,
        "select table_schema, table_name from information_schema.tables where table_catalog = 'forecasting' order by 2",
      ),
    ).toEqual([{ table_schema: 'main', table_name: 'revenue_by_product_group' }]);
    const published = JSON.parse(readFileSync(join(work, 'platform/target/publish/manifest.json'), 'utf8')) as {
      nodes: Record<string, unknown>;
    };
    expect(Object.keys(published.nodes).sort()).toEqual(['model.platform.products', 'model.platform.sales_lines']);
  });
});
