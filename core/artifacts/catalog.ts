import type { Connection } from '../adapter/connection.js';
import type { Relation } from '../adapter/relation.js';
import type { Project } from '../project/types.js';
import { artifactMetadata, type InvocationInfo } from './run-results.js';

/** The dbt artifact version Strata's catalog.json follows. */
export const CATALOG_SCHEMA = 'https://schemas.getdbt.com/dbt/catalog/v1.json';

interface Entry {
  uniqueId: string;
  relation: Relation;
}

/**
 * target/catalog.json from introspection: each built relation's kind, columns with their database
 * types, and a row count where the database keeps one cheaply. Relations not built yet are left
 * out, as dbt does.
 */
export async function catalogArtifact(
  project: Project,
  connection: Connection,
  invocation: InvocationInfo,
): Promise<Record<string, unknown>> {
  const nodes: Entry[] = [...project.nodes.values()]
    .filter(
      (n) =>
        (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot') && n.config.materialized !== 'ephemeral',
    )
    .map((n) => ({ uniqueId: n.uniqueId, relation: n.relation }));
  const sources: Entry[] = [...project.sources.values()].map((s) => ({ uniqueId: s.uniqueId, relation: s.relation }));
  const schemas = new Map<string, { kinds: Map<string, string>; counts: Map<string, number> }>();
  const describe = async (entry: Entry): Promise<Record<string, unknown> | undefined> => {
    const key = `${entry.relation.database ?? ''}.${entry.relation.schema}`;
    let info = schemas.get(key);
    if (!info) {
      const kinds = new Map(
        (await connection.listRelations(entry.relation)).map((r) => [
          r.identifier.toLowerCase(),
          r.kind === 'view' ? 'VIEW' : 'BASE TABLE',
        ]),
      );
      info = { kinds, counts: await connection.rowCounts(entry.relation) };
      schemas.set(key, info);
    }
    const kind = info.kinds.get(entry.relation.identifier.toLowerCase());
    if (!kind) return undefined;
    const columns = await connection.getColumns(entry.relation);
    const rows = info.counts.get(entry.relation.identifier);
    return {
      metadata: {
        type: kind,
        schema: entry.relation.schema,
        name: entry.relation.identifier,
        database: entry.relation.database ?? null,
        comment: null,
        owner: null,
      },
      columns: Object.fromEntries(columns.map((c, i) => [c.name, { type: c.dataType, index: i + 1, name: c.name, comment: null }])),
      stats:
        rows === undefined
          ? {
              has_stats: {
                id: 'has_stats',
                label: 'Has Stats?',
                value: false,
                include: false,
                description: 'Indicates whether there are statistics for this table',
              },
            }
          : {
              row_count: {
                id: 'row_count',
                label: 'Row Count',
                value: rows,
                include: true,
                description: 'Number of rows in the table (an estimate where the database keeps one)',
              },
              has_stats: {
                id: 'has_stats',
                label: 'Has Stats?',
                value: true,
                include: false,
                description: 'Indicates whether there are statistics for this table',
              },
            },
      unique_id: entry.uniqueId,
    };
  };
  const collect = async (entries: Entry[]) => {
    const out: Record<string, unknown> = {};
    for (const entry of entries) {
      const described = await describe(entry);
      if (described) out[entry.uniqueId] = described;
    }
    return out;
  };
  return {
    metadata: artifactMetadata(CATALOG_SCHEMA, invocation),
    nodes: await collect(nodes),
    sources: await collect(sources),
    errors: null,
  };
}
