import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { declarationAt } from './node-location.js';
import type { GroupDefinition, ProjectNode } from './types.js';

/** Groups by name; the first loaded (the project's, then its packages' in order) wins a name they share. */
export function groupsByName(groups: readonly GroupDefinition[]): Map<string, GroupDefinition> {
  const out = new Map<string, GroupDefinition>();
  for (const g of groups) if (!out.has(g.name)) out.set(g.name, g);
  return out;
}

/** Every group a node names must be defined; a private model must belong to a group. */
export function checkGroups(nodes: ReadonlyMap<string, ProjectNode>, groups: ReadonlyMap<string, GroupDefinition>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const node of nodes.values()) {
    const at = declarationAt(node);
    const group = node.config.group;
    if (group && !groups.has(group))
      out.push(
        diagnostic(
          'unknown-group',
          `${node.name} is in group '${group}', which is not defined under 'groups:'.${didYouMean(group, groups.keys())}`,
          at,
        ),
      );
    if (node.resourceType === 'model' && node.config.access === 'private' && !group)
      out.push(diagnostic('access-violation', `${node.name} is private, but private models must belong to a group (set 'group:').`, at));
  }
  return out;
}
