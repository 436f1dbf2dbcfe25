import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, messages } from '../helpers/cli.js';
import { gitRepo } from '../helpers/git-repo.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { startPackageServer, type PackageServer } from '../helpers/package-server.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

/**
 * `strata deps` against a package hub served on 127.0.0.1 by the suite, local bare git repositories
 * and local folders: root → pkg_a (hub) → pkg_b (git) and pkg_c (hub, a range the root shares).
 * Nothing reaches beyond this machine.
 */
const repo = resolve(import.meta.dirname, '../..');
let server: PackageServer;
let gitB: { url: string; commit: string };
const packages = writeProject({});

/** A package's files: its project file and one macro that says which version it is. */
function packageFiles(name: string, version: string, extra: Record<string, string> = {}): string {
  const dir = join(packages, `${name}-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFiles(dir, {
    'dbt_project.yml': `name: ${name}\nversion: '${version}'\nconfig-version: 2\n`,
    [`macros/${name}.sql`]: `{% macro ${name}_version() %}'${version}'{% endmacro %}`,
    ...extra,
  });
  return dir;
}

beforeAll(async () => {
  server = await startPackageServer();
  gitB = gitRepo(
    { 'dbt_project.yml': 'name: pkg_b\nversion: 1.0.0\n', 'macros/pkg_b.sql': "{% macro pkg_b_version() %}'git'{% endmacro %}" },
    '1.0.0',
  );
  for (const version of ['1.0.0', '1.1.0', '1.2.0-b1', '2.0.0'])
    server.addHubPackage('test-org/pkg_c', version, packageFiles('pkg_c', version));
  // A newer pkg_c that needs another dbt: never picked while an older one fits.
  server.addHubPackage('test-org/pkg_c', '1.9.0', packageFiles('pkg_c', '1.9.0'), { requireDbtVersion: '>=2.0.0' });
  server.addHubPackage('test-org/pkg_a', '0.3.0', packageFiles('pkg_a', '0.3.0'), {
    dependencies: [
      { package: 'test-org/pkg_c', version: ['>=1.0.0', '<2.0.0'] },
      { git: gitB.url, revision: '1.0.0' },
    ],
  });
});

afterAll(async () => server?.close());

/** A project listing `packagesYml`, with a model that calls every package's macro. */
function project(packagesYml: string, extraProject = ''): string {
  return writeProject({
    'dbt_project.yml': projectYml('shop', extraProject),
    'packages.yml': packagesYml,
    'models/versions.sql': 'select {{ pkg_a.pkg_a_version() }} as a, {{ pkg_b.pkg_b_version() }} as b, {{ pkg_c.pkg_c_version() }} as c',
  });
}

const TREE = 'packages:\n  - package: test-org/pkg_a\n    version: 0.3.0\n  - package: test-org/pkg_c\n    version: [">=1.1.0"]\n';
const deps = (dir: string, ...args: string[]) =>
  cli(['deps', '--project-dir', dir, ...args], { HOME: EMPTY_HOME, DBT_PACKAGE_HUB_URL: server.url });

describe('strata deps', () => {
  it('installs a three-level tree from the hub and git, resolving shared ranges, and writes the lock file', async () => {
    const dir = project(TREE);
    const result = await deps(dir);
    expect(result.code, result.err).toBe(0);
    expect(messages(result.out).split('\n')).toEqual([
      'Installed pkg_a (test-org/pkg_a@0.3.0 from the package hub)',
      `Installed pkg_b (git ${gitB.url} at ${gitB.commit.slice(0, 10)})`,
      'Installed pkg_c (test-org/pkg_c@1.1.0 from the package hub)',
      'Installed 3 packages into strata_packages/ and wrote package-lock.yml.',
    ]);
    expect(readFileSync(join(dir, 'strata_packages/pkg_c/dbt_project.yml'), 'utf8')).toContain("version: '1.1.0'");
    expect(existsSync(join(dir, 'strata_packages/pkg_b/.git'))).toBe(false);
    const lock = readFileSync(join(dir, 'package-lock.yml'), 'utf8');
    expect(lock).toMatch(
      new RegExp(
        `^packages:\\n  - package: test-org/pkg_a\\n    name: pkg_a\\n    version: 0\\.3\\.0\\n  - git: ${gitB.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n    name: pkg_b\\n    revision: ${gitB.commit}\\n  - package: test-org/pkg_c\\n    name: pkg_c\\n    version: 1\\.1\\.0\\nsha1_hash: [0-9a-f]{40}\\n$`,
      ),
    );

    // The packages work: a model calls a macro of each.
    await TEST_TARGETS[0]?.writeProfile(dir, 'shop');
    const compiled = await cli(['compile', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(compiled.code, compiled.err).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/shop/models/versions.sql'), 'utf8').trim()).toBe(
      "select '0.3.0' as a, 'git' as b, '1.1.0' as c",
    );
  });

  it('installs what the lock pins until --upgrade, and does nothing when the lock and the install agree', async () => {
    const dir = project(TREE);
    expect((await deps(dir)).code).toBe(0);
    const served = server.requests.length;
    const again = await deps(dir);
    expect(messages(again.out)).toBe('Packages are up to date with package-lock.yml in strata_packages/: nothing to install.');
    expect(server.requests.length).toBe(served);

    server.addHubPackage('test-org/pkg_c', '1.1.5', packageFiles('pkg_c', '1.1.5'));
    writeFiles(dir, { 'strata_packages/pkg_c/extra.txt': 'changed by hand' });
    const locked = await deps(dir, '--upgrade');
    expect(locked.code, locked.err).toBe(0);
    expect(locked.out).toContain('Installed pkg_c (test-org/pkg_c@1.1.5 from the package hub)');
    expect(readFileSync(join(dir, 'package-lock.yml'), 'utf8')).toContain('version: 1.1.5');
    expect(existsSync(join(dir, 'strata_packages/pkg_c/extra.txt'))).toBe(false);
  });

  it('round-trips the lock: a fresh install from it fetches exactly the pinned versions', async () => {
    const dir = project(TREE);
    expect((await deps(dir)).code).toBe(0);
    const lock = readFileSync(join(dir, 'package-lock.yml'), 'utf8');
    const fresh = project(TREE);
    writeFileSync(join(fresh, 'package-lock.yml'), lock);
    server.addHubPackage('test-org/pkg_c', '1.1.9', packageFiles('pkg_c', '1.1.9'));
    const result = await deps(fresh);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('as package-lock.yml pins them');
    expect(readFileSync(join(fresh, 'package-lock.yml'), 'utf8')).toBe(lock);
    expect(readFileSync(join(fresh, 'strata_packages/pkg_c/dbt_project.yml'), 'utf8')).toContain(
      `version: '${/pkg_c\n {4}version: (.*)/.exec(lock)?.[1]}'`,
    );
  });

  it('installs pre-releases only when asked, and names both requirers of a conflict', async () => {
    const pre = project('packages:\n  - package: test-org/pkg_c\n    version: [">=1.1.0", "<2.0.0"]\n    install-prerelease: true\n');
    expect((await deps(pre)).out).toContain('test-org/pkg_c@1.2.0-b1');
    const conflict = project(
      'packages:\n  - package: test-org/pkg_a\n    version: 0.3.0\n  - package: test-org/pkg_c\n    version: ">=2.0.0"\n',
    );
    const result = await deps(conflict);
    expect(result.code).toBe(1);
    expect(result.err).toContain('test-org/pkg_c');
    expect(result.err).toContain('the project (shop)');
    expect(result.err).toContain('pkg_a');
    expect(existsSync(join(conflict, 'strata_packages'))).toBe(false);
  });

  it('links local packages, including ../ (a package testing itself), and reads their own packages.yml', async () => {
    const parent = packageFiles('pkg_local', '0.1.0', {
      'packages.yml': 'packages:\n  - package: test-org/pkg_c\n    version: 1.0.0\n',
      'integration_tests/dbt_project.yml': projectYml('pkg_local_tests'),
      'integration_tests/packages.yml': 'packages:\n  - local: ../\n',
      'integration_tests/models/uses.sql': 'select {{ pkg_local.pkg_local_version() }} as v, {{ pkg_c.pkg_c_version() }} as c',
    });
    const dir = join(parent, 'integration_tests');
    const result = await deps(dir);
    expect(result.code, result.err).toBe(0);
    expect(lstatSync(join(dir, 'strata_packages/pkg_local')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'strata_packages/pkg_c/dbt_project.yml'), 'utf8')).toContain("version: '1.0.0'");
    await TEST_TARGETS[0]?.writeProfile(dir, 'pkg_local_tests');
    const compiled = await cli(['compile', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(compiled.code, compiled.err).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/pkg_local_tests/models/uses.sql'), 'utf8').trim()).toBe(
      "select '0.1.0' as v, '1.0.0' as c",
    );
  });

  it('refuses an install path outside the project or the project itself, and clean refuses them too', async () => {
    for (const path of ['../elsewhere', '.', '/tmp']) {
      const dir = project(
        'packages:\n  - package: test-org/pkg_c\n    version: 1.0.0\n',
        `packages-install-path: "${path}"\nclean-targets: ["${path}"]\n`,
      );
      mkdirSync(join(dir, '../elsewhere'), { recursive: true });
      writeFileSync(join(dir, '../elsewhere/keep.txt'), 'keep');
      const result = await deps(dir);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`Refusing to install packages into '${path}'`);
      expect(readFileSync(join(dir, '../elsewhere/keep.txt'), 'utf8')).toBe('keep');
      expect(existsSync(join(dir, 'dbt_project.yml'))).toBe(true);
    }
    const dir = project('packages: []\n', 'clean-targets: ["..", "target"]\n');
    await TEST_TARGETS[0]?.writeProfile(dir, 'shop');
    const cleaned = await cli(['clean', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(cleaned.code).toBe(1);
    expect(cleaned.err).toContain("Refusing to clean '..': it is outside the project folder.");
    expect(existsSync(join(dir, 'dbt_project.yml'))).toBe(true);
  });

  it('keeps the previous packages when an install is killed mid-download', async () => {
    const dir = project('packages:\n  - package: test-org/pkg_c\n    version: 1.0.0\n');
    expect((await deps(dir)).code).toBe(0);
    server.addHubPackage('test-org/pkg_c', '1.3.0', packageFiles('pkg_c', '1.3.0'));
    const stalled = server.stall(`test-org/pkg_c/1.3.0`);
    writeFiles(dir, { 'packages.yml': 'packages:\n  - package: test-org/pkg_c\n    version: 1.3.0\n' });
    const child = spawn(process.execPath, [join(repo, 'dist/cli/main.js'), 'deps', '--project-dir', dir], {
      env: { ...process.env, HOME: EMPTY_HOME, DBT_PACKAGE_HUB_URL: server.url },
      stdio: 'ignore',
    });
    await stalled;
    child.kill('SIGKILL');
    await new Promise((done) => child.on('exit', done));
    expect(readFileSync(join(dir, 'strata_packages/pkg_c/dbt_project.yml'), 'utf8')).toContain("version: '1.0.0'");
    expect(readFileSync(join(dir, 'package-lock.yml'), 'utf8')).toContain('version: 1.0.0');
    server.unstall();
    const resumed = await deps(dir);
    expect(resumed.code, resumed.err).toBe(0);
    expect(readFileSync(join(dir, 'strata_packages/pkg_c/dbt_project.yml'), 'utf8')).toContain("version: '1.3.0'");
    expect(readdirSync(dir).filter((f) => f.startsWith('.strata_deps'))).toEqual([]);
  });

  it('installs a tarball package by URL, named as packages.yml says', async () => {
    const url = server.addTarball('archives/pkg_t-0.2.0.tar.gz', packageFiles('pkg_t', '0.2.0'), { topFolder: 'pkg_t-0.2.0' });
    const dir = project(`packages:\n  - tarball: ${url}\n    name: pkg_t\n`);
    const result = await deps(dir);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain(`Installed pkg_t (tarball ${url})`);
    expect(readFileSync(join(dir, 'strata_packages/pkg_t/macros/pkg_t.sql'), 'utf8')).toContain("'0.2.0'");
    expect(readFileSync(join(dir, 'package-lock.yml'), 'utf8')).toContain(`  - tarball: ${url}\n    name: pkg_t\n`);
  });

  it('keeps an env_var secret in a git URL out of the lock file and the output', async () => {
    const secretUrl = gitB.url.replace('file://', 'file://user:{{ env_var("DBT_ENV_SECRET_TOKEN") }}@');
    const dir = project(`packages:\n  - git: '${secretUrl}'\n    revision: 1.0.0\n`);
    const result = await cli(['deps', '--project-dir', dir], { HOME: EMPTY_HOME, DBT_ENV_SECRET_TOKEN: 's3cr3t-token' });
    expect(result.code, result.err).toBe(0);
    expect(`${result.out}${result.err}`).not.toContain('s3cr3t-token');
    const lock = readFileSync(join(dir, 'package-lock.yml'), 'utf8');
    expect(lock).not.toContain('s3cr3t-token');
    expect(lock).toContain('env_var("DBT_ENV_SECRET_TOKEN")');
  });

  it('adds a package with --add-package, keeping packages.yml comments', async () => {
    const dir = project('# our packages\npackages:\n  - package: test-org/pkg_c # shared\n    version: 1.0.0\n');
    const result = await deps(dir, '--add-package', 'test-org/pkg_c@1.1.0');
    expect(result.code, result.err).toBe(0);
    expect(readFileSync(join(dir, 'packages.yml'), 'utf8')).toBe(
      '# our packages\npackages:\n  - package: test-org/pkg_c\n    version: 1.1.0\n',
    );
    expect(result.out).toContain('test-org/pkg_c@1.1.0');
    const latest = await cli(
      ['deps', '--project-dir', project('packages: []\n'), '--add-package', 'test-org/pkg_c', '--hub-url', server.url],
      { HOME: EMPTY_HOME },
    );
    expect(latest.out).toContain('Added package: test-org/pkg_c, version: 2.0.0 to packages.yml');
  });

  it('says which package is missing when one is listed but not installed, and checks require-dbt-version', async () => {
    const dir = project(TREE);
    await TEST_TARGETS[0]?.writeProfile(dir, 'shop');
    const missing = await cli(['compile', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("Package 'pkg_a' is listed in packages.yml but not installed in strata_packages/: run 'strata deps'.");
    // clean reads only the project file, so it works before deps, as dbt clean does.
    mkdirSync(join(dir, 'target'), { recursive: true });
    const cleaned = await cli(['clean', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect([cleaned.code, messages(cleaned.out), existsSync(join(dir, 'target'))]).toEqual([0, 'Cleaned target/', false]);
    const gitOnly = project(`packages:\n  - git: ${gitB.url}\n    revision: 1.0.0\n`);
    await TEST_TARGETS[0]?.writeProfile(gitOnly, 'shop');
    const notInstalled = await cli(['compile', '--project-dir', gitOnly], { HOME: EMPTY_HOME });
    expect(notInstalled.err).toContain(
      "packages.yml:2:5: error[invalid-dependency]: packages.yml lists 1 package, but none is installed in strata_packages/: run 'strata deps'.",
    );
    const old = packageFiles('pkg_old', '0.0.1', {
      'dbt_project.yml': "name: pkg_old\nversion: '0.0.1'\nrequire-dbt-version: ['>=0.19.0', '<1.0.0']\n",
    });
    const uses = project(`packages:\n  - local: ${old}\n`);
    expect((await deps(uses)).code).toBe(0);
    await TEST_TARGETS[0]?.writeProfile(uses, 'shop');
    const checked = await cli(['compile', '--project-dir', uses], { HOME: EMPTY_HOME });
    expect(checked.code).toBe(1);
    expect(checked.err).toContain(`Package 'pkg_old' requires dbt ">=0.19.0", "<1.0.0"; Strata behaves as dbt 1.10.0.`);
  });
});
