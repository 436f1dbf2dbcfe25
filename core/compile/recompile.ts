import { closeSync, openSync, readSync, statSync, writeFileSync, writeSync, mkdirSync, fstatSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { SqlDialect } from '../adapter/dialect.js';
import { manifestMetadata } from '../artifacts/manifest.js';
import { newInvocation } from '../artifacts/run-results.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sameEnv } from '../project/env-digest.js';
import { toPosix } from '../project/files.js';
import {
  compileStateFiles,
  racy,
  readCompileState,
  type CompileState,
  type CompileStatePatch,
  type FileSignature,
} from './compile-state.js';
import { listInputs, signatureOf, strataFingerprint } from './input-files.js';
import type { Replacement } from './patch-models.js';

/** A re-compile request: the project, the command line as a key, the environment. */
export interface RecompileRequest {
  projectDir: string;
  args: string;
  env: NodeJS.ProcessEnv;
  /** The dialect of an adapter type, loaded only when a node has to be compiled. */
  dialect: (adapter: string) => Promise<SqlDialect | undefined>;
  /** `--select` etc. in the manifest's invocation args. */
  invocationArgs: Record<string, unknown>;
}

/** What a successful re-compile did. */
export interface RecompileResult {
  root: string;
  targetPath: string;
  compiledCount: number;
  warnings: Diagnostic[];
  /** Nodes whose SQL was compiled again. */
  patched: string[];
}

/**
 * `strata compile` without compiling everything. The last full compile left its state (inputs,
 * env vars read, where each node's manifest entry is). When nothing changed, only the manifest's
 * metadata is renewed; when only model files changed, and each change leaves the file's refs,
 * sources, config() and macro calls as they were (so no other node, the graph or any config can
 * differ), those models are compiled again and their compiled files and manifest entries
 * replaced. Anything else, or any doubt, returns undefined and the caller compiles in full.
 */
export async function recompile(request: RecompileRequest): Promise<RecompileResult | undefined> {
  const startedAt = Date.now();
  const root = request.projectDir;
  const saved = readCompileState(root);
  if (!saved) return undefined;
  const { state, patch } = saved;
  if (state.args !== request.args || state.project.root !== root || state.fingerprint !== strataFingerprint()) return undefined;
  if (!sameEnv(state.envSalt, state.env, request.env)) return undefined;
  if (Object.entries(state.outside).some(([file, sig]) => !sameFile(file, sig))) return undefined;
  const manifestFile = join(state.project.targetPath, 'manifest.json');
  if (!sameStat(manifestFile, patch.manifest)) return undefined;
  const changed = changedInputs(root, state, patch);
  if (!changed) return undefined;
  // Compiled files are outputs: one edited, replaced or deleted since is put back by a full compile.
  if (!outputsAsWritten(state, patch)) return undefined;

  const fd = openSync(manifestFile, 'r+');
  try {
    const metadata = manifestMetadata(
      state.project.name,
      state.project.adapter,
      newInvocation({ which: 'compile', ...request.invocationArgs }),
      request.env,
    );
    const replacements: Replacement[] = [[...shifted(state.manifest.metadata, patch.edits), JSON.stringify(metadata)]];
    let compiledFiles: [string, string][] = [];
    if (changed.length) {
      const [{ patchModels }, dialect] = await Promise.all([import('./patch-models.js'), request.dialect(state.project.adapter)]);
      const patched =
        dialect && patchModels({ state, changed, dialect, env: request.env, read: (range) => readRange(fd, shifted(range, patch.edits)) });
      if (!patched) return undefined;
      replacements.push(...patched.replacements.map(([start, end, text]): Replacement => [...shifted([start, end], patch.edits), text]));
      compiledFiles = patched.compiledFiles;
    }
    const edits = spliceInPlace(fd, replacements);
    const outputs = { ...patch.outputs };
    for (const [file, text] of compiledFiles) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      const stat = statSync(file);
      outputs[toPosix(relative(state.project.targetPath, file))] = [stat.size, stat.mtimeMs];
    }
    const files = { ...patch.files };
    for (const file of changed) {
      const stat = statSync(join(root, file));
      files[file] = [stat.size, stat.mtimeMs, racy(stat.mtimeMs, startedAt) ? 1 : 0];
    }
    const after = fstatSync(fd);
    const next: CompileStatePatch = { files, outputs, edits: [...patch.edits, ...edits], manifest: [after.size, after.mtimeMs] };
    writeFileSync(compileStateFiles(root).patch, JSON.stringify(next));
    return { root, targetPath: state.project.targetPath, compiledCount: state.compiledCount, warnings: state.warnings, patched: changed };
  } finally {
    closeSync(fd);
  }
}

/** Input files whose content changed since the state was written; undefined when files came or went. */
function changedInputs(root: string, state: CompileState, patch: CompileStatePatch): string[] | undefined {
  const now = listInputs(root, state.folders);
  const { paths, sizes, mtimes, racy: racyFlags } = state.files;
  if (now.size !== paths.length) return undefined;
  const changed: string[] = [];
  for (let i = 0; i < paths.length; i++) {
    const file = paths[i] as string;
    const current = now.get(file);
    if (!current) return undefined;
    const [size, mtimeMs, wasRacy] = patch.files[file] ?? [sizes[i], mtimes[i], racyFlags[i]];
    if (size !== current[0] || mtimeMs !== current[1] || wasRacy) changed.push(file);
  }
  return changed;
}

/**
 * Every compiled file is as the full compile (or a re-compile since) wrote it: same size and mtime.
 * One stat per file, like the inputs' (hashing them all would cost far more).
 */
function outputsAsWritten(state: CompileState, patch: CompileStatePatch): boolean {
  const { paths, sizes, mtimes } = state.outputs;
  const prefix = `${state.project.targetPath}${sep}`;
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i] as string;
    const [size, mtimeMs] = patch.outputs?.[path] ?? [sizes[i], mtimes[i]];
    const stat = statSync(prefix + (sep === '/' ? path : path.split('/').join(sep)), NO_THROW);
    if (!stat || stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

const NO_THROW = { throwIfNoEntry: false } as const;

function sameFile(file: string, known: FileSignature | null): boolean {
  const now = signatureOf(file);
  return now === null || known === null ? now === known : now[2] === known[2];
}

function sameStat(file: string, known: [number, number]): boolean {
  try {
    const stat = statSync(file);
    return stat.size === known[0] && stat.mtimeMs === known[1];
  } catch {
    return false;
  }
}

function readRange(fd: number, [start, end]: [number, number]): string {
  const buffer = Buffer.alloc(end - start);
  readSync(fd, buffer, 0, buffer.length, start);
  return buffer.toString('utf8');
}

/** Where a range written by the full compile is now, after the edits made since. */
function shifted([start, end]: [number, number], edits: readonly [number, number][]): [number, number] {
  let s = start;
  let e = end;
  for (const [position, delta] of edits) {
    if (position < s) s += delta;
    if (position < e) e += delta;
  }
  return [s, e];
}

/**
 * Replaces byte ranges of the open file. A text no longer than the range it replaces is written
 * in place and padded with spaces (valid JSON whitespace), so the rest of the file stays put;
 * from the first longer one on, the rest of the file is rewritten. Returns the shifts made.
 */
function spliceInPlace(fd: number, replacements: Replacement[]): [number, number][] {
  const sorted = [...replacements].sort((a, b) => a[0] - b[0]);
  const growsAt = sorted.findIndex(([start, end, text]) => Buffer.byteLength(text) > end - start);
  for (const [start, end, text] of growsAt === -1 ? sorted : sorted.slice(0, growsAt)) {
    const bytes = Buffer.alloc(end - start, ' ');
    bytes.write(text);
    writeSync(fd, bytes, 0, bytes.length, start);
  }
  if (growsAt === -1) return [];
  const from = (sorted[growsAt] as Replacement)[0];
  const size = fstatSync(fd).size;
  const rest = Buffer.alloc(size - from);
  readSync(fd, rest, 0, rest.length, from);
  const parts: Buffer[] = [];
  const edits: [number, number][] = [];
  let at = from;
  let shift = 0;
  for (const [start, end, text] of sorted.slice(growsAt)) {
    const replacement = Buffer.from(text);
    parts.push(rest.subarray(at - from, start - from), replacement);
    const delta = replacement.length - (end - start);
    // Each shift is recorded where it happens once the earlier ones are applied (see shifted()).
    if (delta !== 0) edits.push([start + shift, delta]);
    shift += delta;
    at = end;
  }
  parts.push(rest.subarray(at - from));
  writeSync(fd, Buffer.concat(parts), 0, undefined, from);
  return edits;
}
