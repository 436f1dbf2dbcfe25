import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { publishedFiles, type PublishedConfig } from './published-files.js';
import type { ColumnDef, ExternalNode } from './types.js';
import { parseYaml, validateYaml } from './yaml-file.js';
import { readProjectText } from './read-text.js';

const dependenciesSchema = z.strictObject({
  projects: z.array(z.strictObject({ name: z.string(), manifest: z.string().optional() })).default([]),
  packages: z.array(z.unknown()).optional(),
});

interface ManifestModel {
  resource_type: string;
  name: string;
  package_name: string;
  database?: string | null;
  schema: string;
  alias?: string;
  description?: string;
  access?: string;
  group?: string | null;
  version?: string | number | null;
  latest_version?: string | number | null;
  deprecation_date?: string | null;
  config?: PublishedConfig & { access?: string; group?: string | null };
  contract?: { enforced?: boolean; alias_types?: boolean; checksum?: string | null };
  columns?: Record<string, { name: string; description?: string; data_type?: string | null }>;
}

/**
 * Reads `dependencies.yml`: each upstream project's published manifest gives the models this
 * project may `ref('<project>', '<model>')`. Every model is kept (not only public ones) so a ref
 * to a non-public model gets a precise error rather than "not found". A model published as files
 * is read through them (`relation.readAs`) on a target that reads files (`targetType` duckdb).
 */
export function readDependencies(
  root: string,
  targetType = 'duckdb',
): { externals: Map<string, ExternalNode>; projects: string[]; diagnostics: Diagnostic[] } {
  const file = join(root, 'dependencies.yml');
  const externals = new Map<string, ExternalNode>();
  if (!existsSync(file)) return { externals, projects: [], diagnostics: [] };
  const encoding: Diagnostic[] = [];
  const parsed = parseYaml('dependencies.yml', readProjectText(file, 'dependencies.yml', encoding));
  if (encoding.length || !parsed.yaml) return { externals, projects: [], diagnostics: [...encoding, ...parsed.diagnostics] };
  const checked = validateYaml(parsed.yaml, dependenciesSchema, parsed.yaml.value ?? {}, [], 'dependencies file');
  const diagnostics = [...checked.diagnostics];
  const projects = checked.data?.projects ?? [];
  projects.forEach((project, i) => {
    const at = parsed.yaml?.locate(['projects', i]);
    if (!project.manifest) {
      diagnostics.push(
        diagnostic(
          'invalid-dependency',
          `Project '${project.name}': give 'manifest:' (a path or file:// URL of its published manifest.json).`,
          at,
        ),
      );
      return;
    }
    const manifestFile = project.manifest.startsWith('file:') ? fileURLToPath(project.manifest) : resolve(root, project.manifest);
    if (!existsSync(manifestFile)) {
      diagnostics.push(
        diagnostic(
          'invalid-dependency',
          `Project '${project.name}': no manifest at ${manifestFile}. Build or publish '${project.name}' first.`,
          at,
        ),
      );
      return;
    }
    let manifest: { nodes?: Record<string, ManifestModel>; groups?: Record<string, Record<string, unknown>> };
    try {
      manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as typeof manifest;
    } catch (err) {
      diagnostics.push(
        diagnostic('invalid-dependency', `Project '${project.name}': ${manifestFile} is not valid JSON (${(err as Error).message}).`, at),
      );
      return;
    }
    for (const [uniqueId, node] of Object.entries(manifest.nodes ?? {})) {
      if (node.resource_type !== 'model' || node.package_name !== project.name) continue;
      const access = (node.access ?? node.config?.access ?? 'protected') as ExternalNode['access'];
      const version = node.version ?? undefined;
      const group = node.group ?? node.config?.group ?? undefined;
      // The group's entry (with its owner) as the upstream project published it.
      const groupEntry = group ? manifest.groups?.[`group.${project.name}.${group}`] : undefined;
      const columns: Record<string, ColumnDef> = Object.fromEntries(
        Object.values(node.columns ?? {}).map((c) => [
          c.name,
          {
            name: c.name,
            description: c.description ?? '',
            meta: {},
            tags: [],
            tests: [],
            constraints: [],
            ...(c.data_type ? { dataType: c.data_type } : {}),
          },
        ]),
      );
      const identifier = node.alias ?? node.name;
      const published = publishedFiles(node.config, identifier, manifestFile, project.name);
      if (published.problem !== undefined) {
        diagnostics.push(
          diagnostic(
            'invalid-dependency',
            `Project '${project.name}': model ${node.name} is published as files, but its manifest (${manifestFile}) cannot say where: ${published.problem}.`,
            at,
          ),
        );
        continue;
      }
      const files = published.files;
      const readsFiles = targetType === 'duckdb';
      externals.set(uniqueId, {
        uniqueId,
        project: project.name,
        name: node.name,
        access,
        manifestFile,
        description: node.description ?? '',
        columns,
        latest: version === undefined || String(version) === String(node.latest_version ?? version),
        relation: {
          ...(node.database ? { database: node.database } : {}),
          schema: node.schema,
          identifier,
          // No shared database: the consumer reads the publisher's files itself.
          ...(files && readsFiles ? { readAs: files.readAs } : {}),
        },
        ...(files ? { files } : {}),
        ...(files && !readsFiles
          ? {
              unreadable: `it is published as ${files.format} files (${files.location}), which a ${targetType} target cannot read; only a DuckDB project can ref a model published as files`,
            }
          : {}),
        ...(version !== undefined ? { version } : {}),
        ...(group ? { group } : {}),
        ...(groupEntry ? { groupEntry } : {}),
        ...(node.contract
          ? {
              contract: {
                enforced: node.contract.enforced ?? false,
                alias_types: node.contract.alias_types ?? true,
                checksum: node.contract.checksum ?? null,
              },
            }
          : {}),
        ...(node.deprecation_date ? { deprecationDate: node.deprecation_date } : {}),
      });
    }
  });
  return { externals, projects: projects.map((p) => p.name), diagnostics };
}
