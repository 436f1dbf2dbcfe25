import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findChromium, launchChromium, needsBrowser } from '../helpers/chromium.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { copyExample } from '../helpers/temp-project.js';

// A mesh consumer's docs: upstream projects' models sit in the tree under their project's name,
// never under the folder their manifest was read from on this machine.

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
      expect(await page.textContent('table.details')).toMatch(/Project\s*forecasting/);
      mkdirSync(join(repo, 'test-output/docs-site'), { recursive: true });
      await page.screenshot({ path: join(repo, 'test-output/docs-site/mesh-upstream.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
