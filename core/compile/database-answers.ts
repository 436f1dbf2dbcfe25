import type { Connection, QueryResult } from '../adapter/connection.js';
import type { ColumnInfo, ExistingRelation, Relation } from '../adapter/relation.js';
import { TemplateCallError } from '../template/call-args.js';

/** What a template asked the database during a render. */
export type DatabaseRequest =
  | { kind: 'query'; sql: string }
  | { kind: 'relation'; relation: Relation }
  | { kind: 'columns'; relation: Relation };

type Answer = QueryResult | ExistingRelation | null | ColumnInfo[] | { error: string };

/**
 * Database answers for templates, which nunjucks renders synchronously. A render asks; an answer
 * known from an earlier round is returned at once, an unknown one is recorded as pending and a
 * placeholder (no rows, no relation) is returned instead. The caller then fetches every pending
 * answer and renders again, until a render asks nothing new (see docs/compatibility.md).
 */
export class DatabaseAnswers {
  private readonly answers = new Map<string, Answer>();
  readonly pending = new Map<string, DatabaseRequest>();

  /** The answer to a request, or `placeholder` (and the request recorded) when not known yet. */
  ask<T>(request: DatabaseRequest, placeholder: T): T {
    const key = JSON.stringify(request);
    if (!this.answers.has(key)) {
      this.pending.set(key, request);
      return placeholder;
    }
    const answer = this.answers.get(key);
    if (answer && typeof answer === 'object' && 'error' in answer) throw new TemplateCallError('database-error', answer.error);
    return answer as T;
  }

  /** Fetches every pending answer. A failing query becomes an error raised where the template asked. */
  async fetch(connection: Connection): Promise<void> {
    for (const [key, request] of this.pending) {
      try {
        this.answers.set(key, await answerOf(connection, request));
      } catch (err) {
        const what = request.kind === 'query' ? `run_query failed: ${(err as Error).message}` : `looking up ${request.relation.schema}.${request.relation.identifier} failed: ${(err as Error).message}`;
        this.answers.set(key, { error: what });
      }
    }
    this.pending.clear();
  }
}

async function answerOf(connection: Connection, request: DatabaseRequest): Promise<Answer> {
  if (request.kind === 'query') return connection.execute(request.sql);
  if (request.kind === 'columns') return connection.getColumns(request.relation);
  const { relation } = request;
  const found = (await connection.listRelations(relation)).find((r) => r.identifier.toLowerCase() === relation.identifier.toLowerCase());
  return found ?? null;
}
