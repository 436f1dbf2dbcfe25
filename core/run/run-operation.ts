import { artifactMetadata, newInvocation, RUN_RESULTS_SCHEMA, writeRunResults } from '../artifacts/run-results.js';
import type { Connection } from '../adapter/connection.js';
import { Compiler } from '../compile/compiler.js';
import { prepareProject, type PreparedProject } from '../compile/compile-project.js';
import { graphContext } from '../compile/graph-context.js';
import { operationRefs } from '../compile/operation-refs.js';
import { diagnostic, StrataUserError, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { LoadOptions } from '../project/load-project.js';
import type { Project } from '../project/types.js';
import { splitArgs } from '../template/call-args.js';
import { templateLog, withInvocation } from '../template/invocation.js';
import { parseFlagMapping } from '../project/parse-vars.js';

/** Options for `strata run-operation`. */
export interface OperationOptions extends LoadOptions {
  /** The macro to call: `name`, or `package.name`. */
  macro: string;
  /** Keyword arguments for the macro (`--args`, already parsed). */
  args?: Record<string, unknown>;
  /** Called once the project is loaded, before the macro runs (the CLI prints warnings here). */
  onPrepared?: (prepared: PreparedProject) => void;
}

/** How an operation ended. */
export interface OperationOutcome {
  /** The loaded project (its warnings are in `prepared.warnings`). */
  prepared: PreparedProject;
  /** `macro.<package>.<name>`, as run_results.json records it. */
  uniqueId: string;
  /** Whether the macro ran to its end. */
  success: boolean;
  /** What stopped it (a raised compiler error, a failing statement). */
  diagnostics: Diagnostic[];
  /** Seconds spent. */
  elapsed: number;
}

/** Reads `--args` (a YAML or JSON mapping, as dbt's). */
export function parseOperationArgs(text: string | undefined): Record<string, unknown> {
  return parseFlagMapping(text, '--args', 'invalid-operation-args', '{table: orders}');
}

/**
 * `strata run-operation`: calls one macro with keyword arguments on the target, with the whole
 * compile context (run_query, statement, adapter.*, ref, source, log). What it runs is committed
 * statement by statement. Writes run_results.json with one result.
 */
export function runOperation(options: OperationOptions): Promise<OperationOutcome> {
  const invocation = newInvocation({ which: 'run-operation', macro: options.macro, args: options.args ?? {}, vars: options.vars ?? {} });
  return withInvocation(invocation, async () => {
    const prepared = prepareProject(options);
    const { project, adapter, engine, dag } = prepared;
    const target = findMacro(project, engine.macros, options.macro);
    options.onPrepared?.(prepared);
    const startedAt = new Date();
    const logs = roundLogs();
    // `graph` too: operations that drop stale relations or write YAML walk the project's nodes.
    const extra = { ...operationRefs(project, adapter.dialect), log: logs.log, graph: graphContext(project, dag, adapter.dialect) };
    // The macro's output is dropped (as dbt's): only what it runs and logs counts.
    const text = `{% do ${target.callee}(**${jinjaLiteral(options.args ?? {})}) %}`;
    const compiler = new Compiler(project, dag, adapter.dialect, { engine, ...(options.env ? { env: options.env } : {}) });
    const diagnostics: Diagnostic[] = [];
    const pool = await adapter.connect(project.target.config, { size: 1 });
    try {
      // The database is asked between two renders: the next render's logs replace this one's.
      const render = (connection: Connection) =>
        compiler.renderOperationWithDatabase(text, target.file, extra, (fn) => {
          logs.startRound();
          return fn(connection);
        });
      // Each statement commits as it runs: templates are rendered speculatively (a read may be
      // asked before the write it depends on), and one failed read would abort a transaction.
      await pool.withConnection(render);
    } catch (err) {
      if (!(err instanceof StrataUserError)) throw err;
      diagnostics.push(...err.diagnostics);
    } finally {
      logs.flush();
      await pool.close();
    }
    const completedAt = new Date();
    const elapsed = (completedAt.getTime() - startedAt.getTime()) / 1000;
    const success = diagnostics.length === 0;
    writeRunResults(project, {
      metadata: artifactMetadata(RUN_RESULTS_SCHEMA, invocation),
      results: [
        {
          status: success ? 'success' : 'error',
          timing: [{ name: 'execute', started_at: startedAt.toISOString(), completed_at: completedAt.toISOString() }],
          thread_id: 'MainThread',
          execution_time: elapsed,
          adapter_response: {},
          message: success ? null : diagnostics.map((d) => d.message).join('\n'),
          failures: success ? 0 : 1,
          unique_id: target.uniqueId,
          compiled: false,
          compiled_code: null,
          relation_name: null,
          batch_results: null,
        },
      ],
      elapsed_time: elapsed,
      args: invocation.args,
    });
    return { prepared, uniqueId: target.uniqueId, success, diagnostics, elapsed };
  });
}

/** The macro `name` or `package.name` names, or a clear error with the closest name. */
function findMacro(
  project: Project,
  engineMacros: ReadonlyMap<string, string>,
  spelled: string,
): { callee: string; uniqueId: string; file: string } {
  const dot = spelled.indexOf('.');
  const pkg = dot >= 0 ? spelled.slice(0, dot) : undefined;
  const name = dot >= 0 ? spelled.slice(dot + 1) : spelled;
  const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
  const candidates = project.macros.filter((m) => m.name === name && (pkg === undefined || m.uniqueId === `macro.${pkg}.${name}`));
  // An unqualified name is the root project's macro, else a package's (as dbt resolves it).
  const found = candidates.find((m) => m.uniqueId === `macro.${project.name}.${name}`) ?? candidates[0];
  if (found && identifier.test(name) && (pkg === undefined || identifier.test(pkg)))
    return { callee: pkg ? `${pkg}.${name}` : name, uniqueId: found.uniqueId, file: found.file };
  // Strata's own macros (dbt's global ones) can be called too.
  if ((pkg === undefined || pkg === 'dbt') && identifier.test(name) && engineMacros.has(name))
    return { callee: pkg ? `dbt.${name}` : name, uniqueId: `macro.dbt.${name}`, file: engineMacros.get(name) ?? name };
  const known = pkg === undefined ? project.macros.map((m) => m.name) : project.macros.map((m) => m.uniqueId.slice('macro.'.length));
  throw new StrataUserError([
    diagnostic('unknown-macro', `No macro named '${spelled}' in the project or its packages.${didYouMean(spelled, [...new Set(known)])}`),
  ]);
}

/**
 * `log()` for an operation. Templates that ask the database are rendered again once it answered
 * (see database-answers.ts), so messages are kept per render and only the last render's are shown:
 * the one that ran with every real answer.
 */
function roundLogs(): { log: (...args: unknown[]) => string; startRound: () => void; flush: () => void } {
  let messages: string[] = [];
  return {
    log: (...args) => {
      const { positional, keywords } = splitArgs(args);
      if (keywords.info === true || positional[1] === true) messages.push(String(positional[0]));
      return '';
    },
    startRound: () => {
      messages = [];
    },
    flush: () => {
      for (const message of messages) templateLog(message);
      messages = [];
    },
  };
}

/** A value from `--args` written as a Jinja literal, so the call reads exactly what the user passed. */
export function jinjaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return jinjaLiteral(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(jinjaLiteral).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${jinjaLiteral(k)}: ${jinjaLiteral(v)}`)
      .join(', ')}}`;
  const escapes: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return `'${String(value).replace(/[\\'\n\r\t]/g, (c) => escapes[c] ?? c)}'`;
}
