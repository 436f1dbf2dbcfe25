import type { Connection } from '../adapter/connection.js';
import { relationKey, type ExistingRelation, type Relation } from '../adapter/relation.js';

/**
 * What exists in each schema, listed once per schema per run instead of once per node, and
 * kept current as nodes build. Schemas are created on first use.
 */
export class RelationCache {
  private readonly schemas = new Map<string, Promise<Map<string, ExistingRelation>>>();

  /** The relation at `relation`'s name, if any; creates the schema when it is new. */
  async lookup(connection: Connection, relation: Relation): Promise<ExistingRelation | undefined> {
    const relations = await this.schema(connection, relation);
    return relations.get(relation.identifier.toLowerCase());
  }

  /** Records that a node built (or replaced) a relation. */
  async record(connection: Connection, relation: ExistingRelation): Promise<void> {
    (await this.schema(connection, relation)).set(relation.identifier.toLowerCase(), relation);
  }

  private schema(connection: Connection, relation: Relation): Promise<Map<string, ExistingRelation>> {
    const key = relationKey({ ...relation, identifier: '' }).toLowerCase();
    let entry = this.schemas.get(key);
    if (!entry) {
      const where = { schema: relation.schema, ...(relation.database ? { database: relation.database } : {}) };
      entry = connection
        .ensureSchema(where)
        .then(() => connection.listRelations(where))
        .then((list) => new Map(list.map((r) => [r.identifier.toLowerCase(), r])));
      // A failed listing is retried by the next node rather than cached.
      entry.catch(() => this.schemas.delete(key));
      this.schemas.set(key, entry);
    }
    return entry;
  }
}
