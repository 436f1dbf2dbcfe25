import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envName } from '../commands/flag-env.js';

/** The file defining envSetting/envBoolean, whose own calls pass a variable. */
const HELPERS = join('cli', 'commands', 'flag-env.ts');

/**
 * Which flags' environment variables the code reads, found in the code itself so the reference
 * cannot drift from it: a call `envSetting(env, 'log-format')` or `envBoolean(env, 'log-format')`
 * (flag-env.ts: STRATA_LOG_FORMAT, then DBT_LOG_FORMAT), or a direct read `env.DBT_PROFILES_DIR` /
 * `env['DBT_PROFILES_DIR']`. Returns a lookup from a long flag to the variables, STRATA_ first.
 */
export function envVariablesBySource(roots: readonly string[], alsoRead: Iterable<string> = []): (flag: string) => readonly string[] {
  const viaHelper = new Set<string>();
  const direct = new Set<string>(alsoRead);
  const unnamed: string[] = [];
  for (const file of roots.flatMap(typeScriptFiles)) {
    if (file.endsWith(HELPERS)) continue;
    const text = withoutComments(readFileSync(file, 'utf8'));
    for (const match of text.matchAll(/\benv(?:Setting|Boolean)\(([^)]*)\)/g)) {
      const flag = /^\s*[\w.]+\s*,\s*(['"`])(-*[a-z0-9-]+)\1\s*$/.exec(match[1] as string)?.[2];
      const flags = flag ? [flag] : forwardedFlags(text, match.index);
      for (const f of flags) viaHelper.add(envName(f));
      if (!flags.length) unnamed.push(`${file}:${text.slice(0, match.index).split('\n').length}`);
    }
    for (const match of text.matchAll(/\benv(?:\.|\[\s*['"`])((?:STRATA|DBT)_[A-Z0-9_]+)\b/g)) direct.add(match[1] as string);
  }
  // A flag passed as a variable would be read but not documented: refuse rather than drift.
  if (unnamed.length)
    throw new Error(`The CLI reference cannot tell which flag these read: write the flag name as a string literal.\n${unnamed.join('\n')}`);
  return (flag) => {
    const name = envName(flag);
    if (viaHelper.has(name)) return [`STRATA_${name}`, `DBT_${name}`];
    return [`STRATA_${name}`, `DBT_${name}`].filter((variable) => direct.has(variable));
  };
}

/**
 * The flags a local wrapper forwards to envSetting/envBoolean (`const setting = (value, flag) =>
 * value ?? envSetting(env, flag)`): the string literals its callers in the same file pass it.
 */
function forwardedFlags(text: string, callAt: number): string[] {
  const wrappers = [...text.slice(0, callAt).matchAll(/\b(?:(?:const|let)\s+(\w+)\s*=\s*(?:async\s*)?(?:\(|\w+\s*=>)|function\s+(\w+))/g)];
  const last = wrappers.at(-1);
  const wrapper = last?.[1] ?? last?.[2];
  if (!wrapper) return [];
  const calls = text.matchAll(new RegExp(`\\b${wrapper}\\(([^()]*(?:\\([^()]*\\)[^()]*)*)\\)`, 'g'));
  return [...calls].flatMap((call) => [...(call[1] as string).matchAll(/(['"`])(-*[a-z][a-z0-9-]*)\1/g)].map((m) => m[2] as string));
}

/** The code without its comments (line breaks kept, so line numbers stay right). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
}

/** Every .ts file under `dir` (recursively), tests and declarations excluded. */
function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * An environment that records the names read from it: the program is built with it, so a flag
 * whose default comes from the environment at definition time is found too.
 */
export function recordingEnv(): { env: NodeJS.ProcessEnv; read: Set<string> } {
  const read = new Set<string>();
  const env = new Proxy<NodeJS.ProcessEnv>(
    {},
    {
      get: (target, key) => {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    },
  );
  return { env, read };
}
