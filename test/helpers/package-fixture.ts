import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { expect } from 'vitest';
import { cli } from './cli.js';
import { EMPTY_HOME } from './load.js';
import type { TestTarget } from './targets.js';

/** One entry of run_results.json, as the package tests read it. */
export interface NodeResult {
  unique_id: string;
  status: string;
  message: string | null;
  failures: number | null;
  compiled_code: string | null;
}

/** What a package fixture is: its folder (a `project/` beside the package) and names. */
export interface PackageFixture {
  dir: string;
  project: string;
  package: string;
}

/** The fixture copied to a fresh temporary folder (without build output or Python helpers); returns the project's path. */
function copyFixture(fixture: PackageFixture): string {
  const root = join(mkdtempSync(join(tmpdir(), `strata-${basename(fixture.dir)}-`)), basename(fixture.dir));
  cpSync(fixture.dir, root, {
    recursive: true,
    filter: (src) => !/(^|\/)(target|strata_packages|dbt_packages)(\/|$)|\.py$/.test(relative(fixture.dir, src)),
  });
  return join(root, 'project');
}

/** The fixture copied, its package installed with `strata deps` and a profile written for `target`. */
export async function installedFixture(fixture: PackageFixture, target: TestTarget): Promise<{ dir: string; schema: string }> {
  const dir = copyFixture(fixture);
  const deps = await cli(['deps', '--project-dir', dir], { HOME: EMPTY_HOME });
  expect(deps.code, deps.err).toBe(0);
  expect(deps.out).toContain(`Installed ${fixture.package} (local `);
  return { dir, schema: await target.writeProfile(dir, fixture.project) };
}

/** run_results.json by unique id, without the hash that ends test ids (none when the command stopped before running nodes). */
export function runResults(dir: string): Record<string, NodeResult> {
  if (!existsSync(join(dir, 'target/run_results.json'))) return {};
  const artifact = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: NodeResult[] };
  return Object.fromEntries(artifact.results.map((r) => [r.unique_id.replace(/\.[0-9a-f]{10}$/, ''), r]));
}

/** The fixture installed and built with `strata build`: what the build printed and its results. */
export async function builtFixture(
  fixture: PackageFixture,
  target: TestTarget,
): Promise<{ dir: string; schema: string; build: { code: number; out: string; err: string }; results: Record<string, NodeResult> }> {
  const { dir, schema } = await installedFixture(fixture, target);
  const build = await cli(['build', '--project-dir', dir], { HOME: EMPTY_HOME });
  return { dir, schema, build, results: runResults(dir) };
}

/** Rows of a query on what a fixture's build made (`{schema}` is its schema); a model that was not built says why. */
export async function builtRows(
  built: Awaited<ReturnType<typeof builtFixture>>,
  target: TestTarget,
  uniqueId: string,
  sql: string,
): Promise<Record<string, string | null>[]> {
  const result = built.results[uniqueId];
  if (!result)
    throw new Error(
      `${uniqueId} was not run; the build said:\n${built.build.err
        .split('\n')
        .filter((l) => l.includes('error['))
        .join('\n')}`,
    );
  if (result.status !== 'success') throw new Error(`${uniqueId} was not built: ${result.status}: ${result.message ?? ''}`);
  return target.query(built.dir, sql.replaceAll('{schema}', built.schema));
}
