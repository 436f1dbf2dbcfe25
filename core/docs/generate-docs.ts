import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { catalogArtifact } from '../artifacts/catalog.js';
import { newInvocation } from '../artifacts/run-results.js';
import { compileProject, type PreparedProject, type ProjectOptions } from '../compile/compile-project.js';
import { renderSite } from './render-site.js';
import { siteData } from './site-data.js';
import { readLastResults } from './site-results.js';

/** What `strata docs generate` wrote. */
export interface GeneratedDocs extends PreparedProject {
  /** target/docs/index.html. */
  indexFile: string;
  /** target/catalog.json. */
  catalogFile: string;
}

/**
 * `strata docs generate`: compiles every node, introspects the database for the catalog, and writes
 * target/manifest.json, target/catalog.json and a self-contained site in target/docs/.
 */
export async function generateDocs(options: ProjectOptions): Promise<GeneratedDocs> {
  // Compiling overwrites run_results.json, so the last run's results are read first (from where
  // they are unless the project file moves target-path; then the test pages say "not run").
  const expectedTarget = resolve(options.projectDir ?? '.', options.targetPath ?? 'target');
  const before = readLastResults(expectedTarget);
  const prepared = await compileProject(options);
  const { project, dag, adapter } = prepared;
  const last = project.targetPath === expectedTarget ? before : readLastResults(project.targetPath);
  const pool = await adapter.connect(project.target.config, { size: 1 });
  let catalog: Record<string, unknown>;
  try {
    catalog = await pool.withConnection((c) => catalogArtifact(project, c, newInvocation({ which: 'generate' })));
  } finally {
    await pool.close();
  }
  const catalogFile = join(project.targetPath, 'catalog.json');
  writeFileSync(catalogFile, `${JSON.stringify(catalog, null, 2)}\n`);
  const compiled = new Map(prepared.compiled.map((c) => [c.uniqueId, c.compiledSql]));
  const data = siteData(project, dag, adapter.dialect, catalog as Parameters<typeof siteData>[3], compiled, last);
  const docsDir = join(project.targetPath, 'docs');
  mkdirSync(docsDir, { recursive: true });
  const indexFile = join(docsDir, 'index.html');
  writeFileSync(indexFile, renderSite(data));
  writeFileSync(join(docsDir, 'site-data.json'), JSON.stringify(data));
  return { ...prepared, indexFile, catalogFile };
}
