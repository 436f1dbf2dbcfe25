import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { ALL_WARNINGS_ERRORS, readWarnErrorOptions, type WarnErrorPolicy } from '../diagnostics/warn-error.js';
import type { ProjectFile } from './project-file.js';
import type { YamlFile } from './yaml-file.js';

/**
 * dbt_project.yml's `flags:` block (dbt 1.8+): defaults for command-line flags. A flag on the
 * command line, or its environment variable, wins over it.
 */

/** dbt's indirect selection modes (`--indirect-selection`). */
export const INDIRECT_SELECTION_MODES = ['eager', 'cautious', 'buildable', 'empty'] as const;
export type IndirectSelection = (typeof INDIRECT_SELECTION_MODES)[number];

/** The flags Strata acts on, read from the block; absent when the block does not set them. */
export interface ProjectFlags {
  warnError?: WarnErrorPolicy;
  partialParse?: boolean;
  indirectSelection?: IndirectSelection;
  failFast?: boolean;
}

/** The flags of a checked project file (see {@link checkProjectFlags}: bad values were errors already). */
export function projectFlags(file: Pick<ProjectFile, 'flags'>): ProjectFlags {
  return readFlags(file.flags ?? {}, () => undefined);
}

/** The block's problems: a flag Strata acts on with a value it cannot use, located in the file. */
export function checkProjectFlags(file: Pick<ProjectFile, 'flags'>, yaml: YamlFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  readFlags(file.flags ?? {}, (key, message) =>
    out.push(diagnostic('invalid-flag', `flags.${key} in ${yaml.file}: ${message}`, yaml.locate(['flags', key]))),
  );
  return out;
}

function readFlags(flags: Record<string, unknown>, problem: (key: string, message: string) => void): ProjectFlags {
  const out: ProjectFlags = {};
  const bool = (key: string): boolean | undefined => {
    const value = flags[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    problem(key, `expected true or false, got ${JSON.stringify(value)}.`);
    return undefined;
  };
  const partialParse = bool('partial_parse');
  if (partialParse !== undefined) out.partialParse = partialParse;
  const failFast = bool('fail_fast');
  if (failFast !== undefined) out.failFast = failFast;
  const indirect = flags.indirect_selection;
  if (indirect !== undefined && indirect !== null) {
    const mode = INDIRECT_SELECTION_MODES.find((m) => m === String(indirect).toLowerCase());
    if (mode) out.indirectSelection = mode;
    else problem('indirect_selection', `expected one of ${INDIRECT_SELECTION_MODES.join(', ')}, got ${JSON.stringify(indirect)}.`);
  }
  // As dbt: warn_error and warn_error_options are two spellings of one setting; both is ambiguous.
  const warnError = bool('warn_error');
  const options = flags.warn_error_options;
  if (warnError !== undefined && options !== undefined && options !== null)
    problem('warn_error', 'warn_error and warn_error_options cannot both be set; use warn_error_options alone.');
  else if (warnError) out.warnError = ALL_WARNINGS_ERRORS;
  else if (options !== undefined && options !== null) {
    const read = readWarnErrorOptions(options, 'warn_error_options');
    for (const message of read.problems) problem('warn_error_options', message);
    if (read.policy) out.warnError = read.policy;
  }
  return out;
}
