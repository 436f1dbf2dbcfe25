import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetInfo } from '../adapter/adapter.js';
import type { Relation } from '../adapter/relation.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { EnvDigests } from '../project/env-digest.js';
import type { ParseResult } from '../project/parse-cache.js';
import type { DispatchConfig } from '../template/macro-namespaces.js';
import type { FileSignature } from './input-files.js';

export type { FileSignature };

/** Bump when the state's shape changes. */
export const STATE_FORMAT = 6;

/** What a re-compile needs to know about a model, seed, snapshot or upstream model. */
export interface NodeFacts {
  name: string;
  relation: Relation;
  materialized: string;
  eventTime?: string;
  /** Models that a re-compile may patch: the parse result of their file... */
  parse?: ParseResult;
  /** ...what each of their `ref()` calls resolved to... */
  refs?: Record<string, string>;
  /** ...and whether the compile wrote their SQL (they were selected). */
  compiled?: boolean;
}

/**
 * Everything `strata compile` read and wrote, so the next compile can tell what changed and, when
 * only model SQL changed in ways that cannot affect other nodes, patch its outputs instead of
 * compiling the whole project again (see docs/performance.md). Large lists are parallel arrays:
 * they parse several times faster than objects, and a re-compile reads the state every time.
 */
export interface CompileState {
  format: number;
  /** The Strata build that wrote it. */
  fingerprint: string;
  /** The command line options, as a key. */
  args: string;
  /** When the inputs were listed (ms since epoch). */
  recordedAt: number;
  /** Every env var the load and compile read, with a digest of its value (null: unset): never the value itself. */
  env: EnvDigests;
  /** The salt of those digests. */
  envSalt: string;
  /** Files outside the project folders that were read or looked for (null: absent). */
  outside: Record<string, FileSignature | null>;
  /** Folders listed recursively for inputs (besides the files in the root). */
  folders: string[];
  /**
   * Every input file (path from the root): size, mtime, whether it was modified around the time it
   * was read (see {@link racy}), and the id of the model it holds when a re-compile may patch it.
   */
  files: { paths: string[]; sizes: number[]; mtimes: number[]; racy: (0 | 1)[]; models: (string | 0)[] };
  /**
   * The compiled files (paths from the target folder), with their size and mtime as written. They
   * are outputs: one edited, replaced or deleted since makes the next compile a full one, which
   * writes it again, as it would with no state.
   */
  outputs: { paths: string[]; sizes: number[]; mtimes: number[] };
  project: {
    name: string;
    root: string;
    targetPath: string;
    adapter: string;
    vars: Record<string, unknown>;
    /** `target` as templates see it. */
    target: TargetInfo & { name: string; profile_name: string };
    macroFiles: { file: string; package?: string }[];
    dispatch: DispatchConfig[];
  };
  /**
   * Byte ranges per node, in the order the manifest lists them: [entry start, end] in the base
   * manifest (see {@link compileStateFiles}), [facts start, end] in the facts file (-1 when none).
   */
  index: { ids: string[]; ranges: number[] };
  /** Source relations and event_time, by id. */
  sources: Record<string, [Relation, string | null]>;
  /**
   * manifest.json as the full compile wrote it (size, mtime), the base copy's size and mtime, and
   * where the metadata is in both.
   */
  manifest: { signature: [size: number, mtimeMs: number]; base: [size: number, mtimeMs: number]; metadata: [start: number, end: number] };
  compiledCount: number;
  warnings: Diagnostic[];
}

/** Changes a re-compile made since the full compile wrote the state (kept apart: the state is large). */
export interface CompileStatePatch {
  /** Size, mtime and racy flag of files whose changes were patched in. */
  files: Record<string, [size: number, mtimeMs: number, racy: 0 | 1]>;
  /** Size and mtime of compiled files a re-compile wrote (paths from the target folder). */
  outputs?: Record<string, [size: number, mtimeMs: number]>;
  /** The manifest entry text of every node a re-compile compiled again, by id: it replaces the base's. */
  entries: Record<string, string>;
  /** manifest.json as the last re-compile wrote it. */
  manifest: [size: number, mtimeMs: number];
}

/**
 * Where the state files are: in the default target folder, where a re-compile looks without reading
 * the project file. `manifest` is the base a re-compile writes manifest.json from: the full
 * compile's manifest.json, linked (a copy where links fail), so it outlives the file's replacement.
 */
export function compileStateFiles(root: string): { state: string; facts: string; patch: string; manifest: string } {
  const dir = join(root, 'target');
  return {
    state: join(dir, 'compile_state.json'),
    facts: join(dir, 'compile_state.facts'),
    patch: join(dir, 'compile_state.patch.json'),
    manifest: join(dir, 'compile_state.manifest.json'),
  };
}

/** Reads the state and its patch; undefined when there is none or it cannot be read. */
export function readCompileState(root: string): { state: CompileState; patch: CompileStatePatch } | undefined {
  const files = compileStateFiles(root);
  try {
    const state = JSON.parse(readFileSync(files.state, 'utf8')) as CompileState;
    if (state.format !== STATE_FORMAT) return undefined;
    const patch = existsSync(files.patch)
      ? (JSON.parse(readFileSync(files.patch, 'utf8')) as CompileStatePatch)
      : { files: {}, entries: {}, manifest: state.manifest.signature };
    return { state, patch };
  } catch {
    return undefined;
  }
}

/**
 * A file modified around the time it was read may have changed after it was read, or may change
 * again within the clock's resolution without its size or mtime showing it: the next compile
 * treats it as changed whatever its size and mtime say (git's "racily clean" rule).
 */
export function racy(mtimeMs: number, recordedAt: number): boolean {
  return mtimeMs >= recordedAt - 1000;
}
