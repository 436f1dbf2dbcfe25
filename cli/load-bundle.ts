import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import type * as RunCli from './run-cli.js';

/**
 * Loads the bundled CLI (build.mjs) with V8's code cache. Compiling the CLI's code at every start
 * is a fixed cost of 40–60 ms per command (a quarter of a small compile); Node 20 caches nothing
 * between runs, so the bundle is run as a script whose compiled code V8 hands back after the
 * first run and takes again on the next ones. The cache lives in the temp folder, one file per
 * bundle (path, size, mtime) and Node version; V8 refuses a cache that does not fit, and then the
 * code is compiled as usual and the cache written anew. `STRATA_NO_CODE_CACHE=1` turns it off.
 * The folder must be private to the user (see {@link codeCacheDir}).
 */
export function loadBundle(file: string): { runCli: typeof RunCli.runCli; saveCodeCache: () => void } {
  const source = readFileSync(file, 'utf8');
  const useCache = process.env.STRATA_NO_CODE_CACHE !== '1';
  const cacheFile = useCache ? codeCacheFile(file) : undefined;
  let cachedData: Buffer | undefined;
  try {
    cachedData = cacheFile ? readFileSync(cacheFile) : undefined;
  } catch {
    cachedData = undefined; // first run: no cache yet
  }
  // The CommonJS wrapper, as Node's own loader builds it.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as typeof RunCli };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  return {
    runCli: module.exports.runCli,
    saveCodeCache: () => {
      if (!cacheFile || (cachedData && !script.cachedDataRejected)) return;
      try {
        // Written after the command ran, so the cache holds every function it compiled; renamed
        // into place, so a concurrent start never reads half a file.
        const partial = `${cacheFile}.${process.pid}`;
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, cacheFile);
      } catch {
        // Without a cache the next start compiles the code again: slower, never wrong.
      }
    },
  };
}

function codeCacheFile(file: string): string | undefined {
  const dir = codeCacheDir(tmpdir());
  if (!dir) return undefined;
  const stat = statSync(file);
  const key = createHash('sha1')
    .update(JSON.stringify([file, stat.size, stat.mtimeMs, process.version, process.arch]))
    .digest('hex')
    .slice(0, 16);
  return join(dir, `${key}.bin`);
}

/**
 * The code cache folder in `parent` (the temp folder), made on first use readable by this user
 * only. V8 runs the compiled code a cache file holds, and the temp folder is shared: a folder of
 * that name that is a link, belongs to someone else or that others may write to could hold their
 * code, so it is not used (the CLI then starts without a cache: slower, never wrong).
 */
export function codeCacheDir(parent: string): string | undefined {
  const uid = process.getuid?.();
  const dir = join(parent, `strata-code-cache-${uid ?? 'user'}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return undefined; // a link (to anywhere) or a file
    if (process.platform === 'win32') return dir; // no owners or mode bits to check there
    if (stat.uid !== uid || (stat.mode & 0o022) !== 0) return undefined;
    // Ours and closed to writers, but made readable by an older Strata: close it for reading too.
    if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
    return dir;
  } catch {
    return undefined;
  }
}
