import { closeSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { SqlDialect } from '../adapter/dialect.js';
import { manifestMetadata } from '../artifacts/manifest.js';
import { restreamManifest, type ManifestPart } from '../artifacts/restream-manifest.js';
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
  type NodeFacts,
} from './compile-state.js';
import { listInputs, signatureOf, strataFingerprint } from './input-files.js';

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
 * env vars read, its manifest.json as a base and where each node's entry is in it). When nothing
 * changed, manifest.json is written again with new metadata; when only model files changed, and
 * each change leaves the file's refs, sources, config() and macro calls as they were (so no other
 * node, the graph or any config can differ), those models are compiled again, their compiled files
 * written, and manifest.json written from the base with their entries (and those of models
 * re-compiled before) in place of the base's. Anything else, or any doubt, returns undefined and
 * the caller compiles in full.
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
  const stateFiles = compileStateFiles(root);
  // manifest.json as the last compile left it, and the base it is written from as the full compile left it.
  if (!sameStat(manifestFile, patch.manifest) || !sameStat(stateFiles.manifest, state.manifest.base)) return undefined;
  const changed = changedInputs(root, state, patch);
  if (!changed) return undefined;
  // Compiled files are outputs: one edited, replaced or deleted since is put back by a full compile.
  if (!outputsAsWritten(state, patch)) return undefined;

  const base = openSync(stateFiles.manifest, 'r');
  try {
    return await recompileFrom(request, state, patch, changed, base, startedAt);
  } finally {
    closeSync(base);
  }
}

/** The re-compile once the state says it may run: `base` is the full compile's manifest, open. */
async function recompileFrom(
  request: RecompileRequest,
  state: CompileState,
  patch: CompileStatePatch,
  changed: string[],
  base: number,
  startedAt: number,
): Promise<RecompileResult | undefined> {
  const root = request.projectDir;
  const stateFiles = compileStateFiles(root);
  const metadata = manifestMetadata(
    state.project.name,
    state.project.adapter,
    newInvocation({ which: 'compile', ...request.invocationArgs }),
    request.env,
  );
  // Every node re-compiled since the full compile, with its entry as manifest.json holds it now.
  const entries = { ...patch.entries };
  let compiledFiles: [string, string][] = [];
  if (changed.length) {
    const models = changedModels(state, changed);
    if (!models) return undefined;
    const [{ patchModels }, dialect] = await Promise.all([import('./patch-models.js'), request.dialect(state.project.adapter)]);
    if (!dialect) return undefined;
    const facts = readFileSync(stateFiles.facts);
    const at = new Map(state.index.ids.map((id, i) => [id, 4 * i]));
    const { ranges } = state.index;
    const patched = patchModels({
      project: state.project,
      sources: state.sources,
      changed: models,
      dialect,
      env: request.env,
      facts: (id) => {
        const i = at.get(id);
        const start = i === undefined ? -1 : (ranges[i + 2] as number);
        return i === undefined || start < 0 ? undefined : (JSON.parse(facts.toString('utf8', start, ranges[i + 3])) as NodeFacts);
      },
      entry: (id) => {
        const i = at.get(id) as number;
        return entries[id] ?? readRange(base, ranges[i] as number, ranges[i + 1] as number);
      },
    });
    if (!patched) return undefined;
    for (const [id, text] of patched.entries) entries[id] = text;
    compiledFiles = patched.compiledFiles;
  }
  for (const [file, text] of compiledFiles) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  restreamManifest(state.project.targetPath, base, manifestParts(state, JSON.stringify(metadata), entries));
  const manifestFile = join(state.project.targetPath, 'manifest.json');

  const outputs = { ...patch.outputs };
  for (const [file] of compiledFiles) {
    const stat = statSync(file);
    outputs[toPosix(relative(state.project.targetPath, file))] = [stat.size, stat.mtimeMs];
  }
  const files = { ...patch.files };
  for (const file of changed) {
    const stat = statSync(join(root, file));
    files[file] = [stat.size, stat.mtimeMs, racy(stat.mtimeMs, startedAt) ? 1 : 0];
  }
  const after = statSync(manifestFile);
  const next: CompileStatePatch = { files, outputs, entries, manifest: [after.size, after.mtimeMs] };
  writeFileSync(stateFiles.patch, JSON.stringify(next));
  return { root, targetPath: state.project.targetPath, compiledCount: state.compiledCount, warnings: state.warnings, patched: changed };
}

/**
 * The parts of the base manifest that change, in the order the full compile wrote them: the
 * metadata (renewed every compile), then each node's entry that a re-compile replaced.
 */
function manifestParts(state: CompileState, metadata: string, entries: Record<string, string>): ManifestPart[] {
  const parts: ManifestPart[] = [[...state.manifest.metadata, metadata]];
  const { ids, ranges } = state.index;
  for (let i = 0; i < ids.length; i++) {
    const text = entries[ids[i] as string];
    if (text !== undefined) parts.push([ranges[4 * i] as number, ranges[4 * i + 1] as number, text]);
  }
  return parts;
}

/** Each changed file with the model it holds; undefined when one holds no model a re-compile may patch. */
function changedModels(state: CompileState, changed: string[]): { file: string; id: string }[] | undefined {
  const positions = new Map(state.files.paths.map((p, i) => [p, i]));
  const models: { file: string; id: string }[] = [];
  for (const file of changed) {
    const id = state.files.models[positions.get(file) ?? -1];
    if (!id) return undefined;
    models.push({ file, id });
  }
  return models;
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

function readRange(fd: number, start: number, end: number): string {
  const buffer = Buffer.alloc(end - start);
  readSync(fd, buffer, 0, buffer.length, start);
  return buffer.toString('utf8');
}
