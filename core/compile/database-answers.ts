import type { Connection, QueryResult } from '../adapter/connection.js';
import type { ColumnInfo, ExistingRelation, Relation } from '../adapter/relation.js';
import { TemplateCallError } from '../template/call-args.js';

/** What a template asked the database during a render. */
export type DatabaseRequest =
  | { kind: 'query'; sql: string }
  | { kind: 'describe'; sql: string }
  | { kind: 'relation'; relation: Relation }
  | { kind: 'columns'; relation: Relation }
  | { kind: 'list'; schema: Pick<Relation, 'database' | 'schema'> }
  | { kind: 'schema'; schema: Pick<Relation, 'database' | 'schema'> };

type Answer = QueryResult | ExistingRelation | ExistingRelation[] | boolean | null | ColumnInfo[] | { error: string };

/**
 * Database answers for templates, which nunjucks renders synchronously. A render asks; an answer
 * known from an earlier round is returned at once, an unknown one is recorded as pending and a
 * placeholder (no rows, no relation) is returned instead. The caller then fetches every pending
 * answer and renders again, until a render asks nothing new (see docs/compatibility.md).
 *
 * Answers belong to the n-th time a render asks a question, so `get_relation(x)` before and after
 * `drop_relation(x)` are two questions. A statement that changes the database runs only when
 * every question before it had a real answer: after a placeholder the template may have taken a
 * branch it would not take (`{% if load_relation(this) is none %}create …`), so such a
 * statement waits for the next round. Once it ran, the answers to questions asked after it are
 * asked again.
 */
export class DatabaseAnswers {
  private readonly answers = new Map<string, Answer>();
  readonly pending = new Map<string, { request: DatabaseRequest; run: boolean }>();
  /** This render's questions, in the order asked, and how often each was asked so far. */
  private asked: string[] = [];
  private occurrences = new Map<string, number>();
  /** Whether this render has been given a placeholder. */
  private guessed = false;

  /** Starts a render (a round): questions are counted again from the first. */
  startRender(): void {
    this.asked = [];
    this.occurrences.clear();
    this.guessed = false;
  }

  /** The answer to a request, or `placeholder` (and the request recorded) when not known yet. */
  ask<T>(request: DatabaseRequest, placeholder: T): T {
    const question = JSON.stringify(request);
    const n = this.occurrences.get(question) ?? 0;
    this.occurrences.set(question, n + 1);
    const key = `${n}#${question}`;
    this.asked.push(key);
    if (!this.answers.has(key)) {
      this.pending.set(key, { request, run: !(this.guessed && changes(request)) });
      this.guessed = true;
      return placeholder;
    }
    const answer = this.answers.get(key);
    if (answer && typeof answer === 'object' && 'error' in answer) throw new TemplateCallError('database-error', answer.error);
    return answer as T;
  }

  /** Fetches every pending answer that may run, in the order asked. A failing query becomes an error raised where the template asked. */
  async fetch(connection: Connection): Promise<void> {
    for (const [key, { request, run }] of this.pending) {
      if (!run) continue;
      try {
        this.answers.set(key, await answerOf(connection, request));
      } catch (err) {
        const what =
          request.kind === 'query' || request.kind === 'describe'
            ? `run_query failed: ${(err as Error).message}`
            : `looking up ${'relation' in request ? `${request.relation.schema}.${request.relation.identifier}` : `schema ${request.schema.schema}`} failed: ${(err as Error).message}`;
        this.answers.set(key, { error: what });
      }
      if (changes(request)) this.forgetAfter(key);
    }
    this.pending.clear();
  }

  /** Drops the answers to reads asked after `key` in the last render: the database changed under them. */
  private forgetAfter(key: string): void {
    for (const later of this.asked.slice(this.asked.indexOf(key) + 1)) {
      if (!this.pending.has(later) && !changes(JSON.parse(later.slice(later.indexOf('#') + 1)) as DatabaseRequest))
        this.answers.delete(later);
    }
  }
}

/** Whether a request changes the database: a statement other than a read (`select`, `with`, `show`, …). */
function changes(request: DatabaseRequest): boolean {
  if (request.kind !== 'query') return false;
  const first = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*\(*\s*([a-z]+)/i.exec(request.sql)?.[1]?.toLowerCase();
  return (
    first !== undefined && !['select', 'with', 'show', 'describe', 'explain', 'values', 'table', 'pragma', 'summarize'].includes(first)
  );
}

async function answerOf(connection: Connection, request: DatabaseRequest): Promise<Answer> {
  if (request.kind === 'query') return connection.execute(request.sql);
  if (request.kind === 'describe') return connection.describeQuery(request.sql);
  if (request.kind === 'columns') return connection.getColumns(request.relation);
  if (request.kind === 'list') return connection.listRelations(request.schema);
  if (request.kind === 'schema') return schemaExists(connection, request.schema);
  const { relation } = request;
  const found = (await connection.listRelations(relation)).find((r) => r.identifier.toLowerCase() === relation.identifier.toLowerCase());
  return found ?? null;
}

/** Whether a schema exists (an empty one has no relations, so listing them cannot tell). */
async function schemaExists(connection: Connection, schema: Pick<Relation, 'database' | 'schema'>): Promise<boolean> {
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const { rows } = await connection.execute(
    `select 1 as found from information_schema.schemata where lower(schema_name) = lower(${quote(schema.schema)})${schema.database ? ` and lower(catalog_name) = lower(${quote(schema.database)})` : ''}`,
  );
  return rows.length > 0;
}
