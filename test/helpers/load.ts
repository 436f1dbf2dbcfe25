import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { StrataUserError, type Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { loadProject, type LoadOptions } from '../../core/project/load-project.js';
import type { Project } from '../../core/project/types.js';

/** A HOME with no profiles, so tests never pick up the developer's own ~/.strata. */
export const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'strata-home-'));

/** Loads a project with the built-in adapters and a clean environment. */
export function load(projectDir: string, extra: Partial<LoadOptions> = {}): Project {
  return loadProject({ projectDir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, ...extra });
}

/** Runs `fn`, expecting it to throw StrataUserError; returns the diagnostics. */
export function userErrors(fn: () => unknown): Diagnostic[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof StrataUserError) return [...err.diagnostics];
    throw err;
  }
  throw new Error('expected a StrataUserError');
}
