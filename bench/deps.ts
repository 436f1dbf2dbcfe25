/**
 * Times `strata deps` against a package hub served on 127.0.0.1 (the test suite's server) and a
 * local bare git repository: 10 hub packages of 50 macro files each, one depending on another, and
 * one git package. Three cases, median wall time of several runs (whole process):
 * resolving and installing with no lock; installing from package-lock.yml after the packages were
 * removed; and `deps` again with nothing to do.
 *
 *   npm run build && npx tsx bench/deps.ts [runs]
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gitRepo } from '../test/helpers/git-repo.js';
import { startPackageServer } from '../test/helpers/package-server.js';
import { writeProject } from '../test/helpers/temp-project.js';

const runs = Number(process.argv[2] ?? 5);
const cli = resolve(import.meta.dirname, '../dist/cli/main.js');

function packageFiles(name: string): Record<string, string> {
  const files: Record<string, string> = { 'dbt_project.yml': `name: ${name}\nversion: '1.0.0'\n` };
  for (let i = 0; i < 50; i++) files[`macros/m${i}.sql`] = `{% macro ${name}_m${i}(x) %}({{ x }} + ${i}){% endmacro %}\n`;
  return files;
}

const server = await startPackageServer();
const names = Array.from({ length: 10 }, (_, i) => `pkg_${i}`);
for (const [i, name] of names.entries()) {
  for (const version of ['0.9.0', '1.0.0', '1.1.0']) {
    server.addHubPackage(
      `bench/${name}`,
      version,
      writeProject(packageFiles(name)),
      i === 0 ? { dependencies: [{ package: 'bench/pkg_1', version: ['>=1.0.0', '<2.0.0'] }] } : {},
    );
  }
}
const git = gitRepo(packageFiles('pkg_git'), '1.0.0');
const packagesYml = `packages:\n${names.map((n) => `  - package: bench/${n}\n    version: [">=1.0.0", "<2.0.0"]\n`).join('')}  - git: ${git.url}\n    revision: 1.0.0\n`;

/** Wall seconds of one `strata deps` (asynchronously: the hub answers from this process). */
function deps(dir: string): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, 'deps', '--project-dir', dir], {
      env: { ...process.env, DBT_PACKAGE_HUB_URL: server.url },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (code) =>
      code === 0 ? done(Number(process.hrtime.bigint() - started) / 1e9) : fail(new Error(`deps exited ${code}`)),
    );
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const samples: Record<string, number[]> = {
  'resolve and install (no lock)': [],
  'install from package-lock.yml': [],
  'again, up to date': [],
};
for (let run = 0; run < runs; run++) {
  const dir = writeProject({ 'dbt_project.yml': 'name: bench_deps\n', 'packages.yml': packagesYml });
  samples['resolve and install (no lock)']?.push(await deps(dir));
  rmSync(join(dir, 'strata_packages'), { recursive: true });
  samples['install from package-lock.yml']?.push(await deps(dir));
  samples['again, up to date']?.push(await deps(dir));
}
console.log(`strata deps, 11 packages (10 hub, 1 git; 50 macros each), median of ${runs} runs (node ${process.version})\n`);
for (const [name, values] of Object.entries(samples))
  console.log(`${name.padEnd(32)} ${median(values).toFixed(2)} s   (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`);
await server.close();
