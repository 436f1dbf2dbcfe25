import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';

/** Waits before the 2nd, 3rd and 4th try of a request that failed in a way that may pass. */
const RETRY_DELAYS_MS = [200, 500, 1000];
/** A download that sends nothing for this long has stalled. */
const IDLE_TIMEOUT_MS = 30_000;
/** Project files that make a folder a package, as `packageName` reads them. */
const PROJECT_FILES = ['dbt_project.yml', 'strata_project.yml'];

/** A failure worth another try: the network, a dropped connection, or a server error (5xx). */
class TransientFailure extends Error {}

/** `url` fit to print: no `user:password@`, no value of a query parameter that looks like a secret. */
export function printableUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/?#\s]*@/, '//');
  }
  parsed.username = '';
  parsed.password = '';
  for (const key of [...parsed.searchParams.keys()]) {
    if (/token|key|secret|password|passwd|auth|sig|credential/i.test(key)) parsed.searchParams.set(key, '***');
  }
  return parsed.toString().replaceAll('%2A%2A%2A', '***');
}

/** Whether `url` is an absolute http(s) URL, all that fetch downloads. */
export function isHttpUrl(url: string): boolean {
  return URL.canParse(url) && ['http:', 'https:'].includes(new URL(url).protocol);
}

/** Whether fetch failed before an answer (refused, unknown host, reset): undici's `TypeError('fetch failed')`. */
export function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError && err.message === 'fetch failed';
}

/** The reason inside a fetch error ("connect ECONNREFUSED 127.0.0.1:9"), not undici's bare "fetch failed". */
export function networkReason(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { message?: unknown } | undefined) : undefined;
  if (typeof cause?.message === 'string' && cause.message !== '') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * GET `url`, tried again after network errors and 5xx answers (the last answer is returned;
 * the last network error is thrown). `user:password@` in the URL is sent as Basic authorization.
 */
export async function httpGet(url: string, signal?: AbortSignal): Promise<Response> {
  for (let i = 0; ; i++) {
    const delay = RETRY_DELAYS_MS[i];
    try {
      const response = await send(url, signal);
      if (response.status < 500 || delay === undefined) return response;
      await response.body?.cancel();
    } catch (err) {
      if (!isNetworkError(err) || delay === undefined) throw err;
    }
    await sleep(delay);
  }
}

/** Runs `attempt` again while it throws a {@link TransientFailure}, a few times at most. */
async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      const delay = RETRY_DELAYS_MS[i];
      if (!(err instanceof TransientFailure) || delay === undefined) throw err;
      await sleep(delay);
    }
  }
}

/** One fetch, with credentials moved from the URL into a header. */
async function send(url: string, signal?: AbortSignal): Promise<Response> {
  const parsed = new URL(url);
  const headers: Record<string, string> = {};
  if (parsed.username !== '' || parsed.password !== '') {
    const user = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  return fetch(parsed, { headers, redirect: 'follow', ...(signal ? { signal } : {}) });
}

/** A user error about a download. */
function failure(message: string): StrataUserError {
  return new StrataUserError([diagnostic('invalid-dependency', message)]);
}

/**
 * Streams `url` into `file` (in a folder the caller owns), retrying network errors and 5xx, and
 * checks the sha1 when one is given. A server that stops sending for `idleTimeoutMs` fails the download.
 */
export async function downloadFile(
  url: string,
  file: string,
  expectedSha1?: string,
  options: { idleTimeoutMs?: number } = {},
): Promise<void> {
  const shown = printableUrl(url);
  if (!isHttpUrl(url)) throw failure(`Could not download '${shown}': it is not an http:// or https:// URL.`);
  const idleMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const sha1 = await withRetries(async () => {
    const controller = new AbortController();
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => ((stalled = true), controller.abort()), idleMs);
    };
    alive();
    try {
      const response = await send(url, controller.signal);
      if (response.status >= 500) throw new TransientFailure(`HTTP ${response.status} ${response.statusText}`);
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw failure(
          `Could not download ${shown}: the server answered HTTP ${response.status} ${response.statusText}${response.status === 401 || response.status === 403 ? ' (check the credentials the URL needs)' : ''}.`,
        );
      }
      const hash = createHash('sha1');
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          alive();
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(file));
      return hash.digest('hex');
    } catch (err) {
      if (stalled) throw failure(`Downloading ${shown} stalled: nothing arrived for ${idleMs / 1000} s. Try again later.`);
      if (err instanceof StrataUserError || err instanceof TransientFailure) throw err;
      // undici's TypeError: "fetch failed" before an answer, "terminated" when the body is cut off.
      if (err instanceof TypeError) throw new TransientFailure(networkReason(err), { cause: err });
      if (err instanceof Error && 'syscall' in err) throw failure(`Could not save the download of ${shown} to ${file}: ${err.message}.`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }).catch((err: unknown) => {
    if (err instanceof TransientFailure) throw failure(`Could not download ${shown}: ${err.message}.`);
    throw err;
  });
  if (expectedSha1 !== undefined && sha1 !== expectedSha1.toLowerCase()) {
    rmSync(file, { force: true });
    throw failure(
      `The file downloaded from ${shown} does not match its published checksum: expected sha1 ${expectedSha1}, got ${sha1}. It may be corrupt or tampered with; try again, or tell the package's maintainers.`,
    );
  }
}

/** An archive path as tar writes it: without a root (`/`, `C:/`), `./` or a trailing slash. */
function clean(path: string): string {
  return posix
    .normalize(path.replaceAll('\\', '/').replace(/^([a-z]:)?\/+/i, ''))
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
}

/**
 * The folder inside the archive that holds the project file: its root, or its single top-level
 * folder (GitHub's `dbt-utils-1.1.1/`). Undefined when neither does.
 */
function packageRoot(paths: readonly string[]): string | undefined {
  const set = new Set(paths);
  if (PROJECT_FILES.some((f) => set.has(f))) return '';
  const tops = new Set(paths.map((p) => p.split('/')[0]).filter((p) => p !== undefined && p !== '' && p !== '.'));
  const [top] = tops;
  if (tops.size === 1 && top !== undefined && PROJECT_FILES.some((f) => set.has(`${top}/${f}`))) return top;
  return undefined;
}

/** Whether an archive path lies inside the package folder `root` ('' for the archive's root). */
function inside(path: string, root: string): boolean {
  if (path === '.') path = '';
  if (path === '..' || path.startsWith('../') || posix.isAbsolute(path)) return false;
  return root === '' || path === root || path.startsWith(`${root}/`);
}

/** Reads an archive (warnings about its format are errors). */
async function listEntries(file: string, label: string): Promise<string[]> {
  const paths: string[] = [];
  const bad = (reason: string) => failure(`${label} is not a readable .tar.gz archive (${reason}).`);
  let problem: string | undefined;
  try {
    await tar.t({
      file,
      // As tar extracts them: entries with `..` are dropped, absolute ones lose their root.
      onReadEntry: (entry) => {
        const path = entry.path.replaceAll('\\', '/');
        if (!path.split('/').includes('..')) paths.push(clean(path));
      },
      onwarn: (code, message) => {
        if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT') problem ??= message;
      },
    });
  } catch (err) {
    throw bad(err instanceof Error ? err.message : String(err));
  }
  if (problem !== undefined) throw bad(problem);
  return paths;
}

/**
 * Unpacks the .tar.gz `file` into the folder `into` and returns the folder holding the package's
 * project file. Nothing lands outside `into` (tar drops `..` and absolute paths), and links whose
 * target is outside the package are skipped, so a package cannot reach files beyond itself.
 * `label` names the archive in messages (its URL, say).
 */
export async function unpackTarball(file: string, into: string, label = 'The downloaded package archive'): Promise<string> {
  const root = packageRoot(await listEntries(file, label));
  if (root === undefined)
    throw failure(
      `${label} holds no dbt_project.yml or strata_project.yml, at its top or in a single top-level folder, so it is not a dbt package.`,
    );
  mkdirSync(into, { recursive: true });
  await tar.x({
    file,
    cwd: into,
    // Files belong to whoever runs deps, even root, not to the uid the archive names.
    preserveOwner: false,
    // Plain files and folders, and links that stay in the package; no devices or FIFOs.
    filter: (path, entry) => {
      if (!('type' in entry)) return false;
      const here = clean(path);
      if (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile' || entry.type === 'Directory') return true;
      const target = entry.linkpath === undefined ? undefined : entry.linkpath.replaceAll('\\', '/');
      if (target === undefined || posix.isAbsolute(target)) return false;
      // A symlink's target is relative to its own folder; a hard link's to the archive's root.
      if (entry.type === 'SymbolicLink') return inside(posix.normalize(posix.join(posix.dirname(here), target)), root);
      if (entry.type === 'Link') return inside(posix.normalize(target), root);
      return false;
    },
  });
  const dir = root === '' ? into : join(into, root);
  if (!PROJECT_FILES.some((f) => existsSync(join(dir, f)) && statSync(join(dir, f)).isFile())) {
    throw failure(`${label} holds no dbt_project.yml or strata_project.yml that could be unpacked, so it is not a dbt package.`);
  }
  return dir;
}
