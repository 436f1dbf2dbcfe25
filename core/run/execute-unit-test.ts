import type { Connection } from '../adapter/connection.js';
import type { ColumnInfo, Relation } from '../adapter/relation.js';
import type { ProjectNode } from '../project/types.js';
import { writeNodeArtifact } from '../artifacts/artifact-paths.js';
import type { NodeContext } from './run-plan.js';
import type { NodeResult } from '../artifacts/node-result.js';
import { dictRows, fixtureSql } from './unit-fixtures.js';

type Outcome = Omit<NodeResult, 'uniqueId' | 'executionTime' | 'startedAt' | 'completedAt' | 'threadId'>;

/**
 * Runs a unit test: the model's SQL with every input replaced by fixed rows, compared with the
 * expected rows (only the columns the expectation names, in any order). Nothing upstream is built.
 */
export async function executeUnitTest(ctx: NodeContext, node: ProjectNode, connection: Connection): Promise<Outcome> {
  const info = node.unitTest;
  const model = info ? ctx.project.nodes.get(info.model) : undefined;
  if (!info || !model) throw new Error(`unit test ${node.uniqueId} has no model`);
  const dialect = ctx.adapter.dialect;
  const fixtures = new Map<string, string>();
  for (const [key, rows] of info.given) {
    const { columns, declared } = await inputColumns(ctx, connection, model, key);
    fixtures.set(key, fixtureSql(rows, columns, dialect, declared));
  }
  const isIncremental = info.macros.is_incremental === true;
  const compiledSql = (
    await ctx.compiler.compileWithDatabase(model.uniqueId, { fixtures, vars: info.vars, isIncremental }, (fn) => fn(connection))
  ).compiledSql;
  const compiledPath = writeNodeArtifact(ctx.project, node, 'compiled', compiledSql);

  const expected = info.expect.format === 'sql' ? await selectAll(connection, String(info.expect.rows), ctx.signal) : dictRows(info.expect);
  const columns = [...new Set(expected.flatMap((r) => Object.keys(r)))];
  if (columns.length === 0) {
    const actual = await connection.execute(`select count(*) as n from (\n${compiledSql}\n) actual`, { signal: ctx.signal });
    const n = Number(actual.rows[0]?.n ?? 0);
    return n === 0
      ? { status: 'pass', message: 'pass', compiledPath, compiledSql }
      : { status: 'fail', message: `Expected no rows, got ${n}.`, failures: n, compiledPath, compiledSql };
  }
  const q = (c: string) => dialect.quoteIdentifier(c);
  const actual = await connection.execute(
    `select ${columns.map((c) => `${dialect.castText(q(c))} as ${q(c)}`).join(', ')} from (\n${compiledSql}\n) actual`,
    { signal: ctx.signal },
  );
  const diff = rowDiff(expected, actual.rows, columns);
  if (diff.missing.length === 0 && diff.unexpected.length === 0) return { status: 'pass', message: 'pass', compiledPath, compiledSql };
  const show = (row: Record<string, unknown>) => `{${columns.map((c) => `${c}: ${display(row[c])}`).join(', ')}}`;
  const lines = [
    `actual differs from expected (${expected.length} expected, ${actual.rows.length} actual):`,
    ...diff.missing.map((r) => `  - ${show(r)}   (expected, missing)`),
    ...diff.unexpected.map((r) => `  + ${show(r)}   (actual, not expected)`),
  ];
  return { status: 'fail', message: lines.join('\n'), failures: diff.missing.length + diff.unexpected.length, compiledPath, compiledSql };
}

/**
 * What an input's columns are: the real relation's when it exists (so fixture values get its
 * types, and missing columns are NULL), and the `data_type`s documented for it in any case.
 */
async function inputColumns(
  ctx: NodeContext,
  connection: Connection,
  model: ProjectNode,
  key: string,
): Promise<{ columns: ColumnInfo[]; declared: Map<string, string> }> {
  let target: { relation: Relation; columns: ProjectNode['columns'] } | undefined;
  if (key === 'this') target = model;
  else if (key.startsWith('ref:'))
    target = [...ctx.project.nodes.values()].find(
      (n) => n.name === key.slice(4) && (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot'),
    );
  else target = [...ctx.project.sources.values()].find((s) => `source:${s.sourceName}.${s.name}` === key);
  if (!target) return { columns: [], declared: new Map() };
  const declared = new Map(Object.values(target.columns).flatMap((c) => (c.dataType ? [[c.name, c.dataType] as const] : [])));
  return { columns: await connection.getColumns(target.relation), declared };
}

async function selectAll(connection: Connection, sql: string, signal: AbortSignal): Promise<Record<string, unknown>[]> {
  return (await connection.execute(sql, { signal })).rows;
}

/** Rows compared as multisets on `columns`, values normalized so 1, 1.0 and '1.00' agree. */
export function rowDiff(
  expected: readonly Record<string, unknown>[],
  actual: readonly Record<string, unknown>[],
  columns: readonly string[],
): { missing: Record<string, unknown>[]; unexpected: Record<string, unknown>[] } {
  const key = (row: Record<string, unknown>) => JSON.stringify(columns.map((c) => normalize(pick(row, c))));
  const remaining = new Map<string, Record<string, unknown>[]>();
  for (const row of actual) remaining.set(key(row), [...(remaining.get(key(row)) ?? []), row]);
  const missing: Record<string, unknown>[] = [];
  for (const row of expected) {
    const bucket = remaining.get(key(row));
    if (bucket && bucket.length > 0) bucket.pop();
    else missing.push(row);
  }
  return { missing, unexpected: [...remaining.values()].flat() };
}

function pick(row: Record<string, unknown>, column: string): unknown {
  const k = Object.keys(row).find((name) => name.toLowerCase() === column.toLowerCase());
  return k === undefined ? null : row[k];
}

function normalize(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date)
    return value
      .toISOString()
      .replace('T', ' ')
      .replace(/(\.000)?Z$/, '')
      .replace(/ 00:00:00$/, '');
  const text = String(value).trim();
  if (text !== '' && Number.isFinite(Number(text))) return String(Number(text));
  if (/^(true|false)$/i.test(text)) return text.toLowerCase();
  return text.replace(/^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$/, '$1');
}

function display(value: unknown): string {
  return value === null || value === undefined ? 'null' : typeof value === 'string' ? `'${value}'` : String(value);
}
