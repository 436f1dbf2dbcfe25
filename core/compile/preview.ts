import type { ConnectionPool } from '../adapter/adapter.js';
import { diagnostic, StrataUserError, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { ProjectNode } from '../project/types.js';
import { prepareProject, type PreparedProject, type ProjectOptions } from './compile-project.js';
import { Compiler, type WithConnection } from './compiler.js';
import { INLINE_NAME, withInlineNode } from './inline-node.js';

/** What `strata show` and `strata compile --inline` work on: SQL given inline, or the one selected node. */
export interface PreviewRequest extends ProjectOptions {
  /** `--inline`: a SQL template; wins over a selection. */
  inline?: string;
}

/** One node compiled on its own (dbt's "Compiled node 'x' is:"). */
export interface CompiledPreview {
  /** The node's name (`inline_query` for inline SQL). */
  name: string;
  inline: boolean;
  compiledSql: string;
  /** Warnings from loading and selection. */
  warnings: Diagnostic[];
  /** The project root, where warnings' files are. */
  root: string;
}

/**
 * `strata compile --inline`: compiles the inline SQL, or else the one selected node (refs and
 * sources resolved, ephemeral models as CTEs), without writing anything. Connects only when a
 * template asks the database.
 */
export async function compilePreview(request: PreviewRequest): Promise<CompiledPreview> {
  return withPreparedPool(request, (prepared, withConnection) => compileNode(request, prepared, withConnection));
}

/** Compiles the inline SQL or the one selected node of a prepared project. */
export async function compileNode(
  request: PreviewRequest,
  prepared: PreparedProject,
  withConnection: WithConnection,
): Promise<CompiledPreview> {
  const { project, engine, adapter } = prepared;
  const env = request.env ?? process.env;
  const found = { warnings: prepared.warnings, root: project.root };
  if (request.inline !== undefined) {
    const inline = withInlineNode(project, engine, request.inline, env);
    const compiler = new Compiler(inline.project, inline.dag, adapter.dialect, { engine, env });
    const { compiledSql } = await compiler.compileWithDatabase(inline.uniqueId, {}, withConnection);
    return { name: INLINE_NAME, inline: true, compiledSql, ...found };
  }
  const nodes = prepared.selected.map((id) => project.nodes.get(id)).filter((n): n is ProjectNode => n !== undefined);
  const node = onlyNode(nodes, request.select ?? []);
  // A seed has no SQL of its own: its rows are its table's.
  if (node.resourceType === 'seed')
    return { name: node.name, inline: false, compiledSql: `select * from ${adapter.dialect.qualify(node.relation)}`, ...found };
  const compiler = new Compiler(project, prepared.dag, adapter.dialect, { engine, env });
  const { compiledSql } = await compiler.compileWithDatabase(node.uniqueId, {}, withConnection);
  return { name: node.name, inline: false, compiledSql, ...found };
}

/** Inline SQL is the whole request: a selection given with it does not apply. */
function withoutSelection(request: PreviewRequest): PreviewRequest {
  const { select: _select, exclude: _exclude, selector: _selector, ...rest } = request;
  return rest;
}

/** The one node a preview works on; none or several is a usage mistake, said with the names. */
function onlyNode(nodes: ProjectNode[], select: readonly string[]): ProjectNode {
  const previewable = nodes.filter((n) => n.resourceType !== 'unit_test');
  if (previewable.length === 1) return previewable[0] as ProjectNode;
  const asked = select.length ? `'${select.join(' ')}'` : 'no --select';
  const names = previewable.slice(0, 5).map((n) => n.name);
  const unitTests = nodes.length > 0 && previewable.length === 0;
  const message = unitTests
    ? `${asked} selects only unit tests, which have no rows of their own to preview: select their model, or run 'strata test'.`
    : previewable.length === 0
      ? `${asked} selects no node to preview: pass --select with one model, seed, snapshot, analysis or test, or --inline with SQL.`
      : `${asked} selects ${previewable.length} nodes (${names.join(', ')}${previewable.length > 5 ? ', ...' : ''}); select a single node to preview.`;
  throw new StrataUserError([diagnostic('invalid-selector', message)]);
}

/** Loads the project, then runs `fn` with a connection opened on first use and closed after. */
export async function withPreparedPool<T>(
  request: PreviewRequest,
  fn: (prepared: PreparedProject, withConnection: WithConnection) => Promise<T>,
): Promise<T> {
  // One node is previewed: the tests of a selected model do not join the selection.
  const prepared = prepareProject(request.inline !== undefined ? withoutSelection(request) : { ...request, indirectSelection: 'empty' });
  let pool: ConnectionPool | undefined;
  const withConnection: WithConnection = async (use) => {
    pool ??= await prepared.adapter.connect(prepared.project.target.config, { size: 1 });
    await pool.withConnection(use);
  };
  try {
    return await fn(prepared, withConnection);
  } finally {
    await pool?.close();
  }
}
