import type { SqlDialect } from '../adapter/dialect.js';
import type { Relation } from '../adapter/relation.js';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import type { Connection } from '../adapter/connection.js';
import { DatabaseAnswers } from './database-answers.js';
import { databaseScope } from './database-context.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import { refKey } from '../graph/ref-key.js';
import type { ProjectNode } from '../project/types.js';
import type { ProjectForCompile } from './project-for-compile.js';
import { testKwargVariables } from '../project/test-kwargs.js';
import { baseScope } from '../template/base-scope.js';
import { TemplateCallError, splitArgs } from '../template/call-args.js';
import { engineFromFiles, type RenderScope, type TemplateEngine } from '../template/engine.js';
import { addEphemeralPrefix, cteRelation, makeRelation, relationValue, type RelationValue } from '../template/relation-value.js';
import { injectCtes, type Cte } from './inject-ctes.js';
import { graphContext, nodeContext } from './graph-context.js';
import { batchId, pythonIsoFormat, timestampLiteral } from '../plan/batches.js';
import { LAZY, nodeScopePrototype, type NodeScope } from './node-scope.js';

/** A node after the compile pass. */
export interface CompiledNode {
  /** Node id. */
  uniqueId: string;
  /** Executable SQL with ephemeral CTEs injected. */
  compiledSql: string;
}

/** Options for a compiler. */
export interface CompileOptions {
  /** Environment for `env_var()` (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** `--defer`: where refs to these (unselected) nodes read from instead, usually production. */
  deferred?: ReadonlyMap<string, Relation>;
  /** `--empty`: every ref and source reads no rows, to check SQL and schemas cheaply. */
  empty?: boolean;
  /** The engine the project was loaded with (`loadProjectWithEngine`); without one, the macro files are read and parsed again. */
  engine?: TemplateEngine;
}

/** Facts about one node's run that its SQL may depend on. */
export interface NodeCompileContext {
  /** What `is_incremental()` returns (default: false). */
  isIncremental?: boolean;
  /** For microbatch models: the batch being built; refs to models with `event_time` are filtered to it. */
  batch?: { start: Date; end: Date };
  /** Unit tests: fixed rows (as selects) that stand in for refs (`ref:name`), sources (`source:s.t`) and `this`. */
  fixtures?: ReadonlyMap<string, string>;
  /** Unit tests: var overrides. */
  vars?: Record<string, unknown>;
}

/** Runs a function with a database session (opened on first use, when a command has none yet). */
export type WithConnection = (fn: (connection: Connection) => Promise<void>) => Promise<void>;

/** How many times one node may render before its database questions must have settled. */
const MAX_DATABASE_ROUNDS = 10;

/** Name of the CTE holding a unit test's rows for one input. */
function fixtureCte(key: string): string {
  return `__strata__fixture__${key.replace(/[^A-Za-z0-9_]+/g, '_')}`;
}

interface RenderedBody {
  sql: string;
  /** Ephemeral nodes this body reads, each before the nodes that read it. */
  ephemerals: string[];
}

/** Second render pass: resolves relations, `this` and `is_incremental()` for one project. */
export class Compiler {
  private readonly engine: TemplateEngine;
  private readonly base: RenderScope;
  private readonly bodies = new Map<string, RenderedBody>();
  private readonly byName: Map<string, ProjectNode>;
  private readonly scopePrototype: RenderScope;
  /** Database answers, while {@link compileWithDatabase} runs. */
  private answers: DatabaseAnswers | undefined;

  constructor(
    private readonly project: ProjectForCompile,
    private readonly dag: DependencyGraph,
    private readonly dialect: SqlDialect,
    private readonly options: CompileOptions = {},
  ) {
    this.engine =
      options.engine ??
      engineFromFiles(project.root, project.macroFiles, {
        rootPackage: project.name,
        ...(project.settings?.dispatch ? { dispatch: project.settings.dispatch } : {}),
      });
    const target = project.target;
    this.base = baseScope({
      projectName: project.name,
      vars: project.vars,
      target: { ...target.info, name: target.targetName, profile_name: target.profileName },
      env: options.env ?? process.env,
      execute: true,
    });
    this.byName = new Map([...project.nodes.values()].map((n) => [n.name, n]));
    this.scopePrototype = nodeScopePrototype(this.base);
  }

  /** Compiles one node; template errors throw {@link StrataUserError} with file and line. */
  compile(uniqueId: string, context: NodeCompileContext = {}): CompiledNode {
    // Without a database, a template that asks one cannot be compiled right: say so.
    const own = this.answers === undefined;
    if (own) this.answers = new DatabaseAnswers();
    try {
      const body = this.body(uniqueId, context);
      const fixtures: Cte[] = [...(context.fixtures ?? [])].map(([key, sql]) => ({
        name: this.dialect.quoteIdentifier(fixtureCte(key)),
        sql,
      }));
      const ctes: Cte[] = [
        ...fixtures,
        ...body.ephemerals.map((id) => ({ name: this.cteName(id), sql: this.body(id, ephemeralContext(context)).sql })),
      ];
      if (own && (this.answers?.pending.size ?? 0) > 0) {
        const node = this.project.nodes.get(uniqueId);
        throw new StrataUserError([
          diagnostic(
            'template-render',
            `${node?.name ?? uniqueId} asks the database while compiling (run_query, statement or adapter.get_relation), which this command cannot do here.`,
            { file: node?.originalFilePath ?? uniqueId, line: 1, column: 1 },
          ),
        ]);
      }
      return { uniqueId, compiledSql: injectCtes(body.sql, ctes) };
    } finally {
      if (own) this.answers = undefined;
    }
  }

  /**
   * Compiles one node whose templates may ask the database (`run_query`, `statement`,
   * `adapter.get_relation`, ...): renders, fetches what was asked, renders again, until nothing
   * new is asked. Templates see real answers; nunjucks itself stays synchronous.
   */
  compileWithDatabase(uniqueId: string, context: NodeCompileContext, withConnection: WithConnection): Promise<CompiledNode> {
    return this.withDatabase(() => this.compile(uniqueId, context), withConnection, this.project.nodes.get(uniqueId));
  }

  /** A node's pre- and post-hooks, rendered in its compile scope; they may ask the database too. */
  renderHooksWithDatabase(
    uniqueId: string,
    hooks: readonly string[],
    context: NodeCompileContext,
    withConnection: WithConnection,
  ): Promise<string[]> {
    return this.withDatabase(
      () => hooks.map((sql) => this.renderHook(uniqueId, sql, context)),
      withConnection,
      this.project.nodes.get(uniqueId),
    );
  }

  /** `on-run-start` / `on-run-end`: {@link renderOperation}, answering what it asks the database. */
  renderOperationWithDatabase(text: string, file: string, extra: RenderScope, withConnection: WithConnection): Promise<string> {
    return this.withDatabase(() => this.renderOperation(text, file, extra), withConnection, undefined, file);
  }

  /**
   * Renders until a render asks the database nothing new: each round fetches what the last one
   * asked. A round that fails while it asked something new was rendered on placeholders (no rows,
   * no relation) and is judged again with the answers; a round that asked nothing fails for real.
   */
  private async withDatabase<T>(render: () => T, withConnection: WithConnection, node: ProjectNode | undefined, file?: string): Promise<T> {
    const answers = new DatabaseAnswers();
    for (let round = 1; ; round++) {
      this.answers = answers;
      answers.startRender();
      let rendered: { value: T } | undefined;
      try {
        rendered = { value: render() };
      } catch (err) {
        if (answers.pending.size === 0) throw err;
      } finally {
        this.answers = undefined;
      }
      if (answers.pending.size === 0 && rendered) return rendered.value;
      if (round === MAX_DATABASE_ROUNDS) {
        throw new StrataUserError([
          diagnostic(
            'template-render',
            `${node?.name ?? file ?? 'template'}: templates kept asking the database new questions after ${MAX_DATABASE_ROUNDS} rounds (a query that depends on its own result?).`,
            { file: node?.originalFilePath ?? file ?? '', line: 1, column: 1 },
          ),
        ]);
      }
      await withConnection((connection) => answers.fetch(connection));
    }
  }

  /**
   * Renders a project-level template (`on-run-start`, `on-run-end`): vars, target, macros and
   * `extra` (e.g. `results`, `schemas`), but no node.
   */
  renderOperation(text: string, file: string, extra: RenderScope = {}): string {
    const rendered = this.engine.renderString(text, file, { ...this.base, ...databaseScope(this.dialect, this.answers), ...extra });
    if (rendered.diagnostic) throw new StrataUserError([rendered.diagnostic]);
    return rendered.output ?? '';
  }

  /** Renders a hook (`pre_hook`, `post_hook`) in its node's compile scope (`this`, `ref`, ...). */
  renderHook(uniqueId: string, sql: string, context: NodeCompileContext = {}): string {
    const node = this.project.nodes.get(uniqueId);
    if (!node) throw new Error(`compile: unknown node ${uniqueId}`);
    const rendered = this.engine.renderString(sql, node.originalFilePath, this.scope(node, [], context));
    if (rendered.diagnostic)
      throw new StrataUserError([{ ...rendered.diagnostic, message: `In a hook of ${node.name}: ${rendered.diagnostic.message}` }]);
    return rendered.output ?? '';
  }

  /**
   * Renders a small expression in a node's compile scope, e.g. a contract's foreign key target
   * `ref('customers')`. Errors throw {@link StrataUserError}.
   */
  renderExpression(uniqueId: string, expression: string): string {
    const node = this.project.nodes.get(uniqueId);
    if (!node) throw new Error(`compile: unknown node ${uniqueId}`);
    const rendered = this.engine.renderString(`{{ ${expression} }}`, node.patchPath ?? node.originalFilePath, this.scope(node, [], {}));
    if (rendered.diagnostic) throw new StrataUserError([rendered.diagnostic]);
    return rendered.output ?? '';
  }

  private body(uniqueId: string, context: NodeCompileContext): RenderedBody {
    // Only context-free renders are shared: is_incremental() and batches change a node's SQL.
    const cacheable = Object.keys(context).length === 0;
    const cached = cacheable ? this.bodies.get(uniqueId) : undefined;
    if (cached) return cached;
    const node = this.project.nodes.get(uniqueId);
    if (!node) throw new Error(`compile: unknown node ${uniqueId}`);
    const direct: string[] = [];
    const compiled = this.engine.compile(node.rawCode, node.originalFilePath);
    if (!compiled.template) throw new StrataUserError([compiled.diagnostic]);
    const asked = this.answers?.pending.size ?? 0;
    const scope = this.scope(node, direct, context);
    // A generic test's arguments with Jinja in them render now, in the test's scope (dbt's add_rendered_test_kwargs).
    const kwargs = testKwargVariables(this.engine, node, scope);
    if (kwargs.diagnostic) throw new StrataUserError([kwargs.diagnostic]);
    const rendered = this.engine.render(compiled.template, scope, kwargs.variables);
    // A generic test's SQL is generated: its problems belong at the test's entry in the properties file.
    if (rendered.diagnostic)
      throw new StrataUserError([node.test?.declaredAt ? { ...rendered.diagnostic, at: node.test.declaredAt } : rendered.diagnostic]);
    // A render that asked the database something new is a draft: render again once answered.
    const draft = (this.answers?.pending.size ?? 0) > asked;
    // Ephemeral parents first (recursively), each once, so every CTE is defined before use.
    const ephemerals: string[] = [];
    for (const id of direct) {
      for (const inner of [...this.body(id, ephemeralContext(context)).ephemerals, id])
        if (!ephemerals.includes(inner)) ephemerals.push(inner);
    }
    const body = { sql: rendered.output ?? '', ephemerals };
    if (cacheable && !draft) this.bodies.set(uniqueId, body);
    return body;
  }

  private cteName(uniqueId: string): string {
    return this.dialect.quoteIdentifier(addEphemeralPrefix(this.project.nodes.get(uniqueId)?.name ?? uniqueId));
  }

  private scope(node: ProjectNode, ephemerals: string[], context: NodeCompileContext): RenderScope {
    const resolved = this.dag.resolvedRefs.get(node.uniqueId) ?? new Map<string, string>();
    const ref = (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const name = String(positional[positional.length - 1]);
      const call = {
        name,
        version: (keywords.v ?? keywords.version) as string | number | undefined,
        ...(positional.length === 2 ? { package: String(positional[0]) } : {}),
      };
      if (context.fixtures?.has(`ref:${name}`)) return cteRelation(fixtureCte(`ref:${name}`), this.dialect);
      const targetId = resolved.get(refKey(call));
      // An ephemeral model without rows of its own is inlined, its refs answered by the same fixtures.
      if (context.fixtures && (!targetId || this.project.nodes.get(targetId)?.config.materialized !== 'ephemeral')) {
        throw new TemplateCallError(
          'invalid-unit-test',
          `The unit test gives no rows for ref('${name}'); add it under 'given:' (rows may be empty).`,
        );
      }
      if (!targetId) {
        const hint = this.byName.has(name)
          ? ` '${name}' exists, but this ref only runs in the compile pass; add "-- depends_on: {{ ref('${name}') }}" at the top of the file so Strata sees it while parsing.`
          : didYouMean(name, this.byName.keys());
        throw new TemplateCallError('unknown-ref', `${node.name} refers to ref('${name}'), which was not found while parsing.${hint}`);
      }
      const external = this.project.externals.get(targetId);
      if (external) return this.emptied(external.relation) ?? relationValue(external.relation, this.dialect);
      const target = this.project.nodes.get(targetId) as ProjectNode;
      if (target.config.materialized === 'ephemeral') {
        if (!ephemerals.includes(targetId)) ephemerals.push(targetId);
        return cteRelation(addEphemeralPrefix(target.name), this.dialect);
      }
      const relation = this.options.deferred?.get(targetId) ?? target.relation;
      return (
        this.batchFiltered(relation, target.config.event_time, context) ?? this.emptied(relation) ?? relationValue(relation, this.dialect)
      );
    };
    const source = (...args: unknown[]) => {
      const [sourceName, table] = splitArgs(args).positional.map(String);
      const fixtureKey = `source:${sourceName}.${table}`;
      if (context.fixtures?.has(fixtureKey)) return cteRelation(fixtureCte(fixtureKey), this.dialect);
      if (context.fixtures)
        throw new TemplateCallError(
          'invalid-unit-test',
          `The unit test gives no rows for source('${sourceName}', '${table}'); add it under 'given:'.`,
        );
      const found = this.project.sources.get(`source.${node.packageName}.${sourceName}.${table}`);
      if (!found) throw new TemplateCallError('unknown-source', `source('${sourceName}', '${table}') is not declared under 'sources:'.`);
      const eventTime = found.eventTime ?? ((found.meta.event_time ?? undefined) as string | undefined);
      return (
        this.batchFiltered(found.relation, eventTime, context) ??
        this.emptied(found.relation) ??
        relationValue(found.relation, this.dialect)
      );
    };
    const configGet = (key: string, fallback?: unknown) => (node.config as Record<string, unknown>)[key] ?? fallback;
    const prototype = context.vars
      ? nodeScopePrototype({ ...this.base, var: overrideVars(this.base.var as VarFunction, context.vars) })
      : this.scopePrototype;
    // What few templates use is built when first read: most nodes never look at `model` or the database.
    const answers = this.answers;
    let database: RenderScope | undefined;
    let model: Record<string, unknown> | undefined;
    const scope = Object.create(prototype) as NodeScope;
    scope.ref = ref;
    scope.source = source;
    scope.__strata_where = (relation: RelationValue, where: string) =>
      makeRelation(relation.toRelation(), this.dialect, { renderedAs: `(select * from ${String(relation)} where ${where}) dbt_subquery` });
    scope.config = Object.assign(() => '', { get: configGet, require: configGet });
    scope.this = context.fixtures?.has('this') ? cteRelation(fixtureCte('this'), this.dialect) : relationValue(node.relation, this.dialect);
    scope.is_incremental = () => context.isIncremental ?? false;
    scope[LAZY] = {
      model: () =>
        (model ??= {
          ...nodeContext(this.project, this.dag, node, this.dialect),
          // dbt's BatchContext as the model's dict has it: an id and the bounds in Python's isoformat.
          ...(context.batch
            ? {
                batch: {
                  id: batchId(context.batch.start, node.config.batch_size ?? 'day'),
                  event_time_start: pythonIsoFormat(context.batch.start),
                  event_time_end: pythonIsoFormat(context.batch.end),
                },
              }
            : {}),
        }),
      database: () => (database ??= databaseScope(this.dialect, answers)),
      graph: () => this.graph(),
    };
    return scope;
  }

  /** Whether any template read `graph` (it describes the whole project, so its SQL depends on every node). */
  usedGraph = false;
  private graphValue: ReturnType<typeof graphContext> | undefined;

  /** `graph`, built when a template first reads it. */
  private graph(): unknown {
    const value = () => {
      this.usedGraph = true;
      this.graphValue ??= graphContext(this.project, this.dag, this.dialect);
      return this.graphValue as Record<string | symbol, unknown>;
    };
    return new Proxy(
      {},
      {
        get: (_, key) => value()[key],
        ownKeys: () => Reflect.ownKeys(value()),
        getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
      },
    );
  }

  /** With `--empty`, a relation renders as a subquery with no rows (aliased as dbt does). */
  private emptied(relation: Relation): RelationValue | undefined {
    if (!this.options.empty) return undefined;
    const alias = this.dialect.quoteIdentifier(`_dbt_limit_subq_${relation.identifier}`);
    return makeRelation(relation, this.dialect, {
      renderedAs: `(select * from ${relation.readAs ?? this.dialect.qualify(relation)} where 1 = 0) ${alias}`,
    });
  }

  /** In a microbatch, an upstream with `event_time` renders as a subquery limited to the batch. */
  private batchFiltered(
    relation: ProjectNode['relation'],
    eventTime: string | null | undefined,
    context: NodeCompileContext,
  ): RelationValue | undefined {
    if (!context.batch || !eventTime) return undefined;
    const q = this.dialect.quoteIdentifier(eventTime);
    const bound = (d: Date) => `cast(${this.dialect.quoteString(timestampLiteral(d))} as timestamp)`;
    // Aliased as dbt does, since Postgres before 16 needs an alias on a subquery in FROM.
    const alias = this.dialect.quoteIdentifier(`_dbt_et_filter_subq_${relation.identifier}`);
    const sql = `(select * from ${relation.readAs ?? this.dialect.qualify(relation)} where ${q} >= ${bound(context.batch.start)} and ${q} < ${bound(context.batch.end)}) ${alias}`;
    return makeRelation(relation, this.dialect, { renderedAs: sql });
  }
}

/** `var()` as the base scope makes it (core/template/base-scope.ts). */
type VarFunction = ((...args: unknown[]) => unknown) & { has_var: (name: unknown) => boolean };

/** `var()` that answers from `overrides` first (unit tests' `overrides: vars:`). */
function overrideVars(original: VarFunction, overrides: Record<string, unknown>): (...args: unknown[]) => unknown {
  const fn = (...args: unknown[]) => {
    const name = String(splitArgs(args).positional[0]);
    return Object.prototype.hasOwnProperty.call(overrides, name) ? overrides[name] : original(...args);
  };
  const hasVar = original.has_var;
  return Object.assign(fn, { has_var: (name: unknown) => Object.prototype.hasOwnProperty.call(overrides, String(name)) || hasVar(name) });
}

/** What an ephemeral model inlined into a node is compiled with: the same fixtures and vars, nothing else. */
function ephemeralContext(context: NodeCompileContext): NodeCompileContext {
  return { ...(context.fixtures ? { fixtures: context.fixtures } : {}), ...(context.vars ? { vars: context.vars } : {}) };
}
