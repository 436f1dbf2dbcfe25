import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { canonicalType } from '../plan/contract.js';
import { declarationAt } from '../project/node-location.js';
import type { Project } from '../project/types.js';
import type { ProjectState } from './state.js';

/** A public, contracted model whose columns changed in a way its consumers would notice. */
export interface ContractChange {
  uniqueId: string;
  name: string;
  problems: string[];
}

/**
 * dbt's breaking-change rule: a public model with an enforced contract may not lose a column, or
 * change a column's type, in place. The change belongs in a new version, so consumers can move
 * when they are ready. Removing such a model outright is breaking too.
 */
export function contractChanges(project: Project, state: ProjectState): ContractChange[] {
  const changes: ContractChange[] = [];
  for (const [uniqueId, old] of state.nodes) {
    const oldAccess = (old as { access?: string }).access ?? old.config?.access;
    if (old.resource_type !== 'model' || oldAccess !== 'public' || !old.contract?.enforced) continue;
    const node = project.nodes.get(uniqueId);
    if (!node) {
      changes.push({ uniqueId, name: old.name, problems: ['the model was removed'] });
      continue;
    }
    const problems: string[] = [];
    for (const [name, column] of Object.entries(old.columns ?? {})) {
      const now = Object.values(node.columns).find((c) => c.name.toLowerCase() === name.toLowerCase());
      if (!now) problems.push(`column '${name}' was removed`);
      else if (column.data_type && now.dataType && canonicalType(column.data_type) !== canonicalType(now.dataType))
        problems.push(`column '${name}' changed type from ${column.data_type} to ${now.dataType}`);
    }
    // Projects in other databases read a file-published model's files (the mesh over files): a table
    // or view in this project's database is out of their reach.
    if (old.config?.materialized === 'external' && node.config.materialized !== 'external')
      problems.push(
        `it is no longer written as files (materialized: ${node.config.materialized}), which consumers in other databases read`,
      );
    if (node.config.contract?.enforced !== true) problems.push('its contract is no longer enforced');
    if ((node.config.access ?? 'protected') !== 'public') problems.push(`its access changed to ${node.config.access ?? 'protected'}`);
    if (problems.length) changes.push({ uniqueId, name: node.name, problems });
  }
  return changes;
}

/** A model of another project that uses one of ours. */
export interface ConsumerUse {
  project: string;
  model: string;
  uses: string;
}

/** Reads downstream projects' manifests (`--consumers <dir>`): which of their models use each of ours. */
export function consumerUses(dir: string, projectName: string): ConsumerUse[] {
  const files = manifestFiles(dir);
  const uses: ConsumerUse[] = [];
  for (const file of files) {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
      metadata?: { project_name?: string };
      nodes?: Record<string, { name: string; package_name: string; resource_type: string; depends_on?: { nodes?: string[] } }>;
    };
    const consumer = manifest.metadata?.project_name ?? file;
    if (consumer === projectName) continue;
    for (const node of Object.values(manifest.nodes ?? {})) {
      if (node.package_name !== consumer || node.resource_type === 'test') continue;
      for (const parent of node.depends_on?.nodes ?? []) {
        if (parent.startsWith(`model.${projectName}.`)) uses.push({ project: consumer, model: node.name, uses: parent });
      }
    }
  }
  return uses;
}

function manifestFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return manifestFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

/** Errors for breaking changes (naming the consumers that would break) and warnings for consumers of other changed public models. */
export function breakingChangeDiagnostics(project: Project, state: ProjectState, consumersDir: string | undefined): Diagnostic[] {
  const uses = consumersDir ? consumerUses(consumersDir, project.name) : [];
  const usersOf = (id: string) => uses.filter((u) => u.uses === id).map((u) => `${u.project}.${u.model}`);
  return contractChanges(project, state).map((change) => {
    const node = project.nodes.get(change.uniqueId);
    const users = usersOf(change.uniqueId);
    const impact = users.length ? ` It is used by ${users.join(', ')}.` : consumersDir ? ' No consumer in --consumers uses it.' : '';
    return diagnostic(
      'breaking-change',
      `Breaking change to public model ${change.name}: ${change.problems.join('; ')}. Add a new version of the model (versions: in its properties) for the change and keep this one until consumers move.${impact}`,
      node ? declarationAt(node) : undefined,
    );
  });
}
