import { groupEntries } from '../artifacts/definition-entries.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import type { Project } from '../project/types.js';

type GroupEntry = { name?: unknown; owner?: { name?: string | null; email?: string | null } };

/**
 * A node's group owner as text (`Platform data team <platform-data@example.com>`), from the same
 * groups the manifest writes: the project's, its packages' and its upstream projects' (mesh).
 */
export function groupOwners(
  project: Project,
  dag: DependencyGraph,
): (packageName: string, group: string | null | undefined) => string | null {
  const entries = groupEntries(project, (id) => dag.graph.hasNode(id)) as Record<string, GroupEntry>;
  const byName = new Map<string, GroupEntry>();
  for (const entry of Object.values(entries)) if (typeof entry.name === 'string' && !byName.has(entry.name)) byName.set(entry.name, entry);
  return (packageName, group) => {
    if (!group) return null;
    // A group is named from its own project first; a package's node may name the root project's group.
    const owner = (entries[`group.${packageName}.${group}`] ?? byName.get(group))?.owner;
    const text = [owner?.name, owner?.email ? `<${owner.email}>` : ''].filter(Boolean).join(' ');
    return text || null;
  };
}
