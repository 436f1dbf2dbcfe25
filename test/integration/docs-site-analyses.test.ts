import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, needsBrowser } from '../helpers/chromium.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { projectYml, writeProject } from '../helpers/temp-project.js';

// Analyses, exposures and macros in the docs site, as dbt's docs site shows them: in the tree
// (analyses under their folder), with their own pages, in search and in the lineage graph.

const repo = resolve(import.meta.dirname, '../..');
const SHOTS = join(repo, 'test-output/docs-site');

const SHOP = {
  'strata_project.yml': projectYml('shop'),
  'models/orders.sql': 'select 1 as id, 10 as amount\n',
  'macros/cents.sql': '{% macro to_cents(column_name, scale=100) %}({{ column_name }} * {{ scale }}){% endmacro %}\n',
  'analyses/finance/revenue_by_month.sql':
    "-- Revenue per month, for the finance review.\nselect sum({{ to_cents('amount') }}) as revenue_cents from {{ ref('orders') }}\n",
  'models/properties.yml': `analyses:
  - name: revenue_by_month
    description: Monthly revenue for the **quarterly close**.
    columns:
      - name: revenue_cents
        description: Revenue in cents.
exposures:
  - name: weekly_kpis
    type: dashboard
    maturity: high
    url: https://bi.example.com/d/1
    description: The KPIs the board reads every Monday.
    owner: {name: Finance, email: finance@example.com}
    depends_on: [ref('orders')]
`,
  // An installed package's macro is filed under its package, by its path in the package.
  'packages.yml': 'packages:\n  - local: vendor/money\n',
  'vendor/money/dbt_project.yml': 'name: money\n',
  'vendor/money/macros/round_money.sql': '{% macro round_money(x) %}round({{ x }}, 2){% endmacro %}\n',
};

interface SiteJson {
  nodes: { id: string; parents: string[]; children: string[]; compiled: string | null }[];
  macros: { id: string; file: string; arguments: string[] }[];
}

/** The tree folders (summaries of the enclosing details) around the element `selector`, outermost first. */
function foldersOf(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluate((a) => {
    const names: string[] = [];
    for (let d = a.closest('details'); d; d = d.parentElement?.closest('details') ?? null)
      names.unshift(d.querySelector(':scope > summary')?.textContent ?? '');
    return names;
  });
}

describe('analyses, exposures and macros in the docs site', () => {
  let dir = '';
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!findChromium()) return;
    dir = writeProject(SHOP);
    expect((await cli(['deps', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
    expect((await cli(['docs', 'generate', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** A fresh page at `hash` from file://; fails the test on any script error. */
  async function open(hash: string, check: (page: Page) => Promise<void>): Promise<void> {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${pathToFileURL(join(dir, 'target/docs/index.html')).href}${hash}`);
      await check(page);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }

  it('writes analyses, exposures and macros into the site data, with their lineage', ({ skip }) => {
    needsBrowser(findChromium(), skip);
    const site = JSON.parse(readFileSync(join(dir, 'target/docs/site-data.json'), 'utf8')) as SiteJson;
    const node = (id: string) => site.nodes.find((n) => n.id === id);
    expect(node('analysis.shop.revenue_by_month')?.parents).toEqual(['model.shop.orders']);
    expect(node('analysis.shop.revenue_by_month')?.compiled).toContain('sum((amount * 100))');
    expect(node('exposure.shop.weekly_kpis')?.parents).toEqual(['model.shop.orders']);
    expect(node('model.shop.orders')?.children.sort()).toEqual(['analysis.shop.revenue_by_month', 'exposure.shop.weekly_kpis']);
    expect(site.macros).toEqual([
      expect.objectContaining({ id: 'macro.money.round_money', file: 'macros/round_money.sql', arguments: ['x'] }),
      expect.objectContaining({ id: 'macro.shop.to_cents', file: 'macros/cents.sql', arguments: ['column_name', 'scale=100'] }),
    ]);
  });

  it('an analysis has a page (by address and from the tree) with its SQL and links to its parents', async ({ skip }) => {
    needsBrowser(browser, skip);
    await open('#node/analysis.shop.revenue_by_month', async (page) => {
      expect(await page.textContent('main h1')).toMatch(/analysis\s*revenue_by_month/);
      expect(await page.textContent('main .description')).toContain('quarterly close');
      expect(await page.textContent('table.columns')).toContain('Revenue in cents.');
      expect(await page.textContent('pre.raw')).toContain("{{ to_cents('amount') }}");
      expect(await page.textContent('pre.compiled')).toContain('select sum((amount * 100)) as revenue_cents from "strata"."main"."orders"');
      // Never built: no relation, no materialization, no tests.
      const details = await page.textContent('table.details');
      expect(details).not.toContain('Relation');
      expect(details).not.toContain('Materialization');
      expect(await page.$('#node-tests')).toBeNull();
      expect(await page.$$eval('#node-lineage g.node', (gs) => gs.map((g) => g.getAttribute('data-node')).sort())).toEqual([
        'analysis.shop.revenue_by_month',
        'model.shop.orders',
      ]);
      await page.screenshot({ path: join(SHOTS, 'analysis-page.png'), fullPage: true });
      // Its parent's page lists it downstream, beside the exposure.
      await page.click('#upstream a[data-node="model.shop.orders"]');
      await page.waitForFunction("location.hash === '#node/model.shop.orders'");
      expect(await page.$$eval('#downstream a', (as) => as.map((a) => a.getAttribute('data-node')))).toEqual([
        'analysis.shop.revenue_by_month',
        'exposure.shop.weekly_kpis',
      ]);
    });
    await open('', async (page) => {
      expect(await page.textContent('main')).toContain('1 analysis · 1 exposure · 1 model · 2 macros');
      // In the tree under its project and folders, as dbt's docs site puts it.
      expect(await foldersOf(page, '#tree a[data-node="analysis.shop.revenue_by_month"]')).toEqual(['shop', 'analyses', 'finance']);
      expect(await foldersOf(page, '#tree a[data-node="exposure.shop.weekly_kpis"]')).toEqual(['shop', 'exposures', 'dashboard']);
      await page.click('#tree a[data-node="analysis.shop.revenue_by_month"]');
      await page.waitForSelector('pre.compiled');
      expect(page.url()).toContain('#node/analysis.shop.revenue_by_month');
    });
  });

  it('search finds analyses, exposures and macros', async ({ skip }) => {
    needsBrowser(browser, skip);
    await open('#search/quarterly%20close', async (page) => {
      await page.waitForSelector('.search-hits li');
      expect(await page.$$eval('.search-hits li', (lis) => lis.map((li) => li.getAttribute('data-hit')))).toEqual([
        'analysis.shop.revenue_by_month',
      ]);
      expect(await page.textContent('.search-hits li mark')).toBe('quarterly');
      // SQL of an analysis is searched; a macro's exact name outranks it.
      await page.fill('#search-page-input', 'to_cents');
      await page.waitForFunction("location.hash === '#search/to_cents'");
      expect(await page.$$eval('.search-hits li', (lis) => lis.map((li) => li.getAttribute('data-hit')))).toEqual([
        'macro.shop.to_cents',
        'analysis.shop.revenue_by_month',
      ]);
      // The sidebar's quick results too.
      await page.fill('#search', 'board reads');
      expect(await page.$$eval('#results a[data-node]', (as) => as.map((a) => a.getAttribute('data-node')))).toEqual([
        'exposure.shop.weekly_kpis',
      ]);
    });
  });

  it('lineage draws analyses and exposures as children of what they read', async ({ skip }) => {
    needsBrowser(browser, skip);
    await open('#lineage/orders%2B', async (page) => {
      expect(await page.$$eval('#lineage-graph g.node', (gs) => gs.map((g) => g.getAttribute('data-node')).sort())).toEqual([
        'analysis.shop.revenue_by_month',
        'exposure.shop.weekly_kpis',
        'model.shop.orders',
      ]);
      expect(await page.$$eval('#lineage-graph path.edge', (ps) => ps.map((p) => p.getAttribute('data-edge')).sort())).toEqual([
        'model.shop.orders>analysis.shop.revenue_by_month',
        'model.shop.orders>exposure.shop.weekly_kpis',
      ]);
      await page.screenshot({ path: join(SHOTS, 'lineage-analysis-exposure.png'), fullPage: true });
      await page.fill('#lineage-select', '+exposure:weekly_kpis');
      await page.press('#lineage-select', 'Enter');
      await page.waitForFunction('!document.querySelector(\'#lineage-graph g.node[data-node="analysis.shop.revenue_by_month"]\')');
      expect(await page.$$eval('#lineage-graph g.node', (gs) => gs.map((g) => g.getAttribute('data-node')).sort())).toEqual([
        'exposure.shop.weekly_kpis',
        'model.shop.orders',
      ]);
    });
  });

  it("an exposure's page shows its type, maturity, link, owner and what it depends on", async ({ skip }) => {
    needsBrowser(browser, skip);
    await open('#exposure/exposure.shop.weekly_kpis', async (page) => {
      expect(await page.textContent('main h1')).toMatch(/exposure\s*weekly_kpis/);
      expect(await page.textContent('table.details')).toMatch(/Owner\s*Finance <finance@example.com>/);
      const exposure = await page.textContent('#exposure-details');
      expect(exposure).toMatch(/Exposure type\s*dashboard/);
      expect(exposure).toMatch(/Maturity\s*high/);
      expect(await page.getAttribute('#exposure-details a', 'href')).toBe('https://bi.example.com/d/1');
      expect(await page.$$eval('#upstream a', (as) => as.map((a) => a.getAttribute('data-node')))).toEqual(['model.shop.orders']);
      await page.screenshot({ path: join(SHOTS, 'exposure-page.png'), fullPage: true });
    });
  });

  it("a macro's page shows its package, file, arguments and SQL, and the tree lists it", async ({ skip }) => {
    needsBrowser(browser, skip);
    await open('#macro/macro.shop.to_cents', async (page) => {
      expect(await page.textContent('main h1')).toMatch(/macro\s*to_cents/);
      expect(await page.textContent('table.details')).toMatch(/Package\s*shop[\s\S]*File\s*macros\/cents\.sql/);
      expect(await page.$$eval('#macro-arguments code', (cs) => cs.map((c) => c.textContent))).toEqual(['column_name', 'scale=100']);
      expect(await page.textContent('pre.macro-sql')).toContain('({{ column_name }} * {{ scale }})');
      await page.screenshot({ path: join(SHOTS, 'macro-page.png'), fullPage: true });
      // In the tree under its project's (or package's) macros folder, folded like the tests.
      expect(await foldersOf(page, '#tree a[data-macro="macro.shop.to_cents"]')).toEqual(['shop', 'macros']);
      expect(await foldersOf(page, '#tree a[data-macro="macro.money.round_money"]')).toEqual(['money', 'macros']);
      expect(await page.isVisible('#tree a[data-macro="macro.shop.to_cents"]')).toBe(false);
      await page.locator('#tree details:has(a[data-macro="macro.shop.to_cents"]) > summary').last().click();
      await page.click('#tree a[data-macro="macro.shop.to_cents"]');
      await page.waitForFunction("location.hash === '#macro/macro.shop.to_cents'");
    });
  });
});
