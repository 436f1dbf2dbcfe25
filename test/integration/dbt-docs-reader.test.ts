import { cpSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, needsBrowser as requireBrowser } from '../helpers/chromium.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { copyExample, projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

/**
 * dbt's docs site (dbt-labs/dbt-docs) is the reader of manifest.json and catalog.json most users
 * meet, and it throws at the first field it needs and does not find. test/fixtures/dbt-docs-reader
 * is a page that takes the same steps over the same fields and lists every failure instead; here it
 * reads the artifacts `strata docs generate` writes for each example, in headless Chromium.
 */

const READER = resolve(import.meta.dirname, '../fixtures/dbt-docs-reader');
const env = { HOME: EMPTY_HOME };

interface Failure {
  path: string;
  uniqueId: string;
  field: string;
  problem: string;
}

type Json = Record<string, unknown>;

let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Skips without a browser, except in CI, where a missing browser is an error. */
const needsBrowser = (skip: (note: string) => void): Browser => requireBrowser(browser, skip);

/** The failures the reader page reports for a manifest and catalog. */
async function readInBrowser(on: Browser, manifest: Json, catalog: Json): Promise<Failure[]> {
  const page = await on.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(pathToFileURL(join(READER, 'index.html')).href);
    const failures = await page.evaluate(
      ([m, c]) => (globalThis as unknown as { showDbtDocsFailures: (m: Json, c: Json) => Failure[] }).showDbtDocsFailures(m, c),
      [manifest, catalog] as const,
    );
    expect(errors).toEqual([]);
    // The page lists them for a person too.
    expect(await page.locator('#failures li').count()).toBe(failures.length);
    return failures;
  } finally {
    await page.close();
  }
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Json;

/** The failures for what a command wrote into `<project>/target`. */
async function readTarget(on: Browser, projectDir: string): Promise<Failure[]> {
  return readInBrowser(on, readJson(join(projectDir, 'target/manifest.json')), readJson(join(projectDir, 'target/catalog.json')));
}

async function strata(...args: string[]): Promise<void> {
  const result = await cli(args, env);
  expect(result.code, `strata ${args.join(' ')}\n${result.out}\n${result.err}`).toBe(0);
}

/** `build` (so the catalog has relations to describe) then `docs generate`. */
async function buildAndDocument(dir: string): Promise<void> {
  await strata('build', '--project-dir', dir);
  await strata('docs', 'generate', '--project-dir', dir);
}

/** What dbt 1.10 wrote for dbt-labs/jaffle_shop, trimmed (see the fixture folder). */
const dbtWritten = () => ({
  manifest: readJson(join(READER, 'dbt-1.10-jaffle_shop/manifest.json')),
  catalog: readJson(join(READER, 'dbt-1.10-jaffle_shop/catalog.json')),
});

/** A project with a package, a group, versions, an exposure, an analysis, unit and singular tests. */
function governedProject(): string {
  const parent = writeProject({
    'util_pkg/dbt_project.yml': projectYml('util_pkg'),
    'util_pkg/macros/cents.sql': '{% macro to_cents(amount) %}({{ amount }} * 100){% endmacro %}\n',
    'util_pkg/models/pkg_calendar.sql': "select 1 as day_number, 'monday' as day_name\n",
  });
  const dir = join(parent, 'shop');
  writeFiles(dir, {
    'dbt_project.yml': projectYml('shop'),
    'packages.yml': 'packages:\n  - local: ../util_pkg\n',
    'seeds/orders.csv': 'id,customer_id,amount\n1,7,10\n2,7,5\n3,8,1\n',
    'models/customers.sql':
      "select customer_id, sum(amount) as total, {{ util_pkg.to_cents('sum(amount)') }} as total_cents\nfrom {{ ref('orders') }}\ngroup by customer_id\n",
    'models/order_sizes_v1.sql': "select id, amount from {{ ref('orders') }}\n",
    'models/order_sizes_v2.sql': "select id, amount, amount > 5 as is_large from {{ ref('orders') }}\n",
    'models/calendar.sql': "select * from {{ ref('util_pkg', 'pkg_calendar') }}\n",
    'models/props.yml': [
      'groups:',
      '  - {name: finance, owner: {name: Finance, email: finance@example.com}}',
      'models:',
      '  - name: customers',
      '    description: One row per customer.',
      '    group: finance',
      '    access: protected',
      '    columns:',
      '      - {name: customer_id, data_tests: [unique, not_null]}',
      '  - name: order_sizes',
      '    group: finance',
      '    access: public',
      '    latest_version: 2',
      '    versions:',
      '      - v: 1',
      '      - v: 2',
      'exposures:',
      '  - name: revenue_dashboard',
      '    type: dashboard',
      '    owner: {name: Finance, email: finance@example.com}',
      "    depends_on: [ref('customers'), ref('order_sizes')]",
      'unit_tests:',
      '  - name: totals_add_up',
      '    model: customers',
      '    given:',
      "      - input: ref('orders')",
      '        rows:',
      '          - {id: 1, customer_id: 7, amount: 10}',
      '          - {id: 2, customer_id: 7, amount: 5}',
      '    expect:',
      '      rows:',
      '        - {customer_id: 7, total: 15, total_cents: 1500}',
      '',
    ].join('\n'),
    'analyses/top_customer.sql': "select customer_id from {{ ref('customers') }} order by total desc limit 1\n",
    'tests/no_negative_totals.sql': "select * from {{ ref('customers') }} where total < 0\n",
  });
  return dir;
}

describe("dbt's docs site reading Strata's artifacts", () => {
  it('reads what dbt itself wrote without a failure (the reader asks for nothing dbt does not write)', async ({ skip }) => {
    const on = needsBrowser(skip);
    const { manifest, catalog } = dbtWritten();
    expect(await readInBrowser(on, manifest, catalog)).toEqual([]);
  });

  it('reports the failures dbt-docs shows when the overview, a group or a package name is wrong', async ({ skip }) => {
    const on = needsBrowser(skip);
    const { manifest, catalog } = dbtWritten();
    manifest.docs = {}; // no __overview__ at all
    const nodes = manifest.nodes as Record<string, Json>;
    (nodes['model.jaffle_shop.customers'] as Json).group = 'finance'; // a group the manifest does not list
    manifest.macros = {
      'macro.util.cents': {
        unique_id: 'macro.util.cents',
        name: 'cents',
        package_name: 'jaffle_shop', // filed under the root project
        original_file_path: 'dbt_packages/util/macros/cents.sql',
        macro_sql: '',
        resource_type: 'macro',
      },
    };
    expect(await readInBrowser(on, manifest, catalog)).toEqual([
      {
        path: 'tree: project',
        uniqueId: 'macro.util.cents',
        field: 'package_name',
        problem: 'is jaffle_shop, but the unique id names package util',
      },
      {
        path: 'tree: project',
        uniqueId: 'macro.util.cents',
        field: 'original_file_path',
        problem: 'is relative to another project (dbt_packages/util/macros/cents.sql), not to package jaffle_shop',
      },
      {
        path: 'overview',
        uniqueId: 'doc.dbt.__overview__',
        field: 'block_contents',
        problem: "no __overview__ doc (reading 'block_contents')",
      },
      {
        path: 'overview',
        uniqueId: 'doc.jaffle_shop.__jaffle_shop__',
        field: 'block_contents',
        problem: 'no overview for project jaffle_shop',
      },
      {
        path: 'page: model group',
        uniqueId: 'model.jaffle_shop.customers',
        field: 'groups["group.jaffle_shop.finance"].owner',
        problem: "the group is not in the manifest (reading 'owner')",
      },
    ]);
  });

  it('reads examples/quickstart', async ({ skip }) => {
    const on = needsBrowser(skip);
    const dir = copyExample('quickstart');
    await buildAndDocument(dir);
    expect(await readTarget(on, dir)).toEqual([]);
  });

  it('reads examples/jaffle_shop with its package', async ({ skip }) => {
    const on = needsBrowser(skip);
    const dir = copyExample('jaffle_shop');
    cpSync(resolve(import.meta.dirname, '../../examples/packages'), join(dirname(dir), 'packages'), { recursive: true });
    await strata('deps', '--project-dir', dir);
    await buildAndDocument(dir);
    expect(await readTarget(on, dir)).toEqual([]);
  });

  it("reads the mesh consumer, whose manifest holds its upstream projects' models", async ({ skip }) => {
    const on = needsBrowser(skip);
    const mesh = copyExample('mesh');
    // As examples/mesh/build.sh does: each project reads the manifests the ones before it wrote.
    for (const project of ['platform', 'forecasting']) await strata('build', '--project-dir', join(mesh, project));
    await buildAndDocument(join(mesh, 'fraud'));
    const manifest = readJson(join(mesh, 'fraud/target/manifest.json'));
    expect(Object.keys(manifest.nodes as Json)).toEqual(
      expect.arrayContaining(['model.platform.stg_sales', 'model.forecasting.discount_attribution']),
    );
    expect(await readTarget(on, join(mesh, 'fraud'))).toEqual([]);
  });

  it('reads a project with a package, groups, versions, an exposure, an analysis, unit and singular tests', async ({ skip }) => {
    const on = needsBrowser(skip);
    const dir = governedProject();
    await strata('deps', '--project-dir', dir);
    await buildAndDocument(dir);
    const manifest = readJson(join(dir, 'target/manifest.json'));
    // Each kind of resource is there for the reader to read.
    const ids = [manifest.nodes, manifest.exposures, manifest.unit_tests, manifest.macros, manifest.groups].flatMap((c) =>
      Object.keys(c as Json),
    );
    expect(ids).toEqual(
      expect.arrayContaining([
        'analysis.shop.top_customer',
        'model.shop.order_sizes.v1',
        'model.shop.order_sizes.v2',
        'model.util_pkg.pkg_calendar',
        'test.shop.no_negative_totals',
        'exposure.shop.revenue_dashboard',
        'unit_test.shop.customers.totals_add_up',
        'macro.util_pkg.to_cents',
        'group.shop.finance',
      ]),
    );
    expect(await readTarget(on, dir)).toEqual([]);
  });
});
