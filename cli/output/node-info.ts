import type { NodeResult } from '../../core/artifacts/node-result.js';
import type { Project, ProjectNode } from '../../core/project/types.js';
import type { NodeInfo } from './log-events.js';

/** dbt's `node_info` for a node: what it is, where it is built, and (given a result) how it ended. */
export function nodeInfo(
  project: Project,
  uniqueId: string,
  progress: { status: string; startedAt?: string; finishedAt?: string },
): NodeInfo {
  const node = project.nodes.get(uniqueId);
  const relation = node?.relation;
  const database = relation?.database ?? project.target.info.database ?? '';
  const built = node && relation && (node.resourceType === 'model' || node.resourceType === 'seed' || node.resourceType === 'snapshot');
  return {
    node_path: node?.path ?? '',
    node_name: node?.name ?? uniqueId,
    unique_id: uniqueId,
    resource_type: node?.resourceType ?? '',
    materialized: node?.config.materialized ?? '',
    node_status: progress.status,
    node_started_at: progress.startedAt ?? '',
    node_finished_at: progress.finishedAt ?? '',
    meta: node?.config.meta ?? {},
    node_relation: {
      database,
      schema: relation?.schema ?? '',
      alias: relation?.identifier ?? '',
      relation_name: built
        ? [database, relation.schema, relation.identifier]
            .filter(Boolean)
            .map((p) => `"${p}"`)
            .join('.')
        : '',
    },
  };
}

/** dbt's description of a node in START and result rows: `sql view model main.stg_x`, `test not_null_x`. */
export function describeNode(node: ProjectNode | undefined, uniqueId: string): string {
  if (!node) return uniqueId;
  const where = `${node.relation.schema}.${node.relation.identifier}`;
  switch (node.resourceType) {
    case 'model':
      return `sql ${node.config.materialized} model ${where}`;
    case 'seed':
      return `seed file ${where}`;
    case 'snapshot':
      return `snapshot ${where}`;
    case 'unit_test':
      return `unit_test ${node.name}`;
    case 'test':
      return `test ${node.name}`;
    default:
      return `${node.resourceType} ${node.name}`;
  }
}

/** The row status dbt shows for a result: the database's response (`CREATE VIEW`, `INSERT 0 5`, `OK`), `PASS`, `WARN 2`, `ERROR`, `SKIP`. */
export function resultStatus(result: NodeResult): string {
  const failures = result.failures ?? 0;
  switch (result.status) {
    case 'success':
      return result.adapterResponse?.message.trim().slice(0, 24) || 'OK';
    case 'pass':
      return 'PASS';
    case 'warn':
      return `WARN ${failures}`;
    case 'fail':
      return `FAIL ${failures}`;
    case 'error':
      return 'ERROR';
    case 'skipped':
      return 'SKIP';
  }
}
