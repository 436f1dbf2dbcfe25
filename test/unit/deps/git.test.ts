import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrataUserError } from '../../../core/diagnostics/diagnostic.js';
import { fetchGitPackage, redactUrl } from '../../../core/deps/git.js';
import type { GitSpec } from '../../../core/project/package-types.js';
import { git } from '../../helpers/git-repo.js';

// Real repositories in a temp folder, fetched through file:// URLs (shallow clones honour
// --depth there, unlike plain paths), with the identity and config of test/helpers/git-repo.ts.
const root = mkdtempSync(join(tmpdir(), 'strata-git-'));
const bare = join(root, 'pkg.git');
const url = pathToFileURL(bare).href;
const sha: Record<'v100' | 'v110' | 'dev' | 'main', string> = { v100: '', v110: '', dev: '', main: '' };

function commit(work: string, files: Record<string, string>, message: string): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', message);
  return git(work, 'rev-parse', 'HEAD');
}

beforeAll(() => {
  git(root, 'init', '-q', '--bare', '--initial-branch=main', bare);
  const work = join(root, 'work');
  git(root, 'clone', '-q', url, work);
  sha.v100 = commit(
    work,
    {
      'dbt_project.yml': 'name: pkg\nversion: 1.0.0\n',
      'models/a.sql': 'select 1 as a\n',
      'integration_tests/dbt_project.yml': 'name: pkg_integration_tests\n',
      'docs/readme.md': 'not a package\n',
    },
    'one',
  );
  symlinkSync(tmpdir(), join(work, 'outside'));
  git(work, 'add', 'outside');
  git(work, 'commit', '-q', '-m', 'symlink');
  git(work, 'tag', '-a', '1.0.0', '-m', 'annotated', sha.v100);
  sha.v110 = commit(work, { 'models/b.sql': 'select 2 as b\n' }, 'two');
  git(work, 'tag', '1.1.0'); // lightweight
  git(work, 'checkout', '-q', '-b', 'dev');
  sha.dev = commit(work, { 'models/dev.sql': 'select 3\n' }, 'dev');
  git(work, 'checkout', '-q', 'main');
  sha.main = commit(work, { 'models/main.sql': 'select 4\n' }, 'main');
  git(work, 'push', '-q', 'origin', 'main', 'dev', '--tags');
  git(root, 'init', '-q', '--bare', join(root, 'empty.git'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const spec = (extra: Partial<GitSpec> = {}): GitSpec => ({ kind: 'git', git: url, warnUnpinned: true, ...extra });
const fresh = () => mkdtempSync(join(root, 'into-'));
const files = (dir: string) =>
  ['models/a.sql', 'models/b.sql', 'models/dev.sql', 'models/main.sql'].filter((f) => existsSync(join(dir, f)));

/** The message of the user error `fetchGitPackage` throws (and that it is exactly one diagnostic). */
async function failure(s: GitSpec, into = fresh()): Promise<string> {
  const err: unknown = await fetchGitPackage(s, into).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StrataUserError);
  const diagnostics = (err as StrataUserError).diagnostics;
  expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['invalid-dependency', 'error']]);
  return diagnostics[0]!.message;
}

const pinAdvice = 'This can introduce breaking changes into your project without warning: set its `revision:` to a tag or a commit sha.';

describe('fetchGitPackage: revisions', () => {
  it('clones the default branch without a revision, warns it is unpinned, and leaves no .git', async () => {
    const into = fresh();
    expect(await fetchGitPackage(spec(), into)).toEqual({
      dir: into,
      commit: sha.main,
      warning: `The git package "${url}" is not pinned, using HEAD (default branch). ${pinAdvice}`,
    });
    expect(files(into)).toEqual(['models/a.sql', 'models/b.sql', 'models/main.sql']);
    expect(existsSync(join(into, '.git'))).toBe(false);
    expect(readFileSync(join(into, 'dbt_project.yml'), 'utf8')).toBe('name: pkg\nversion: 1.0.0\n');
  });

  it('treats revision HEAD as the default branch', async () => {
    const result = await fetchGitPackage(spec({ revision: 'HEAD' }), fresh());
    expect([result.commit, result.warning]).toEqual([
      sha.main,
      `The git package "${url}" is not pinned, using HEAD (default branch). ${pinAdvice}`,
    ]);
  });

  it('checks out an annotated tag and records the commit it points to, not the tag object', async () => {
    const into = fresh();
    expect(await fetchGitPackage(spec({ revision: '1.0.0' }), into)).toEqual({ dir: into, commit: sha.v100 });
    expect(files(into)).toEqual(['models/a.sql']);
    expect(existsSync(join(into, '.git'))).toBe(false);
  });

  it('checks out a lightweight tag', async () => {
    const into = fresh();
    expect(await fetchGitPackage(spec({ revision: '1.1.0' }), into)).toEqual({ dir: into, commit: sha.v110 });
    expect(files(into)).toEqual(['models/a.sql', 'models/b.sql']);
  });

  it('warns for the main branch, as dbt does', async () => {
    const into = fresh();
    expect(await fetchGitPackage(spec({ revision: 'main' }), into)).toEqual({
      dir: into,
      commit: sha.main,
      warning: `The git package "${url}" is pinned to the "main" branch. ${pinAdvice}`,
    });
  });

  it('does not warn for other branches (dbt warns only for HEAD, main and master)', async () => {
    const into = fresh();
    expect(await fetchGitPackage(spec({ revision: 'dev' }), into)).toEqual({ dir: into, commit: sha.dev });
    expect(files(into)).toEqual(['models/a.sql', 'models/b.sql', 'models/dev.sql']);
  });

  it('stays silent with warnUnpinned: false', async () => {
    const into = fresh();
    expect(await fetchGitPackage(spec({ warnUnpinned: false }), into)).toEqual({ dir: into, commit: sha.main });
    expect(await fetchGitPackage(spec({ revision: 'main', warnUnpinned: false }), fresh())).toEqual({
      dir: expect.any(String),
      commit: sha.main,
    });
  });

  it('checks out a full commit sha that no branch or tag names', async () => {
    const into = fresh();
    expect(await fetchGitPackage(spec({ revision: sha.v100 }), into)).toEqual({ dir: into, commit: sha.v100 });
    expect(files(into)).toEqual(['models/a.sql']);
    expect(existsSync(join(into, '.git'))).toBe(false);
  });

  it('checks out a short commit sha and returns the full sha', async () => {
    const into = fresh();
    expect(await fetchGitPackage(spec({ revision: sha.dev.slice(0, 7) }), into)).toEqual({ dir: into, commit: sha.dev });
    expect(files(into)).toEqual(['models/a.sql', 'models/b.sql', 'models/dev.sql']);
    expect(existsSync(join(into, '.git'))).toBe(false);
  });

  it('accepts a folder `into` that does not exist yet', async () => {
    const into = join(fresh(), 'clone');
    expect(await fetchGitPackage(spec({ revision: sha.v110 }), into)).toEqual({ dir: into, commit: sha.v110 });
  });
});

describe('fetchGitPackage: subdirectory', () => {
  it('returns the subdirectory holding the project file', async () => {
    const into = fresh();
    expect(await fetchGitPackage(spec({ revision: '1.0.0', subdirectory: 'integration_tests/' }), into)).toEqual({
      dir: join(into, 'integration_tests'),
      commit: sha.v100,
    });
    expect(readFileSync(join(into, 'integration_tests', 'dbt_project.yml'), 'utf8')).toBe('name: pkg_integration_tests\n');
    expect(existsSync(join(into, '.git'))).toBe(false);
  });

  it('names a missing subdirectory', async () => {
    expect(await failure(spec({ revision: '1.1.0', subdirectory: 'nope' }))).toBe(
      `The subdirectory "nope" is not in the git repository "${url}" at revision "1.1.0".`,
    );
  });

  it.each(['../elsewhere', 'a/../../elsewhere', '/etc'])(
    'rejects the subdirectory %s that leaves the repository, before cloning',
    async (subdirectory) => {
      const into = fresh();
      expect(await failure(spec({ subdirectory }), into)).toBe(
        `The subdirectory "${subdirectory}" of the git package "${url}" must be a relative path inside the repository.`,
      );
      expect(existsSync(join(into, 'models'))).toBe(false);
    },
  );

  it('rejects a subdirectory that is a symbolic link out of the clone', async () => {
    expect(await failure(spec({ revision: '1.1.0', subdirectory: 'outside' }))).toBe(
      `The subdirectory "outside" of the git package "${url}" leads outside the repository (a symbolic link).`,
    );
  });

  it('requires a project file in the package folder', async () => {
    expect(await failure(spec({ subdirectory: 'docs' }))).toBe(
      `The git package "${url}" has no dbt_project.yml or strata_project.yml in its subdirectory "docs" at HEAD (default branch): is it a dbt package?`,
    );
  });
});

describe('fetchGitPackage: errors', () => {
  const known = '(tags: 1.0.0, 1.1.0; branches: dev, main)';

  it.each([['v9'], ['deadbeef'], ['0123456789abcdef0123456789abcdef01234567']])(
    'names the unknown revision %s and lists the tags and branches',
    async (revision) => {
      const into = fresh();
      expect(await failure(spec({ revision }), into)).toBe(
        `The revision "${revision}" is not a tag, branch or commit of the git repository "${url}" ${known}.`,
      );
      expect(existsSync(join(into, '.git'))).toBe(false);
    },
  );

  it.each([[undefined], ['1.0.0'], ['a'.repeat(40)]])('names a repository that does not exist (revision %s)', async (revision) => {
    const missing = join(root, 'missing.git');
    expect(await failure({ ...spec(), git: pathToFileURL(missing).href, ...(revision ? { revision } : {}) })).toBe(
      `Cannot fetch the git repository "${pathToFileURL(missing).href}": '${missing}' does not appear to be a git repository.`,
    );
  });

  it('names an empty repository', async () => {
    const empty = pathToFileURL(join(root, 'empty.git')).href;
    expect(await failure({ ...spec(), git: empty })).toBe(`The git repository "${empty}" has no commits.`);
  });

  it('says when git is not installed', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(root, 'no-git-here');
    try {
      expect(await failure(spec())).toBe(`git is not installed (or not on PATH): install it to fetch the git package "${url}".`);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('secrets in git URLs', () => {
  it.each([
    ['https://user:s3cr3tT0k@github.com/org/repo.git', 'https://***@github.com/org/repo.git'],
    ['https://s3cr3tT0k@github.com/org/repo.git', 'https://***@github.com/org/repo.git'],
    ['https://x-access-token:p@ss@host:8443/r.git', 'https://***@host:8443/r.git'],
    ['ssh://git@github.com/org/repo.git', 'ssh://***@github.com/org/repo.git'],
    ['git@github.com:org/repo.git', 'git@github.com:org/repo.git'],
    ['https://github.com/org/repo.git', 'https://github.com/org/repo.git'],
    ["fatal: unable to access 'https://u:tok@h/r/': refused", "fatal: unable to access 'https://***@h/r/': refused"],
  ])('redactUrl(%s) is %s', (input, output) => {
    expect(redactUrl(input)).toBe(output);
  });

  it('never shows the token of an unreachable http URL', async () => {
    for (const revision of [undefined, '1.0.0']) {
      const message = await failure({
        ...spec(),
        git: 'http://user:s3cr3tT0k@127.0.0.1:9/org/repo.git',
        ...(revision ? { revision } : {}),
      });
      expect(message).toMatch(/^Cannot fetch the git repository "http:\/\/\*\*\*@127\.0\.0\.1:9\/org\/repo\.git": ./);
      expect(message).not.toContain('s3cr3t');
    }
  });

  it('never shows the token of a reachable URL, in warnings and errors', async () => {
    const secretUrl = url.replace('file://', 'file://user:s3cr3tT0k@');
    const shown = url.replace('file://', 'file://***@');
    const into = fresh();
    expect(await fetchGitPackage({ ...spec(), git: secretUrl }, into)).toEqual({
      dir: into,
      commit: sha.main,
      warning: `The git package "${shown}" is not pinned, using HEAD (default branch). ${pinAdvice}`,
    });
    expect(await failure({ ...spec(), git: secretUrl, revision: 'v9' })).toBe(
      `The revision "v9" is not a tag, branch or commit of the git repository "${shown}" (tags: 1.0.0, 1.1.0; branches: dev, main).`,
    );
  });

  it.skipIf(process.platform === 'win32')("hides the token where git's own message echoes it, encoded or not", async () => {
    // A stand-in git that fails, echoing its arguments and the decoded token.
    const bin = join(root, 'echo-git');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'git'), '#!/bin/sh\necho "fatal: token s3cr3t/T0k rejected: $*" >&2\nexit 128\n');
    chmodSync(join(bin, 'git'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      const into = fresh();
      const message = await failure({ ...spec(), git: 'https://user:s3cr3t%2FT0k@example.invalid/org/repo.git' }, into);
      expect(message).toBe(
        `Cannot fetch the git repository "https://***@example.invalid/org/repo.git": token *** rejected: clone -q --depth 1 -- https://***@example.invalid/org/repo.git ${into}.`,
      );
      expect(message).not.toContain('s3cr3t');
    } finally {
      process.env.PATH = path;
    }
  });
});
