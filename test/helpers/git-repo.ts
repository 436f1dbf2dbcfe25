import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** git with a fixed identity and no user or system config, so tests work on a clean CI machine. */
export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Strata Test',
  GIT_AUTHOR_EMAIL: 'test@strata.invalid',
  GIT_COMMITTER_NAME: 'Strata Test',
  GIT_COMMITTER_EMAIL: 'test@strata.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Runs git in `cwd` with {@link GIT_ENV}; its output, trimmed. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: 'pipe',
  }).trim();
}

/** A bare repository (served as a file:// URL) with one commit of `files`, tagged `tag` when given; its URL and commit. */
export function gitRepo(files: Record<string, string>, tag?: string): { url: string; commit: string; bare: string } {
  const root = mkdtempSync(join(tmpdir(), 'strata-git-repo-'));
  const bare = join(root, 'repo.git');
  git(root, 'init', '-q', '--bare', '--initial-branch=main', bare);
  const work = join(root, 'work');
  git(root, 'clone', '-q', pathToFileURL(bare).href, work);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'package');
  if (tag) git(work, 'tag', tag);
  git(work, 'push', '-q', 'origin', 'HEAD', ...(tag ? [tag] : []));
  return { url: pathToFileURL(bare).href, commit: git(work, 'rev-parse', 'HEAD'), bare };
}
