import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findChromium, launchChromium, needsBrowser } from '../helpers/chromium.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { copyExample } from '../helpers/temp-project.js';

// A mesh consumer's docs: upstream projects' models sit in the tree under their project's name,
// never under the folder their manifest was read from on this machine, and show their group's
// owner, read from the upstream manifest's groups (as the consumer's manifest and `graph.groups` do).

const repo = resolve(import.meta.dirname, '../..');

describe('docs site of a mesh consumer', () => {
  it('names upstream projects, never their folders', async ({ skip }) => {
    needsBrowser(findChromium(), skip);
    const mesh = copyExample('mesh');
    // The consumer (fraud) reads its upstreams' manifests, which parsing writes.
    for (const upstream of ['platform', 'forecasting'])
      expect((await cli(['parse', '--project-dir', join(mesh, upstream)], { HOME: EMPTY_HOME })).code).toBe(0);
    expect((await cli(['docs', 'generate', '--project-dir', join(mesh, 'fraud')], { HOME: EMPTY_HOME })).code).toBe(0);
    const site = readFileSync(join(mesh, 'fraud/target/docs/index.html'), 'utf8');
    expect(site).toContain('model.platform.stg_sales');
    expect(site).not.toContain(mesh);

    const browser = needsBrowser(await launchChromium(), skip);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(join(mesh, 'fraud/target/docs/index.html')).href);
      const folders = await page.$$eval('#tree summary', (ss) => ss.map((s) => s.textContent ?? ''));
      expect(folders).toEqual(expect.arrayContaining(['fraud', 'platform', 'forecasting', 'upstream models']));
      // Before, the manifest's folder on disk became tree folders: /tmp/…/mesh/platform/target.
      for (const part of mesh.split(/[\\/]/).filter(Boolean)) expect(folders).not.toContain(part);
      expect(folders).not.toContain('target');
      // The versioned upstream model is labeled with its version, and its page names its project.
      await page.click('#tree a[data-node="model.forecasting.revenue_forecast.v1"]');
      await page.waitForSelector('#node-lineage svg');
      expect(await page.textContent('main h1')).toMatch(/revenue_forecast\s*v1/);
      const details = await page.textContent('table.details');
      expect(details).toMatch(/Project\s*forecasting/);
      expect(details).toMatch(/Owner\s*Forecasting team <forecasting@example.com>/);
      expect(details).toMatch(/Group\s*forecasting_team/);
      mkdirSync(join(repo, 'test-output/docs-site'), { recursive: true });
      await page.screenshot({ path: join(repo, 'test-output/docs-site/mesh-upstream.png'), fullPage: true });
      // An upstream model of the other project, by its address.
      await page.goto(`${pathToFileURL(join(mesh, 'fraud/target/docs/index.html')).href}#node/model.platform.stg_sales`);
      await page.waitForSelector('#node-lineage svg');
      expect(await page.textContent('table.details')).toMatch(/Owner\s*Platform data team <platform-data@example.com>/);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it("lists upstream projects' groups in the graph Jinja variable", async () => {
    const mesh = copyExample('mesh');
    for (const upstream of ['platform', 'forecasting'])
      expect((await cli(['parse', '--project-dir', join(mesh, upstream)], { HOME: EMPTY_HOME })).code).toBe(0);
    // fraud declares no group: every group it sees is an upstream project's.
    const keys = await cli(
      ['compile', '--project-dir', join(mesh, 'fraud'), '--inline', '{{ graph.groups.keys() | list | sort | join(",") }}'],
      {
        HOME: EMPTY_HOME,
      },
    );
    expect(keys.code).toBe(0);
    expect(keys.out).toContain('group.forecasting.forecasting_team,group.platform.platform_team');
    const owner = await cli(
      ['compile', '--project-dir', join(mesh, 'fraud'), '--inline', "{{ graph.groups['group.platform.platform_team'].owner.email }}"],
      { HOME: EMPTY_HOME },
    );
    expect(owner.out).toContain('platform-data@example.com');
  }, 120_000);
});
