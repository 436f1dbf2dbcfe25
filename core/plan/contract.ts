import { derivedIdentifier } from '../adapter/derived-name.js';
import type { AdapterCapabilities } from '../adapter/adapter.js';
import type { SqlDialect } from '../adapter/dialect.js';
import type { ColumnInfo } from '../adapter/relation.js';
import { diagnostic, StrataUserError } from '../diagnostics/diagnostic.js';
import { declarationAt } from '../project/node-location.js';
import type { ConstraintDef, ProjectNode } from '../project/types.js';

const ALIASES: [RegExp, string][] = [
  [/^(int|integer|int4|int32|signed)$/, 'integer'],
  [/^(bigint|int8|int64|long)$/, 'bigint'],
  [/^(smallint|int2|int16|short)$/, 'smallint'],
  [/^(varchar|text|string|character varying|char varying|bpchar|char|character|nvarchar)(\s*\(\d+\))?$/, 'text'],
  [/^(double|double precision|float8|float64)$/, 'double'],
  [/^(real|float4|float32|float)$/, 'real'],
  [/^(bool|boolean|logical)$/, 'boolean'],
  [/^(timestamp|timestamp without time zone|datetime)(\s*\(\d+\))?$/, 'timestamp'],
  [/^(timestamptz|timestamp with time zone)(\s*\(\d+\))?$/, 'timestamptz'],
];

/** A type name in a form both databases' spellings reduce to (`INTEGER` = `int4`, `VARCHAR` = `text`). */
export function canonicalType(type: string): string {
  const t = type.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [pattern, name] of ALIASES) if (pattern.test(t)) return name;
  const decimal = /^(numeric|decimal)\s*(\(\s*(\d+)\s*(,\s*(\d+)\s*)?\))?$/.exec(t);
  if (decimal) return decimal[3] ? `numeric(${decimal[3]},${decimal[5] ?? 0})` : 'numeric';
  return t;
}

function sameType(declared: string, actual: string): boolean {
  const d = canonicalType(declared);
  const a = canonicalType(actual);
  // Decimals match by family: the table is created with the declared precision and the insert
  // casts to it, while each database widens sums differently (DuckDB DECIMAL(38,s), Postgres numeric).
  return d === a || (d.startsWith('numeric') && a.startsWith('numeric'));
}

/**
 * Compares the columns a model's SQL returns with its contract: names (in any order) and types.
 * Throws with every difference listed.
 */
export function checkContract(node: ProjectNode, actual: readonly ColumnInfo[]): void {
  const declared = Object.values(node.columns);
  const find = (name: string) => actual.find((c) => c.name.toLowerCase() === name.toLowerCase());
  const problems: string[] = [];
  for (const column of declared) {
    const got = find(column.name);
    if (!got) problems.push(`column '${column.name}' (${column.dataType}) is in the contract but not returned by the SQL`);
    else if (column.dataType && !sameType(column.dataType, got.dataType))
      problems.push(`column '${column.name}' is ${got.dataType} but the contract says ${column.dataType}`);
  }
  for (const column of actual) {
    if (!declared.some((c) => c.name.toLowerCase() === column.name.toLowerCase()))
      problems.push(`column '${column.name}' (${column.dataType}) is returned by the SQL but not in the contract`);
  }
  if (problems.length) {
    throw new StrataUserError([
      diagnostic('contract-mismatch', `${node.name} does not match its contract:\n  - ${problems.join('\n  - ')}`, declarationAt(node)),
    ]);
  }
}

/**
 * The create-table statement of a contracted table: declared types, and the constraints the
 * database enforces. Primary keys and unique constraints get a name unique to this build, because
 * the table is renamed into place and its index names must not collide with the previous build's.
 */
export function contractTableColumns(
  node: ProjectNode,
  dialect: SqlDialect,
  capabilities: AdapterCapabilities,
  buildId: string,
): { columns: { name: string; type: string }[]; tableConstraints: string[] } {
  const q = (c: string) => dialect.quoteIdentifier(c);
  // Cut to the identifier limit (63 bytes where the database says none) without losing the build id.
  const named = (kind: string, cols: string[]) =>
    q(derivedIdentifier(`${node.relation.identifier}_${cols.join('_')}`, `_${kind}_${buildId}`, capabilities.maxIdentifierBytes ?? 63));
  const render = (c: ConstraintDef, cols: string[]): string | undefined => {
    switch (c.type) {
      case 'not_null':
        return undefined; // written on the column itself
      case 'unique':
        return `constraint ${named('uq', cols)} unique (${cols.map(q).join(', ')})`;
      case 'primary_key':
        return `constraint ${named('pk', cols)} primary key (${cols.map(q).join(', ')})`;
      case 'check':
        return c.expression ? `check (${c.expression})` : undefined;
      case 'foreign_key': {
        // Where the database cannot keep them, prepareProject warns instead.
        if (!capabilities.foreignKeys) return undefined;
        const to = c.to ?? '';
        return `foreign key (${cols.map(q).join(', ')}) references ${to}${c.to_columns ? ` (${c.to_columns.map(q).join(', ')})` : ''}`;
      }
      case 'custom':
        return c.expression;
    }
  };
  const tableConstraints: string[] = [];
  const columns = Object.values(node.columns).map((column) => {
    const notNull = column.constraints.some((c) => c.type === 'not_null') ? ' not null' : '';
    for (const c of column.constraints) {
      const sql = render(c, [column.name]);
      if (sql) tableConstraints.push(sql);
    }
    return { name: column.name, type: `${column.dataType ?? 'text'}${notNull}` };
  });
  for (const c of node.constraints ?? []) {
    if (c.type === 'not_null') continue;
    const sql = render(c, c.columns ?? []);
    if (sql) tableConstraints.push(sql);
  }
  return { columns, tableConstraints };
}
