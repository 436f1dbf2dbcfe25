import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { externalConfigProblem, externalLocation, type ExternalConfig } from '../project/external-location.js';
import type { Project } from '../project/types.js';
import { manifestArtifact, type ManifestInput } from './manifest.js';
import { newInvocation } from './run-results.js';

/**
 * `strata publish`: the manifest other projects consume, holding only this project's public
 * models (the contract of a data product), in dbt's manifest shape. The caller loads the project
 * and builds its graph (artifacts sit below compile and only write what they are given).
 */
export function publishManifest(input: Omit<ManifestInput, 'invocation' | 'compiled'> & { to?: string }): {
  file: string;
  models: string[];
} {
  const { project, dag, dialect, env } = input;
  const manifest = manifestArtifact({ project, dag, dialect, invocation: newInvocation({ which: 'publish' }), ...(env ? { env } : {}) });
  const nodes = manifest.nodes as Record<string, { resource_type: string; access?: string; package_name: string; group?: string | null }>;
  const published = Object.fromEntries(
    Object.entries(nodes)
      .filter(([, n]) => n.resource_type === 'model' && n.access === 'public' && n.package_name === project.name)
      .map(([id, n]) => [id, withResolvedFiles(project, id, n)]),
  );
  const dir = resolve(project.root, input.to ?? join(project.targetPath, 'publish'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'manifest.json');
  const keep = new Set(Object.keys(published));
  const groupsUsed = new Set(Object.values(published).flatMap((n) => (n.group ? [n.group] : [])));
  const pick = (map: Record<string, string[]>) =>
    Object.fromEntries(
      Object.entries(map)
        .filter(([id]) => keep.has(id))
        .map(([id, ids]) => [id, ids.filter((x) => keep.has(x))]),
    );
  writeFileSync(
    file,
    JSON.stringify(
      {
        ...manifest,
        nodes: published,
        sources: {},
        macros: {},
        // Overviews only: the published manifest stays readable by dbt's docs site.
        docs: Object.fromEntries(
          Object.entries(manifest.docs as Record<string, { name: string }>).filter(([, d]) => d.name === '__overview__'),
        ),
        // The groups of published models, with their owners: consumers show who owns what they use.
        groups: Object.fromEntries(
          Object.entries(manifest.groups as Record<string, { name: string; package_name: string }>).filter(
            ([, g]) => g.package_name === project.name && groupsUsed.has(g.name),
          ),
        ),
        group_map: Object.fromEntries(
          Object.entries(manifest.group_map as Record<string, string[]>)
            .filter(([name]) => groupsUsed.has(name))
            .map(([name, ids]) => [name, ids.filter((id) => keep.has(id))]),
        ),
        unit_tests: {},
        disabled: {},
        parent_map: pick(manifest.parent_map as Record<string, string[]>),
        child_map: pick(manifest.child_map as Record<string, string[]>),
      },
      null,
      1,
    ),
  );
  return { file, models: [...keep].sort() };
}

/**
 * A model published as files records where they are, resolved, in dbt-duckdb's own config keys
 * (`location` absolute or a URL, `format`, `partition_by` as a list): a consumer on another
 * machine folder reads them without this project's profile (its external_root) or folder, and a
 * dbt reader sees the config keys an external model has anyway.
 */
function withResolvedFiles<T extends object>(project: Project, id: string, entry: T): T {
  const node = project.nodes.get(id);
  if (node?.config.materialized !== 'external') return entry;
  const config = node.config as ExternalConfig;
  if (externalConfigProblem(config) !== undefined) return entry;
  const at = externalLocation(config, node.relation.identifier, project.target.info, project.root);
  const written = (entry as { config: Record<string, unknown> }).config;
  // partition_by moves out of options (if it was there) so it is given once.
  const options = Object.fromEntries(
    Object.entries((written.options ?? {}) as Record<string, unknown>).filter(([k]) => k.toLowerCase() !== 'partition_by'),
  );
  return {
    ...entry,
    config: {
      ...written,
      location: at.location,
      format: at.format,
      ...(at.partitionBy.length ? { partition_by: at.partitionBy } : {}),
      ...(written.options ? { options } : {}),
    },
  };
}
