import { derivedIdentifier } from '../adapter/derived-name.js';
import type { SqlDialect } from '../adapter/dialect.js';
import type { Relation } from '../adapter/relation.js';
import type { ProjectNode } from '../project/types.js';
import { uniqueKeys, type PlanInput } from './plan-input.js';
import { columnsOf, type Plan, type Statement } from './plan.js';

/** Suffix of the table holding this run's copy of the snapshot's source rows. */
export const SNAPSHOT_STAGING_SUFFIX = '__strata_snap';

interface Names {
  scdId: string;
  updatedAt: string;
  validFrom: string;
  validTo: string;
  isDeleted: string;
}

/** The meta column names a snapshot uses (configured per project flavour, overridable). */
function metaNames(node: ProjectNode): Names {
  const m = node.config.snapshot_meta_column_names ?? {};
  return {
    scdId: m.dbt_scd_id ?? 'dbt_scd_id',
    updatedAt: m.dbt_updated_at ?? 'dbt_updated_at',
    validFrom: m.dbt_valid_from ?? 'dbt_valid_from',
    validTo: m.dbt_valid_to ?? 'dbt_valid_to',
    isDeleted: m.dbt_is_deleted ?? 'dbt_is_deleted',
  };
}

/**
 * Type-2 history (dbt's snapshots). In one transaction, holding a write lock where the database
 * has one: copy the source rows into a staging table, refuse duplicate keys, close the current row
 * of every changed key, handle keys that vanished (`hard_deletes`), insert a new current row for
 * every changed or new key. A key therefore never has two current rows, even if two runs race
 * (the second waits for the first) or a run dies half-way (its transaction rolls back).
 */
export function planSnapshot(input: PlanInput): Plan {
  const { node, compiledSql, existing, dialect, capabilities, facts } = input;
  const target = node.relation;
  const staging = dialect.scratchRelation(derivedIdentifier(target.identifier, SNAPSHOT_STAGING_SUFFIX, capabilities.maxIdentifierBytes));
  const keys = uniqueKeys(node);
  const n = metaNames(node);
  const q = (c: string) => dialect.quoteIdentifier(c);
  const now = dialect.currentTimestamp;
  const hardDeletes = node.config.hard_deletes ?? 'ignore';
  const base = {
    uniqueId: node.uniqueId,
    transactional: capabilities.transactionalDdl,
    relation: target,
    kind: 'table' as const,
    action: 'snapshotted',
  };
  const stage: Statement[] = [
    { sql: dialect.drop(staging, 'table'), purpose: 'remove a leftover from an interrupted run' },
    { sql: dialect.createScratchTableAs(staging, compiledSql), purpose: 'copy the source rows into a session-private table' },
    duplicateCheck(dialect, staging, keys, node.name),
  ];
  const validFromOf = (alias: string) => (node.config.strategy === 'timestamp' ? `${alias}.${q(node.config.updated_at ?? '')}` : now);
  const scdId = (alias: string) =>
    `md5(${[...keys.map((k) => `${alias}.${q(k)}`), validFromOf(alias)].map((e) => `coalesce(${dialect.castText(e)}, '')`).join(` || '|' || `)})`;
  const current = node.config.dbt_valid_to_current;
  // A bare NULL would give the column an arbitrary type; nullif(x, x) is NULL with x's type (dbt's trick).
  const openValidTo = (alias: string) => current ?? `nullif(${validFromOf(alias)}, ${validFromOf(alias)})`;
  const isCurrent = (alias: string) => (current ? `${alias}.${q(n.validTo)} = ${current}` : `${alias}.${q(n.validTo)} is null`);
  const deletedFlag = hardDeletes === 'new_record';
  const metaSelect = (alias: string, deleted: boolean) => [
    `${scdId(alias)} as ${q(n.scdId)}`,
    `${validFromOf(alias)} as ${q(n.updatedAt)}`,
    `${validFromOf(alias)} as ${q(n.validFrom)}`,
    `${openValidTo(alias)} as ${q(n.validTo)}`,
    ...(deletedFlag ? [`${deleted} as ${q(n.isDeleted)}`] : []),
  ];

  if (!existing) {
    return {
      ...base,
      action: 'created snapshot',
      statements: [
        ...stage,
        {
          sql: dialect.createTableAs(target, `select S.*, ${metaSelect('S', false).join(', ')}\nfrom ${dialect.qualify(staging)} as S`),
          purpose: 'create the snapshot with one current row per key',
        },
        { sql: dialect.drop(staging, 'table'), purpose: 'drop the staging table' },
      ],
    };
  }
  if (!facts) {
    const lock = dialect.lockForWrite(target);
    return {
      ...base,
      statements: [
        ...(lock ? [{ sql: lock, purpose: 'keep other writers (and other snapshot runs) out until this run commits' }] : []),
        ...stage,
      ],
      requires: { columnsOf: [target, staging] },
    };
  }

  const targetColumns = columnsOf(facts, target);
  const sourceColumns = columnsOf(facts, staging);
  const has = (name: string) => targetColumns.some((c) => c.name.toLowerCase() === name.toLowerCase());
  const metaNamesList = new Set([n.scdId, n.updatedAt, n.validFrom, n.validTo, n.isDeleted].map((c) => c.toLowerCase()));
  const dataColumns = sourceColumns.map((c) => c.name).filter((c) => !metaNamesList.has(c.toLowerCase()));
  const keyMatch = keys.map((k) => `T.${q(k)} is not distinct from S.${q(k)}`).join(' and ');
  const checkCols =
    node.config.check_cols === 'all' || node.config.check_cols === undefined
      ? dataColumns.filter((c) => !keys.includes(c))
      : node.config.check_cols;
  const changed =
    node.config.strategy === 'timestamp'
      ? `S.${q(node.config.updated_at ?? '')} > T.${q(n.updatedAt)}`
      : checkCols.map((c) => `T.${q(c)} is distinct from S.${q(c)}`).join(' or ') || 'false';
  const reappeared = deletedFlag && has(n.isDeleted) ? ` or T.${q(n.isDeleted)}` : '';
  const t = dialect.qualify(target);
  const s = dialect.qualify(staging);
  const missingFromSource = `not exists (select 1 from ${s} as S where ${keyMatch})`;
  const statements: Statement[] = [];
  for (const c of sourceColumns) {
    if (!has(c.name)) statements.push({ sql: dialect.addColumn(target, c.name, c.dataType), purpose: `add new source column ${c.name}` });
  }
  if (deletedFlag && !has(n.isDeleted))
    statements.push({ sql: dialect.addColumn(target, n.isDeleted, 'boolean'), purpose: `add ${n.isDeleted} for hard_deletes: new_record` });
  statements.push({
    sql: `update ${t} as T\nset ${q(n.validTo)} = ${validFromOf('S')}\nfrom ${s} as S\nwhere ${keyMatch}\n  and ${isCurrent('T')}\n  and (${changed}${reappeared})`,
    purpose: 'close the current row of every changed key',
  });
  if (hardDeletes === 'new_record') {
    const columns = [...dataColumns, n.scdId, n.updatedAt, n.validFrom, n.validTo, n.isDeleted];
    statements.push({
      sql: `insert into ${t} (${columns.map(q).join(', ')})\nselect ${[...dataColumns.map((c) => `T.${q(c)}`), `md5(${[...keys.map((k) => `T.${q(k)}`), now].map((e) => `coalesce(${dialect.castText(e)}, '')`).join(` || '|' || `)})`, now, now, current ?? `nullif(${now}, ${now})`, 'true'].join(', ')}\nfrom ${t} as T\nwhere ${isCurrent('T')} and not coalesce(T.${q(n.isDeleted)}, false) and ${missingFromSource}`,
      purpose: 'record keys that vanished from the source as deleted rows',
    });
  }
  if (hardDeletes !== 'ignore') {
    statements.push({
      sql: `update ${t} as T\nset ${q(n.validTo)} = ${now}\nwhere ${isCurrent('T')}${deletedFlag ? ` and not coalesce(T.${q(n.isDeleted)}, false)` : ''}\n  and ${missingFromSource}`,
      purpose: 'close the current row of every key that vanished from the source',
    });
  }
  const insertColumns = [...dataColumns, n.scdId, n.updatedAt, n.validFrom, n.validTo, ...(deletedFlag ? [n.isDeleted] : [])];
  statements.push({
    sql: `insert into ${t} (${insertColumns.map(q).join(', ')})\nselect ${[...dataColumns.map((c) => `S.${q(c)}`), ...metaSelect('S', false).map((e) => e.replace(/ as "[^"]+"$/, ''))].join(', ')}\nfrom ${s} as S\nwhere not exists (select 1 from ${t} as T where ${keyMatch} and ${isCurrent('T')})`,
    purpose: 'insert a current row for every new or changed key',
  });
  statements.push({ sql: dialect.drop(staging, 'table'), purpose: 'drop the staging table' });
  return { ...base, statements };
}

/** A snapshot key must identify one source row; two would make two current rows. */
function duplicateCheck(dialect: SqlDialect, staging: Relation, keys: string[], name: string): Statement {
  const list = keys.map((k) => dialect.quoteIdentifier(k)).join(', ');
  return {
    sql: `select ${list}, count(*) as row_count from ${dialect.qualify(staging)} group by ${list} having count(*) > 1 limit 5`,
    purpose: 'check the source has one row per unique_key',
    check: {
      message: `Snapshot ${name}: the source has several rows for one unique_key (${keys.join(', ')}), which would make several current rows. Fix the key or deduplicate the source.`,
    },
  };
}
