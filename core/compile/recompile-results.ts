import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { artifactMetadata, RUN_RESULTS_SCHEMA } from '../artifacts/run-results.js';
import { currentInvocation } from '../template/invocation.js';

interface CompileResult {
  unique_id: string;
  timing: { name: string; started_at: string; completed_at: string }[];
  compiled_code: string | null;
  [key: string]: unknown;
}

/**
 * run_results.json after a re-compile (recompile.ts), which compiles only the models that changed:
 * the last full compile's results, for the same selection, with this invocation's metadata, fresh
 * timings, and the SQL of the re-compiled models read back from their compiled files. False when
 * the file is not that compile's (another command wrote it since): the caller compiles in full.
 */
export function refreshCompileRunResults(
  targetPath: string,
  args: { select: readonly string[]; exclude: readonly string[] },
  patched: readonly string[],
): boolean {
  const file = join(targetPath, 'run_results.json');
  let artifact: { results: CompileResult[]; args: Record<string, unknown>; elapsed_time: number };
  try {
    artifact = JSON.parse(readFileSync(file, 'utf8')) as typeof artifact;
  } catch {
    return false;
  }
  const same = (a: unknown, b: readonly string[]) => JSON.stringify(a ?? []) === JSON.stringify(b);
  if (artifact.args.which !== 'compile' || !same(artifact.args.select, args.select) || !same(artifact.args.exclude, args.exclude))
    return false;
  const invocation = currentInvocation();
  const now = new Date().toISOString();
  // A changed model file's compiled file: target/compiled/<package>/<path of the model>.
  const patchedByName = new Map(patched.map((path) => [basename(path, '.sql'), path]));
  const results = artifact.results.map((r) => {
    const [, pkg, name] = r.unique_id.split('.');
    const path = name !== undefined ? patchedByName.get(name) : undefined;
    let compiled = r.compiled_code;
    if (path && pkg && r.unique_id.startsWith('model.')) {
      try {
        const text = readFileSync(join(targetPath, 'compiled', pkg, path), 'utf8');
        // The file ends in a newline the compiled SQL may not have (artifactText).
        compiled = text.endsWith('\n') && !(r.compiled_code ?? '').endsWith('\n') ? text.slice(0, -1) : text;
      } catch {
        // Not compiled by this selection: the result keeps what it had.
      }
    }
    return {
      ...r,
      timing: r.timing.map((t) => ({ ...t, started_at: now, completed_at: now })),
      execution_time: 0,
      compiled_code: compiled,
    };
  });
  const refreshed = {
    ...artifact,
    metadata: artifactMetadata(RUN_RESULTS_SCHEMA, invocation),
    results,
    elapsed_time: (Date.now() - invocation.startedAt.getTime()) / 1000,
  };
  writeFileSync(file, `${JSON.stringify(refreshed, null, 2)}\n`);
  return true;
}
