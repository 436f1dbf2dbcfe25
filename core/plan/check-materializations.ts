import { diagnostic, throwIfErrors } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Project } from '../project/types.js';
import { MATERIALIZATIONS } from './materializations.js';

/** Fails before anything runs when a selected node names a materialization Strata lacks. */
export function checkMaterializations(project: Project, ids: readonly string[]): void {
  const known = Object.keys(MATERIALIZATIONS).filter((m) => m !== 'seed' && m !== 'snapshot');
  throwIfErrors(ids.flatMap((id) => {
    const node = project.nodes.get(id);
    if (!node || node.resourceType === 'test' || node.resourceType === 'unit_test' || node.config.materialized in MATERIALIZATIONS) return [];
    return [diagnostic('invalid-config', `${node.name}: materialized '${node.config.materialized}' is not supported (supported: ${known.join(', ')}).${didYouMean(node.config.materialized, known)}`, { file: node.originalFilePath, line: 1, column: 1 })];
  }));
}
