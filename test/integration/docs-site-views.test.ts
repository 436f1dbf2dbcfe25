import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, needsBrowser as requireBrowser } from '../helpers/chromium.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

// The docs site's views (test pages, a model's tests, source pages, search, lineage, addresses),
// driven in headless Chromium both through `strata docs serve` and straight from file://.

const repo = resolve(import.meta.dirname, '../..');
const SHOTS = join(repo, 'test-output/docs-site');
const CHROMIUM = findChromium();

/** A shop whose build fails one test: a unique test on a column with a repeated value. */
const SHOP = {
  'strata_project.yml': projectYml(
    'shop',
    // The source table exists before any model reads it, with old load times (freshness: error).
    `on-run-start:\n  - "create or replace table main.raw_orders as select * from (values (1, 10, 25.5, timestamp '2020-01-01 10:00:00'), (2, 10, 12.0, timestamp '2020-01-02 11:00:00'), (3, 11, 40.0, timestamp '2020-01-03 12:00:00')) t(id, customer_id, amount, loaded_at)"\n`,
  ),
  'models/sources.yml': `sources:
  - name: shop
    description: The webshop's operational database, replicated nightly.
    loader: fivetran
    schema: main
    tables:
      - name: raw_orders
        description: Every order placed in the webshop.
        loaded_at_field: loaded_at
        freshness:
          warn_after: {count: 12, period: hour}
          error_after: {count: 1, period: day}
        columns:
          - name: id
            description: Order number as the shop assigns it.
`,
  'models/stg_orders.sql': "select id, customer_id, amount from {{ source('shop', 'raw_orders') }}\n",
  'models/orders.sql':
    "select o.id, o.customer_id, o.amount from {{ ref('stg_orders') }} o\njoin {{ ref('dim_customers', v=1) }} c on c.customer_id = o.customer_id\n",
  'models/dim_customers_v1.sql': "select distinct customer_id from {{ ref('stg_orders') }}\n",
  'models/dim_customers_v2.sql': "select distinct customer_id, 'x' as segment from {{ ref('stg_orders') }}\n",
  'models/properties.yml': `models:
  - name: orders
    description: One row per order, with the **gross amount** in EUR.
    data_tests:
      - unique:
          column_name: id
    columns:
      - name: id
        description: Order number.
        data_tests: [not_null]
      - name: customer_id
        description: Who ordered; loyal customers order more than once.
        data_tests:
          - unique:
              config:
                where: "amount > 0"
  - name: dim_customers
    latest_version: 2
    versions:
      - v: 1
      - v: 2
unit_tests:
  - name: stg_orders_keeps_amounts
    model: stg_orders
    given:
      - input: source('shop', 'raw_orders')
        rows:
          - {id: 1, customer_id: 10, amount: 5, loaded_at: '2020-01-01'}
    expect:
      rows:
        - {id: 1, customer_id: 10, amount: 5}
`,
  // Five parents: their arrowheads must not pile up on one another.
  'models/order_facts.sql': `select o.id from {{ ref('orders') }} o
where o.customer_id in (select customer_id from {{ ref('dim_customers', v=1) }})
  and o.customer_id in (select customer_id from {{ ref('dim_customers', v=2) }})
  and o.id in (select id from {{ ref('stg_orders') }})
  and o.id in (select id from {{ source('shop', 'raw_orders') }})
`,
  'tests/assert_amounts_positive.sql': "select * from {{ ref('orders') }} where amount <= 0\n",
};

interface SiteJson {
  tests: { id: string; name: string }[];
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => ok(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Where each arrow (an edge's last point) arriving at `node` in the graph inside `holder` ends. */
async function arrowheads(page: Page, holder: string, node: string): Promise<{ x: number; y: number }[]> {
  return page.$$eval(
    `${holder} path.edge`,
    (paths, target) =>
      paths
        .filter((p) => p.getAttribute('data-edge')?.endsWith(`>${target}`))
        .map((p) => {
          const end = /(-?[\d.]+),(-?[\d.]+)$/.exec(p.getAttribute('d') ?? '');
          return { x: Number(end?.[1]), y: Number(end?.[2]) };
        }),
    node,
  );
}

describe('docs site views in a browser', () => {
  let dir = '';
  let testId: (name: string) => string = () => '';
  let browser: Browser | undefined;
  let served: { url: string; stop: () => void } | undefined;

  beforeAll(async () => {
    if (!CHROMIUM) return;
    dir = writeProject(SHOP);
    // One test fails, so the build exits non-zero; the stale source makes freshness fail too.
    const build = await cli(['build', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(build.out).toContain('FAIL 1 unique_orders_customer_id');
    expect(build.code).toBe(1);
    expect((await cli(['source', 'freshness', '--project-dir', dir], { HOME: EMPTY_HOME })).code).not.toBe(0);
    // Twice: generating rewrites run_results.json, and the second site must still show the build's results.
    for (let i = 0; i < 2; i++) expect((await cli(['docs', 'generate', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
    const site = JSON.parse(readFileSync(join(dir, 'target/docs/site-data.json'), 'utf8')) as SiteJson;
    // Found by name: a test's unique id hash is not this test's business.
    testId = (name) => site.tests.find((t) => t.name === name)?.id ?? `missing test ${name}`;
    const port = await freePort();
    const { child } = spawnCli(['docs', 'serve', '--project-dir', dir, '--port', String(port)]);
    await new Promise<void>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (s: string) => {
        out += s;
        if (out.includes('Serving')) ok();
      });
      child.once('exit', (code) => fail(new Error(`docs serve exited with ${code}: ${out}`)));
    });
    served = { url: `http://127.0.0.1:${port}/`, stop: () => child.kill('SIGTERM') };
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    served?.stop();
    await browser?.close();
  });

  for (const mode of ['served', 'file'] as const) {
    describe(mode === 'served' ? 'through strata docs serve' : 'from file://', () => {
      const base = () => (mode === 'served' ? (served?.url ?? '') : pathToFileURL(join(dir, 'target/docs/index.html')).href);
      /** A fresh page at `hash`; fails the test on any script error or dialog. `shot` saves a screenshot of the view. */
      async function open(hash: string, check: (page: Page, shot: (name: string) => Promise<void>) => Promise<void>): Promise<void> {
        const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('dialog', (d) => errors.push(`dialog: ${d.message()}`));
        try {
          await page.goto(`${base()}${hash}`);
          await check(page, async (name) => {
            await page.screenshot({ path: join(SHOTS, `${mode}-${name}.png`), fullPage: true });
          });
          expect(errors).toEqual([]);
        } finally {
          await page.close();
        }
      }

      it("a failing test's page shows its last result, config, SQL and the node it tests", async ({ skip }) => {
        requireBrowser(browser, skip);
        await open(`#test/${encodeURIComponent(testId('unique_orders_customer_id'))}`, async (page, shot) => {
          expect(await page.textContent('main h1')).toContain('unique_orders_customer_id');
          const result = await page.textContent('#test-result');
          expect(result).toContain('fail');
          expect(result).toMatch(/Failures\s*1/);
          expect(result).toContain('Got 1 result');
          expect(await page.textContent('#test-config')).toMatch(/where\s*amount > 0/);
          // Compiled: the where config wraps the model, the ref is resolved.
          expect(await page.textContent('pre.test-sql')).toContain('from "strata"."main"."orders" where amount > 0');
          await shot('test-page');
          await page.click('main a[data-node="model.shop.orders"]');
          await page.waitForFunction("document.querySelector('main h1')?.textContent?.includes('orders')");
          expect(page.url()).toContain('#node/model.shop.orders');
          // A unit test's page shows its fixtures and result.
          await page.goto(`${base()}#test/unit_test.shop.stg_orders.stg_orders_keeps_amounts`);
          await page.waitForSelector('#test-result');
          expect(await page.textContent('#test-result')).toMatch(/Status\s*pass/);
          expect(await page.textContent('main')).toMatch(/Given source\('shop', 'raw_orders'\)[\s\S]*Expected rows/);
          await shot('unit-test-page');
        });
      });

      it("a model's page lists its column, model-level and singular tests with their last status", async ({ skip }) => {
        requireBrowser(browser, skip);
        await open('#node/model.shop.orders', async (page, shot) => {
          const rows = await page.$$eval('#node-tests tr[data-test-row]', (trs) =>
            trs.map((tr) => [tr.querySelector('a')?.textContent, tr.querySelector('.status')?.textContent]),
          );
          expect(rows.sort()).toEqual([
            ['assert_amounts_positive', 'pass'],
            ['not_null_orders_id', 'pass'],
            ['unique_orders_customer_id', 'fail'],
            ['unique_orders_id', 'pass'],
          ]);
          expect(await page.textContent('table.columns')).toMatch(/customer_id[\s\S]*fail\s*unique_orders_customer_id/);
          await shot('model-page');
          // Into a test and back again with the browser's history.
          await page.click('#node-tests a:text("assert_amounts_positive")');
          await page.waitForSelector('#test-result');
          expect(await page.textContent('pre.test-sql')).toContain('amount <= 0');
          await page.goBack();
          await page.waitForSelector('#node-tests');
          expect(await page.textContent('main h1')).toContain('orders');
          await page.goForward();
          await page.waitForSelector('#test-result');
          expect(await page.textContent('main h1')).toContain('assert_amounts_positive');
        });
      });

      it('a source page shows loader, descriptions, freshness config and the last freshness check', async ({ skip }) => {
        requireBrowser(browser, skip);
        await open('#source/source.shop.shop.raw_orders', async (page, shot) => {
          expect(await page.textContent('.description')).toContain('Every order placed in the webshop.');
          expect(await page.textContent('.source-description')).toContain('replicated nightly');
          const details = await page.textContent('#source-details');
          expect(details).toMatch(/Loader\s*fivetran/);
          expect(details).toMatch(/Loaded at field\s*loaded_at/);
          expect(details).toMatch(/Warn after\s*12 hours/);
          expect(details).toMatch(/Error after\s*1 day/);
          const last = await page.textContent('#source-freshness');
          expect(last).toMatch(/Status\s*error/);
          expect(last).toContain('2020-01-03T12:00:00');
          expect(last).toMatch(/Age\s*\d{4} d \d+ h/);
          expect(await page.textContent('table.columns')).toContain('Order number as the shop assigns it.');
          await shot('source-page');
        });
      });

      it('full-text search ranks names first, shows marked context, and keeps the query in the address', async ({ skip }) => {
        requireBrowser(browser, skip);
        await open('', async (page, shot) => {
          // The overview counts the last run's test results (the unit test passed too).
          expect(await page.textContent('#test-summary')).toMatch(/4 pass[\s\S]*1 fail/);
          await shot('overview');
          // Enter in the sidebar opens the search page.
          await page.fill('#search', 'loyal');
          await page.press('#search', 'Enter');
          await page.waitForSelector('#search-results li');
          expect(page.url()).toContain('#search/loyal');
          const first = page.locator('.search-hits li').first();
          expect(await first.getAttribute('data-hit')).toBe('model.shop.orders');
          expect(await first.locator('mark').textContent()).toBe('loyal');
          expect(await first.textContent()).toContain('customers order more than once');
          await shot('search');
          // SQL is searched too; a name match outranks a match in SQL.
          await page.fill('#search-page-input', 'amount <= 0');
          await page.waitForFunction("location.hash === '#search/amount%20%3C%3D%200'");
          expect(await page.locator('.search-hits li').first().getAttribute('data-hit')).toBe(testId('assert_amounts_positive'));
          expect(await page.locator('.search-hits li mark').first().textContent()).toBe('amount');
          await page.fill('#search-page-input', 'stg_orders');
          await page.waitForFunction("location.hash === '#search/stg_orders'");
          const hits = await page.$$eval('.search-hits li', (lis) => lis.map((li) => li.getAttribute('data-hit')));
          expect(hits[0]).toBe('model.shop.stg_orders');
          expect(hits).toContain('model.shop.orders'); // only through its SQL
          // The address restores the view.
          await page.reload();
          await page.waitForSelector('.search-hits li');
          expect(await page.inputValue('#search-page-input')).toBe('stg_orders');
          expect(await page.locator('.search-hits li').first().getAttribute('data-hit')).toBe('model.shop.stg_orders');
        });
      });

      it('lineage: versions labeled, arrowheads apart, a message for an empty selection, selection in the address', async ({ skip }) => {
        requireBrowser(browser, skip);
        await open('#lineage/%2Borders', async (page, shot) => {
          const nodes = await page.$$eval('#lineage-graph g.node', (gs) => gs.map((g) => g.getAttribute('data-node')).sort());
          expect(nodes).toEqual([
            'model.shop.dim_customers.v1',
            'model.shop.orders',
            'model.shop.stg_orders',
            'source.shop.shop.raw_orders',
          ]);
          expect(await page.textContent('#lineage-graph g.node[data-node="model.shop.dim_customers.v1"] tspan.version')).toBe('v1');
          await shot('lineage');
          // Every arrow into a node ends on its left side, each at its own height.
          await page.fill('#lineage-select', '+order_facts');
          await page.press('#lineage-select', 'Enter');
          await page.waitForSelector('#lineage-graph g.node[data-node="model.shop.order_facts"]');
          expect(await page.textContent('#lineage-graph g.node[data-node="model.shop.dim_customers.v2"] tspan.version')).toBe('v2');
          const heads = await arrowheads(page, '#lineage-graph', 'model.shop.order_facts');
          expect(heads).toHaveLength(5);
          const left = await page.$eval('#lineage-graph g.node[data-node="model.shop.order_facts"]', (g) =>
            Number(/translate\(([-\d.]+),/.exec(g.getAttribute('transform') ?? '')?.[1]),
          );
          for (const head of heads) expect(head.x).toBeCloseTo(left, 3);
          const ys = heads.map((h) => h.y).sort((x, y) => x - y);
          for (let i = 1; i < ys.length; i++) expect((ys[i] ?? 0) - (ys[i - 1] ?? 0)).toBeGreaterThanOrEqual(9);
          await shot('lineage-ports');
          await page.fill('#lineage-select', 'no_such_model+');
          await page.press('#lineage-select', 'Enter');
          await page.waitForSelector('.empty-selection');
          expect(await page.textContent('.empty-selection')).toContain('Nothing matches the selection “no_such_model+”');
          expect(page.url()).toContain('#lineage/no_such_model%2B');
          await shot('lineage-empty');
          await page.goBack();
          await page.waitForSelector('#lineage-graph g.node');
          expect(await page.inputValue('#lineage-select')).toBe('+order_facts');
        });
      });
    });
  }
});
