import type { ProjectFile } from '../project/project-file.js';
import type { Project } from '../project/types.js';

/**
 * What the compile pass reads of a project: a loaded {@link Project}, or the part of one a
 * re-compile rebuilds from its state (patch-models.ts).
 */
export type ProjectForCompile = Pick<
  Project,
  'root' | 'name' | 'vars' | 'target' | 'macroFiles' | 'nodes' | 'sources' | 'externals' | 'macros' | 'groups' | 'exposures'
> & {
  settings?: Pick<ProjectFile, 'dispatch'>;
};
