import { join, relative } from 'node:path';
import { toPosix } from '../project/files.js';
import type { ExternalNode, GroupDefinition, MacroDefinition, Project } from '../project/types.js';
import { DEFAULT_OVERVIEW_ENTRY, DEFAULT_OVERVIEW_ID } from './default-overview.js';

// The manifest's `macros`, `docs` and `groups` entries, in dbt's v12 shapes.

/** What these entries read of the project. */
export type DefinitionsProject = Pick<Project, 'name' | 'root' | 'packages' | 'macros' | 'docs' | 'groups' | 'externals'>;

/**
 * A file of an installed package, relative to the package's folder (as dbt writes a package's paths:
 * `macros/x.sql`, not `strata_packages/pkg/macros/x.sql`); the project's own files stay as they are.
 */
export function pathInPackage(project: Pick<Project, 'name' | 'root' | 'packages'>, packageName: string, fromRoot: string): string {
  const pkg = packageName === project.name ? undefined : project.packages.find((p) => p.name === packageName);
  return pkg ? toPosix(relative(pkg.dir, join(project.root, fromRoot))) : fromRoot;
}

export function macroEntries(project: DefinitionsProject): Record<string, unknown> {
  return Object.fromEntries(project.macros.map((m) => [m.uniqueId, macroEntry(project, m)]));
}

function macroEntry(project: DefinitionsProject, m: MacroDefinition): Record<string, unknown> {
  const path = pathInPackage(project, m.packageName, m.file);
  return {
    name: m.name,
    resource_type: 'macro',
    package_name: m.packageName,
    path,
    original_file_path: path,
    unique_id: m.uniqueId,
    macro_sql: m.sql,
    depends_on: { macros: [] },
    description: '',
    meta: {},
    docs: { show: true, node_color: null },
    patch_path: null,
    arguments: [],
    created_at: 0,
    supported_languages: null,
  };
}

/**
 * Every docs block, and dbt's default `__overview__`: dbt's docs site shows the project's
 * `doc.<project>.__overview__` when there is one, else `doc.dbt.__overview__`.
 */
export function docEntries(project: DefinitionsProject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of project.docs.values()) {
    const packageName = d.packageName ?? project.name;
    const id = `doc.${packageName}.${d.name}`;
    out[id] = {
      name: d.name,
      resource_type: 'doc',
      package_name: packageName,
      path: d.path ?? d.file,
      original_file_path: d.file,
      unique_id: id,
      block_contents: d.content,
    };
  }
  out[DEFAULT_OVERVIEW_ID] = { ...DEFAULT_OVERVIEW_ENTRY };
  return out;
}

/**
 * The groups of the project and its packages, and the groups of upstream models in `nodes` (ids of the nodes the
 * manifest lists): readers look up every node's group (dbt's docs site reads its owner). The manifest, the `graph`
 * Jinja variable and Strata's docs site all read groups from here.
 */
export function groupEntries(
  project: Pick<Project, 'name' | 'groups' | 'externals'>,
  nodes: (id: string) => boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const g of project.groups.values()) {
    const packageName = g.packageName ?? project.name;
    const id = `group.${packageName}.${g.name}`;
    out[id] = groupEntry(packageName, g, id);
  }
  for (const external of project.externals.values()) {
    if (!external.group || !nodes(external.uniqueId)) continue;
    const id = `group.${external.project}.${external.group}`;
    out[id] ??= external.groupEntry ?? unknownUpstreamGroup(external, id);
  }
  return out;
}

function groupEntry(packageName: string, g: GroupDefinition, id: string): Record<string, unknown> {
  return {
    name: g.name,
    resource_type: 'group',
    package_name: packageName,
    path: g.file,
    original_file_path: g.file,
    unique_id: id,
    owner: { email: null, name: null, ...g.owner },
    description: g.description,
    config: { meta: {} },
  };
}

/** A group named by an upstream model whose manifest does not list it: known by name only. */
function unknownUpstreamGroup(external: ExternalNode, id: string): Record<string, unknown> {
  return {
    name: external.group,
    resource_type: 'group',
    package_name: external.project,
    path: '',
    original_file_path: '',
    unique_id: id,
    owner: { email: null, name: null },
    description: null,
    config: { meta: {} },
  };
}
