import { execFile } from 'node:child_process';
import { mkdir, realpath, rm, stat } from 'node:fs/promises';
import { join, posix, relative, isAbsolute } from 'node:path';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import type { GitSpec } from '../project/package-types.js';

/**
 * Git packages, fetched with the system `git` as dbt does (dbt/clients/git.py): a shallow
 * clone of the revision, its commit recorded for the lock file, and the history dropped so
 * the installed package is plain files.
 */

const PROJECT_FILES = ['dbt_project.yml', 'strata_project.yml'];
const FULL_SHA = /^[0-9a-f]{40}$/i;
const SHORT_SHA = /^[0-9a-f]{4,39}$/i;
/** How many tags and branches an unknown-revision message suggests. */
const SUGGESTIONS = 10;

/** Hides the userinfo of `scheme://user:token@host/...` URLs (anywhere in `text`): it may hold a secret. */
export function redactUrl(url: string): string {
  // Greedy up to the last `@` before the path, so an unencoded `@` in a token is hidden too.
  return url.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/gi, '$1***@');
}

/** The package fetched from `spec.git` into `into` (an empty folder); see {@link GitSpec}. */
export interface FetchedGit {
  /** `into`, or `into/<subdirectory>`: the folder holding the project file. */
  dir: string;
  /** Full sha of the commit checked out, what the lock file records. */
  commit: string;
  /** dbt's warning when the package follows a branch (`warn-unpinned`). */
  warning?: string;
}

/** Clones `spec.git` at `spec.revision` (tag, branch, commit sha, or the default branch) into `into`. */
export async function fetchGitPackage(spec: GitSpec, into: string): Promise<FetchedGit> {
  const url = redactUrl(spec.git);
  const fail = (message: string) => new StrataUserError([diagnostic('invalid-dependency', message, spec.at)]);
  const subdirectory = checkSubdirectory(spec.subdirectory, () =>
    fail(`The subdirectory "${spec.subdirectory}" of the git package "${url}" must be a relative path inside the repository.`),
  );
  const revision = spec.revision === undefined || spec.revision === '' ? 'HEAD' : spec.revision;
  const at = revision === 'HEAD' ? 'HEAD (default branch)' : `revision "${revision}"`;

  let commit: string;
  try {
    if (revision === 'HEAD') await git(['clone', '-q', '--depth', '1', '--', spec.git, into]);
    else await checkoutRevision(spec.git, into, revision, (known) => fail(unknownRevision(url, revision, known)));
    commit = await headCommit(into, () => fail(`The git repository "${url}" has no commits.`));
  } catch (err) {
    if (!(err instanceof GitFailure)) throw err;
    if (err.notInstalled) throw fail(`git is not installed (or not on PATH): install it to fetch the git package "${url}".`);
    throw fail(`Cannot fetch the git repository "${url}": ${reason(err, spec.git)}.`);
  } finally {
    // The clone's config holds the URL (and any token in it); the package needs no history.
    await rm(join(into, '.git'), { recursive: true, force: true });
  }

  const dir = subdirectory === undefined ? into : join(into, subdirectory);
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw fail(`The subdirectory "${subdirectory}" is not in the git repository "${url}" at ${at}.`);
  const inside = relative(await realpath(into), await realpath(dir));
  if (inside.startsWith('..') || isAbsolute(inside))
    throw fail(`The subdirectory "${subdirectory}" of the git package "${url}" leads outside the repository (a symbolic link).`);
  if (!(await hasProjectFile(dir))) {
    const where = subdirectory === undefined ? 'at its root' : `in its subdirectory "${subdirectory}"`;
    throw fail(`The git package "${url}" has no ${PROJECT_FILES.join(' or ')} ${where} at ${at}: is it a dbt package?`);
  }
  const warning = spec.warnUnpinned ? unpinnedWarning(url, revision) : undefined;
  return warning === undefined ? { dir, commit } : { dir, commit, warning };
}

/** dbt's `unpinned_msg`: only a missing revision, `HEAD`, `main` and `master` count as unpinned. */
function unpinnedWarning(url: string, revision: string): string | undefined {
  const what =
    revision === 'HEAD'
      ? 'not pinned, using HEAD (default branch)'
      : revision === 'main' || revision === 'master'
        ? `pinned to the "${revision}" branch`
        : undefined;
  if (what === undefined) return undefined;
  return `The git package "${url}" is ${what}. This can introduce breaking changes into your project without warning: set its \`revision:\` to a tag or a commit sha.`;
}

/** The normalised subdirectory (undefined for the repository root); `bad()` when it leaves the clone. */
function checkSubdirectory(subdirectory: string | undefined, bad: () => Error): string | undefined {
  if (subdirectory === undefined || subdirectory === '') return undefined;
  const path = posix.normalize(subdirectory.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (posix.isAbsolute(path) || /^[a-z]:/i.test(path) || path === '..' || path.startsWith('../')) throw bad();
  return path === '.' ? undefined : path;
}

/**
 * Checks out a named revision. A full sha is a commit (as dbt assumes): fetch just it. Any
 * other name is tried as a tag or branch (a shallow clone, `--branch` takes both); when that
 * fails, the remote's refs tell an unreachable repository (its error propagates) from a
 * short sha or an unknown name (`unknown` builds that error from the refs).
 */
async function checkoutRevision(url: string, into: string, revision: string, unknown: (refs: Refs) => Error): Promise<void> {
  let cloneFailure: GitFailure | undefined;
  if (FULL_SHA.test(revision)) {
    if (await fetchCommit(url, into, revision)) return;
  } else {
    try {
      await git(['clone', '-q', '--depth', '1', '--branch', revision, '--', url, into]);
      return;
    } catch (err) {
      if (!(err instanceof GitFailure) || err.notInstalled) throw err;
      cloneFailure = err;
    }
  }
  const refs = await listRefs(url);
  if (cloneFailure && (refs.branches.includes(revision) || refs.tags.includes(revision))) throw cloneFailure;
  if (!FULL_SHA.test(revision) && !SHORT_SHA.test(revision)) throw unknown(refs);
  // A short sha (or a server refusing to send a commit by sha): the full history, then look it up.
  await emptyFolder(into);
  await git(['clone', '-q', '--no-checkout', '--', url, into]);
  const commit = await git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], into).catch((err: unknown) => {
    if (err instanceof GitFailure) throw unknown(refs);
    throw err;
  });
  await git(['-c', 'advice.detachedHead=false', 'checkout', '-q', '--detach', commit.trim()], into);
}

/** Fetches just one commit by full sha (most servers allow it); false when the server refuses. */
async function fetchCommit(url: string, into: string, sha: string): Promise<boolean> {
  try {
    await git(['init', '-q', into]);
    await git(['fetch', '-q', '--depth', '1', '--', url, sha], into);
    await git(['-c', 'advice.detachedHead=false', 'checkout', '-q', '--detach', 'FETCH_HEAD'], into);
    return true;
  } catch (err) {
    if (!(err instanceof GitFailure)) throw err;
    await emptyFolder(into);
    return false;
  }
}

/** The commit checked out in `dir`; `empty()` when there is none (an empty repository). */
async function headCommit(dir: string, empty: () => Error): Promise<string> {
  try {
    return (await git(['rev-parse', '--verify', 'HEAD^{commit}'], dir)).trim();
  } catch (err) {
    if (err instanceof GitFailure) throw empty();
    throw err;
  }
}

/** Branch and tag names of a remote repository. */
interface Refs {
  branches: string[];
  tags: string[];
}

async function listRefs(url: string): Promise<Refs> {
  const out = await git(['ls-remote', '--heads', '--tags', '--', url]);
  const refs: Refs = { branches: [], tags: [] };
  for (const line of out.split('\n')) {
    const ref = line.split('\t')[1];
    if (ref === undefined || ref.endsWith('^{}')) continue; // `^{}`: the commit an annotated tag points to.
    if (ref.startsWith('refs/heads/')) refs.branches.push(ref.slice('refs/heads/'.length));
    else if (ref.startsWith('refs/tags/')) refs.tags.push(ref.slice('refs/tags/'.length));
  }
  const byVersion = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  refs.branches.sort(byVersion);
  refs.tags.sort(byVersion);
  return refs;
}

function unknownRevision(url: string, revision: string, refs: Refs): string {
  // The newest tags (last in version order) are the likeliest pins.
  const tags = refs.tags.length > SUGGESTIONS ? ['…', ...refs.tags.slice(-SUGGESTIONS)] : refs.tags;
  const branches = refs.branches.length > SUGGESTIONS ? [...refs.branches.slice(0, SUGGESTIONS), '…'] : refs.branches;
  const known = [
    tags.length > 0 ? `tags: ${tags.join(', ')}` : 'no tags',
    branches.length > 0 ? `branches: ${branches.join(', ')}` : 'no branches',
  ];
  return `The revision "${revision}" is not a tag, branch or commit of the git repository "${url}" (${known.join('; ')}).`;
}

async function hasProjectFile(dir: string): Promise<boolean> {
  for (const file of PROJECT_FILES) {
    if (
      await stat(join(dir, file)).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return true;
  }
  return false;
}

/** Empties `dir` (and makes sure it exists) after a failed attempt, for the next one. */
async function emptyFolder(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

/** git's own explanation, one line, with any secret of `url` hidden. */
function reason(failure: GitFailure, url: string): string {
  const lines = failure.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const line = lines.find((l) => l.startsWith('fatal:')) ?? lines.at(-1) ?? 'git failed';
  let text = line.replace(/^(fatal|error):\s*/, '').replace(/\.$/, '');
  for (const secret of secretsOf(url)) text = text.split(secret).join('***');
  text = redactUrl(text);
  const auth = /terminal prompts disabled|could not read (username|password)|authentication failed|permission denied|repository not found/i;
  return auth.test(text) ? `${text} (check that your git credentials, an ssh key or a credential helper, give access to it)` : text;
}

/** The token or password in a URL's userinfo, as written and decoded, for hiding it in git's messages. */
function secretsOf(url: string): string[] {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)@/i.exec(url)?.[1];
  if (userinfo === undefined) return [];
  const colon = userinfo.indexOf(':');
  const secret = colon < 0 ? userinfo : userinfo.slice(colon + 1);
  let decoded = secret;
  try {
    decoded = decodeURIComponent(secret);
  } catch {
    // Not percent-encoded: the raw form is all there is.
  }
  // Very short strings would blot out ordinary words of the message; tokens are long.
  return [userinfo, secret, decoded].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

/** A git command that failed; the caller picks the message (its stderr may hold the URL). */
class GitFailure extends Error {
  constructor(
    readonly stderr: string,
    readonly notInstalled: boolean,
  ) {
    super('git failed'); // Never the command line: it holds the URL.
  }
}

/** Variables that would point git at another repository (as inside a git hook). */
const FOREIGN_REPO_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
];

/** Runs git (no shell) and returns its stdout. The user's credentials and config apply; prompts do not, so a missing credential fails instead of hanging. */
function git(args: string[], cwd?: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  for (const name of FOREIGN_REPO_VARS) delete env[name];
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (err === null) return resolve(stdout);
      const notInstalled = (err as NodeJS.ErrnoException).code === 'ENOENT' && stderr === '';
      reject(new GitFailure(stderr || `git exited with ${err.signal ?? `code ${String(err.code)}`}`, notInstalled));
    });
  });
}
