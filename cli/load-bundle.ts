import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
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
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as typeof RunCli };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  return {
    runCli: module.exports.runCli,
    saveCodeCache: () => {
      if (!cacheFile || (cachedData && !script.cachedDataRejected)) return;
      try {
        // Written after the command ran, so the cache holds every function it compiled; renamed
        // into place, so a concurrent start never reads half a file.
        mkdirSync(dirname(cacheFile), { recursive: true });
        const partial = `${cacheFile}.${process.pid}`;
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, cacheFile);
      } catch {
        // Without a cache the next start compiles the code again: slower, never wrong.
      }
    },
  };
}

function codeCacheFile(file: string): string {
  const stat = statSync(file);
  const key = createHash('sha1').update(JSON.stringify([file, stat.size, stat.mtimeMs, process.version, process.arch])).digest('hex').slice(0, 16);
  return join(tmpdir(), `strata-code-cache-${process.getuid?.() ?? 'user'}`, `${key}.bin`);
}
