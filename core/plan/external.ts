import { basename, dirname, join } from 'node:path';
import type { ExistingRelation } from '../adapter/relation.js';
import { selectBody } from '../adapter/sql-text.js';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import { configKeyAt } from '../project/node-location.js';
import { externalLocation, type ExternalLocation } from '../project/external-location.js';
import type { ProjectNode } from '../project/types.js';
import { shouldFullRefresh } from './full-refresh.js';
import type { PlanInput } from './plan-input.js';
import type { Plan, Statement } from './plan.js';

// dbt-duckdb's `materialized='external'`: the model's rows are written to files with DuckDB's
// `COPY … TO`, and a view over the files keeps `ref()` working. Strata writes beside the destination
// and renames into place, so a failed or killed build leaves the previous files:
//
//   restore  old files set aside by an interrupted swap (or delete them if the swap completed)
//   remove   a temporary left by a killed build
//   COPY     the rows to `.<name>.strata-tmp` beside the destination
//   move     the old files aside (`.<name>.strata-old`), the new ones in, and delete the old
//   view     `create or replace view <model> as select * from <reader over the files>`
//
// Incremental (`incremental_strategy: append`, once the view exists, without --full-refresh): a
// partitioned model writes only the new rows, to uniquely named files that are then moved into the
// partition folders, beside the existing files; a single-file model is rewritten as the old rows
// plus the new ones, through the same swap. A URL location (s3://…) cannot be renamed: COPY writes
// to it directly there.

/** The external model's files: where they go and how they are read. */
export function externalFilesOf(node: ProjectNode, input: Pick<PlanInput, 'projectRoot' | 'externalRoot'>): ExternalLocation {
  const root = input.projectRoot ?? dirname(node.absolutePath);
  try {
    return externalLocation(node.config, node.relation.identifier, { external_root: input.externalRoot ?? root }, root);
  } catch (err) {
    throw new StrataUserError([diagnostic('invalid-config', `${node.name}: ${(err as Error).message}.`, configKeyAt(node, 'location'))]);
  }
}

/**
 * True when this run adds new files to the existing ones: an append-strategy model whose view and
 * files exist, without a full refresh. Files deleted by hand make the next build start afresh.
 */
export function externalRunsIncrementally(
  node: ProjectNode,
  existing: ExistingRelation | undefined,
  fullRefreshFlag: boolean,
  filesExist = true,
): boolean {
  return (
    node.config.materialized === 'external' &&
    node.config.incremental_strategy === 'append' &&
    existing?.kind === 'view' &&
    filesExist &&
    !shouldFullRefresh(node.config, fullRefreshFlag)
  );
}

/** Where a build writes before moving into place, and where the old files wait meanwhile (hidden names: globs over the folder skip them). */
export function externalTemporaries(location: string): { tmp: string; old: string } {
  const dir = dirname(location);
  const name = basename(location);
  return { tmp: join(dir, `.${name}.strata-tmp`), old: join(dir, `.${name}.strata-old`) };
}

/** The `external` materialization. */
export function planExternal(input: PlanInput): Plan {
  const { node, compiledSql, existing, dialect, capabilities } = input;
  const files = externalFilesOf(node, input);
  const incremental = externalRunsIncrementally(node, existing, input.fullRefresh ?? false, input.externalFilesExist);
  const body = `select * from (\n${selectBody(compiledSql)}) as model_subq`;
  const view: Statement[] = [];
  if (existing?.kind === 'table')
    view.push({ sql: dialect.drop(node.relation, 'table'), purpose: 'drop the table this model was before it wrote files' });
  view.push({
    sql: dialect.createViewAs(node.relation, `select * from ${files.readAs}`, { replace: existing?.kind === 'view' }),
    purpose: 'create the view over the files',
  });
  const base = {
    uniqueId: node.uniqueId,
    transactional: capabilities.transactionalDdl,
    relation: node.relation,
    kind: 'view' as const,
  };
  const copy = (sql: string, to: string, extra = '', purpose = 'write the rows'): Statement => ({
    sql: `copy (\n${sql}\n) to ${dialect.quoteString(to)} (${files.copyOptions}${extra})`,
    purpose,
  });

  if (!files.local) {
    if (incremental && !files.partitioned)
      fail(
        node,
        `${files.location} is not a local path, so new rows cannot be added to its single file: set partition_by (or per_thread_output) to append new files.`,
      );
    const extra = incremental ? appendOptions(files) : '';
    return {
      ...base,
      action: incremental ? 'appended external files' : 'wrote external files',
      statements: [
        copy(body, files.location, extra, incremental ? 'write the new rows as new files' : 'write the rows to the location'),
        ...view,
      ],
    };
  }

  const { tmp, old } = externalTemporaries(files.location);
  const onFailure = [
    { op: 'restore' as const, from: old, to: files.location },
    { op: 'remove' as const, from: tmp },
  ];
  const prepare: Statement[] = [
    fileStep('restore', 'put back the previous files if an interrupted build left them aside', old, files.location),
    fileStep('remove', 'remove a leftover from an interrupted build', tmp),
    fileStep('mkdir', 'create the folder the files go in', undefined, dirname(files.location)),
  ];
  if (incremental && files.partitioned) {
    return {
      ...base,
      action: 'appended external files',
      onFailure,
      statements: [
        ...prepare,
        copy(body, tmp, appendOptions(files), 'write the new rows beside the destination'),
        fileStep('merge', 'move the new files in beside the existing ones', tmp, files.location),
        ...view,
      ],
    };
  }
  const rows = incremental ? `select * from ${files.readAs}\nunion all by name\n${body}` : body;
  return {
    ...base,
    action: incremental ? 'appended external files' : 'wrote external files',
    onFailure,
    statements: [
      ...prepare,
      copy(
        rows,
        tmp,
        '',
        incremental ? 'write the existing and the new rows beside the destination' : 'write the rows beside the destination',
      ),
      fileStep('move', 'move the old files aside', files.location, old),
      fileStep('move', 'move the new files into place', tmp, files.location),
      ...view,
      fileStep('remove', 'remove the old files', old),
    ],
  };
}

/** New files must not collide with existing ones: unique names, unless the model names them itself. */
function appendOptions(files: ExternalLocation): string {
  return 'filename_pattern' in files.writeOptions ? '' : `, filename_pattern 'data_{uuid}'`;
}

function fileStep(op: 'mkdir' | 'remove' | 'move' | 'restore' | 'merge', purpose: string, from?: string, to?: string): Statement {
  const sql = `-- ${op}${from !== undefined ? ` ${from}` : ''}${to !== undefined ? ` -> ${to}` : ''}`;
  return { sql, purpose, files: { op, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) } };
}

function fail(node: ProjectNode, message: string): never {
  throw new StrataUserError([diagnostic('invalid-config', `${node.name}: ${message}`, configKeyAt(node, 'location'))]);
}
