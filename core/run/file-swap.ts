import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { externalTemporaries } from '../plan/external.js';
import type { FileStep } from '../plan/plan.js';
import type { ExternalLocation } from '../project/external-location.js';

// The file steps of an external model's plan (core/plan/external.ts). Each is a rename or a delete
// on the local file system, and each can be repeated: a build killed between two steps leaves a
// state the next build's first steps (`restore`, `remove`) put right.

/** Does one file step. Synchronous: renames and deletes are quick, and no step may be interleaved with another run's. */
export function runFileStep(step: FileStep): void {
  const from = step.from;
  const to = step.to;
  switch (step.op) {
    case 'mkdir':
      mkdirSync(required(to, step), { recursive: true });
      return;
    case 'remove':
      rmSync(required(from, step), { recursive: true, force: true });
      return;
    case 'move':
      if (existsSync(required(from, step))) renameSync(from as string, required(to, step));
      return;
    case 'restore':
      if (!existsSync(required(from, step))) return;
      if (existsSync(required(to, step))) rmSync(from as string, { recursive: true, force: true });
      else renameSync(from as string, to as string);
      return;
    case 'merge':
      mergeInto(required(from, step), required(to, step));
      return;
  }
}

/** Moves each file under `from` to the same place under `to` (creating folders), then deletes `from`. */
function mergeInto(from: string, to: string): void {
  if (!existsSync(from)) return; // no new rows: COPY wrote no partition folder
  const moves = filesUnder(from).map((file) => ({ file, target: join(to, relative(from, file)) }));
  // Checked before anything moves: a rename would silently replace an existing file's rows.
  const taken = moves.find((m) => existsSync(m.target));
  if (taken)
    throw new Error(`${taken.target} already exists; the new files were not moved in (a filename_pattern for appended files needs {uuid})`);
  for (const { file, target } of moves) {
    mkdirSync(dirname(target), { recursive: true });
    renameSync(file, target);
  }
  rmSync(from, { recursive: true, force: true });
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

function required(path: string | undefined, step: FileStep): string {
  if (path === undefined) throw new Error(`file step '${step.op}' is missing a path`);
  return path;
}

/**
 * Whether an external model's files are there to append to: at the location, or set aside by an
 * interrupted build (which the plan's first step puts back). Remote locations are taken as there.
 */
export function externalFilesExist(files: ExternalLocation): boolean {
  return !files.local || existsSync(files.location) || existsSync(externalTemporaries(files.location).old);
}
