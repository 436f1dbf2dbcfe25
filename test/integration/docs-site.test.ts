import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../core/docs/markdown.js';
import { serveDocs } from '../../core/docs/serve-docs.js';
import { findChromium, launchChromium, needsBrowser } from '../helpers/chromium.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { copyExample } from '../helpers/temp-project.js';

const repo = resolve(import.meta.dirname, '../..');
const catalogSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-catalog-v1.json'), 'utf8')) as object;

async function generatedQuickstart(): Promise<string> {
  const dir = copyExample('quickstart');
  // A description with HTML and a script link must come out as text.
  const props = readFileSync(join(dir, 'models/properties.yml'), 'utf8').replace(
    'description: One row per invoice line; amounts are net of discount, in EUR.',
    "description: '<img src=x onerror=alert(1)> [click](javascript:alert(1)) One row per invoice line.'",
  );
  writeFileSync(join(dir, 'models/properties.yml'), props);
  expect((await cli(['build', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
  const { code } = await cli(['docs', 'generate', '--project-dir', dir], { HOME: EMPTY_HOME });
  expect(code).toBe(0);
  return dir;
}

describe('docs', () => {
  it('renders user Markdown safely', () => {
    expect(renderMarkdown('**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com)')).toBe(
      '<p><strong>bold</strong> &lt;script&gt;alert(1)&lt;/script&gt; x <a href="https://example.com" rel="noopener noreferrer">ok</a></p>\n',
    );
  });

  it("writes a catalog that validates against dbt's schema, with types and row counts", async () => {
    const dir = await generatedQuickstart();
    const catalog = JSON.parse(readFileSync(join(dir, 'target/catalog.json'), 'utf8')) as {
      nodes: Record<string, { columns: Record<string, { type: string }>; stats: { row_count?: { value: number } } }>;
    };
    const validate = new Ajv2020({ strict: false }).compile(catalogSchema);
    expect(validate(catalog), JSON.stringify(validate.errors)).toBe(true);
    const revenue = catalog.nodes['model.quickstart.revenue_by_product_group'];
    expect(revenue?.columns.net_revenue?.type).toBe('DECIMAL(38,2)');
    expect(revenue?.stats.row_count?.value).toBe(3);
    expect(catalog.nodes['model.quickstart.sales_enriched']).toBeUndefined();
  });

  it('serves the site on 127.0.0.1 and nothing outside it', async () => {
    const dir = await generatedQuickstart();
    const server = await serveDocs(join(dir, 'target/docs'), 0);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="strata-data"');
      expect((await fetch(`http://127.0.0.1:${port}/..%2F..%2Fprofiles.yml`)).status).toBe(400);
    } finally {
      server.close();
    }
  });

  it('works in a browser: search, open a model, see its lineage', async ({ skip }) => {
    needsBrowser(findChromium(), skip);
    const dir = await generatedQuickstart();
    const browser = needsBrowser(await launchChromium(), skip);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('dialog', (d) => errors.push(`dialog: ${d.message()}`));
      await page.goto(pathToFileURL(join(dir, 'target/docs/index.html')).href);
      await page.fill('#search', 'revenue_by');
      await page.click('#results a[data-node="model.quickstart.revenue_by_product_group"]');
      await page.waitForSelector('#node-lineage svg');
      expect(await page.textContent('main h1')).toContain('revenue_by_product_group');
      const graphNodes = await page.$$eval('#node-lineage g.node', (gs) => gs.map((g) => g.getAttribute('data-node')));
      expect(graphNodes).toEqual(
        expect.arrayContaining(['model.quickstart.sales_enriched', 'model.quickstart.stg_sales', 'seed.quickstart.raw_sales']),
      );
      const upstream = await page.$$eval('#upstream a', (as) => as.map((a) => a.textContent));
      expect(upstream).toEqual(['sales_enriched']);
      expect(await page.textContent('table.columns')).toContain('DECIMAL(38,2)');
      // Clicking a node in the graph opens its page.
      await page.click('#node-lineage g.node[data-node="model.quickstart.stg_sales"]');
      await page.waitForFunction("document.querySelector('main h1')?.textContent?.includes('stg_sales')");
      expect(await page.innerHTML('.description')).toContain('&lt;img src=x onerror=alert(1)&gt;');
      await page.goto(`${pathToFileURL(join(dir, 'target/docs/index.html')).href}#lineage`);
      await page.fill('#lineage-select', '+fct_sales');
      await page.press('#lineage-select', 'Enter');
      const lineage = await page.$$eval('#lineage-graph g.node', (gs) => gs.map((g) => g.getAttribute('data-node')).sort());
      expect(lineage).toEqual([
        'model.quickstart.fct_sales',
        'model.quickstart.sales_enriched',
        'model.quickstart.stg_customers',
        'model.quickstart.stg_products',
        'model.quickstart.stg_sales',
        'seed.quickstart.raw_customers',
        'seed.quickstart.raw_products',
        'seed.quickstart.raw_sales',
      ]);
      mkdirSync(join(repo, 'test-output/docs-site'), { recursive: true });
      await page.screenshot({ path: join(repo, 'test-output/docs-site/quickstart-lineage.png') });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
