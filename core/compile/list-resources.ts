import { exposureEntry, nodeEntry, sourceEntry, unitTestEntry } from '../artifacts/manifest-entries.js';
import type { ProjectNode, SourceDefinition } from '../project/types.js';
import type { PreparedProject } from './compile-project.js';

/** One resource `strata ls` lists, with each of its output forms. */
export interface ListedResource {
  uniqueId: string;
  /** dbt's resource type name (`model`, `source`, `unit_test`, ...). */
  resourceType: string;
  /** `--output name`: dbt's search name (`src.table` for a source, `name.v2` for a version). */
  name: string;
  /** `--output selector`: what selects it again (`source:pkg.src.table`, or the fqn joined by dots). */
  selector: string;
  /** `--output path`: the file it is defined in, relative to the project. */
  path: string;
  /** `--output json`: its manifest entry, made when asked for. */
  entry: () => Record<string, unknown>;
}

/**
 * The selected nodes and sources of the given resource types, sorted by unique id as dbt's ls
 * sorts them. `types` holds dbt's names; undefined lists everything selected.
 */
export function listResources(prepared: PreparedProject, types?: ReadonlySet<string>): ListedResource[] {
  const { project, dag, adapter } = prepared;
  const macroIds = new Map<string, string>();
  for (const m of project.macros) if (!macroIds.has(m.name)) macroIds.set(m.name, m.uniqueId);
  const parents = (id: string) => [...((dag.graph.predecessors(id) as string[] | undefined) ?? [])].sort();
  const listed: ListedResource[] = [];
  for (const id of prepared.selected) {
    const node = project.nodes.get(id);
    if (!node || (types && !types.has(node.resourceType))) continue;
    listed.push({
      uniqueId: id,
      resourceType: node.resourceType,
      name: searchName(node),
      selector: node.resourceType === 'unit_test' ? `unit_test:${node.packageName}.${node.name}` : node.fqn.join('.'),
      path: node.originalFilePath,
      entry: () =>
        node.resourceType === 'unit_test'
          ? unitTestEntry(project, node)
          : nodeEntry(project, node, adapter.dialect, undefined, parents(id), macroIds),
    });
  }
  if (!types || types.has('source'))
    for (const id of prepared.selectedSources) {
      const source = project.sources.get(id);
      if (source) listed.push(sourceListing(source, prepared));
    }
  if (!types || types.has('exposure'))
    for (const id of prepared.selectedExposures) {
      const exposure = project.exposures?.get(id);
      if (exposure)
        listed.push({
          uniqueId: id,
          resourceType: 'exposure',
          name: exposure.name,
          selector: `exposure:${exposure.packageName}.${exposure.name}`,
          path: exposure.originalFilePath,
          entry: () => exposureEntry(exposure, project),
        });
    }
  return listed.sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : a.uniqueId > b.uniqueId ? 1 : 0));
}

function sourceListing(source: SourceDefinition, prepared: PreparedProject): ListedResource {
  return {
    uniqueId: source.uniqueId,
    resourceType: 'source',
    name: `${source.sourceName}.${source.name}`,
    selector: `source:${source.packageName}.${source.sourceName}.${source.name}`,
    path: source.originalFilePath,
    entry: () => sourceEntry(source, prepared.adapter.dialect),
  };
}

/** dbt's `search_name`: a versioned model's name carries its version. */
function searchName(node: ProjectNode): string {
  return node.version !== undefined ? `${node.name}.v${node.version}` : node.name;
}

/** The keys of a node dbt's ls writes as JSON unless `--output-keys` names others. */
export const LS_JSON_KEYS: readonly string[] = [
  'alias',
  'name',
  'package_name',
  'depends_on',
  'tags',
  'config',
  'resource_type',
  'source_name',
  'original_file_path',
  'unique_id',
];

/** An entry narrowed to `keys`, in the entry's own order (as dbt filters `to_dict()`). */
export function pickKeys(entry: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const wanted = new Set(keys);
  return Object.fromEntries(Object.entries(entry).filter(([k]) => wanted.has(k)));
}
