import type { Rng } from './generator-random.js';
import { BOOL, COLUMN, FLOAT, INT, isList, listOf, NONE, STR, type Field, type Json, type Ty, type Var } from './generator-types.js';

// The values of generated templates: string literals, the pools literals and context values are drawn
// from, and the case's context.

/** Jinja string literal for a value, with varied quotes and escapes. */
export function strLiteral(rng: Rng, value: string): string {
  const quote = rng.chance(0.3) ? '"' : "'";
  let out = '';
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += rng.chance(0.8) ? '\\n' : '\n';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) > 127 && rng.chance(0.4)) out += '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
    else out += ch;
  }
  return quote + out + quote;
}

// '007', not '42': a dict key that reads as an array index ('42') is ordered first by JavaScript
// (a known difference, docs/compatibility.md); '007' is all digits but not an index.
export const STRINGS = [
  '',
  'a',
  'abc',
  'hello world',
  'Hello World',
  '  padded  ',
  "it's",
  'say "hi"',
  'a,b,c',
  'line1\nline2',
  'MiXeD case',
  'snake_case_name',
  'café',
  '007',
  '3.5',
  'x < y & z',
  'tab\there',
  'UPPER',
  'lower',
  'orders',
  'customer_id',
  '%',
  'a b  c',
  '-7',
  'True',
  'None',
  '{x}',
  'back\\slash',
  ' ',
  'ab',
  'b',
  'Zeta',
  'zeta',
];
export const INTS = [0, 1, 2, 3, 4, 5, 7, 10, 12, 42, 100, -1, -3, -7, 15, 8, 9, 6, 11, 64];
const FLOATS = [1.5, 0.25, 2.75, -0.5, 3.14, 0.1, 19.99, 1.05, 100.5, -2.25, 0.3, 7.125, 2.5, 0.5, 1e-7, 12345.678];
export const FLOAT_LITERALS = [
  '1.5',
  '2.0',
  '0.25',
  '3.14',
  '10.0',
  '0.1',
  '2.50',
  '1e3',
  '1.5e-3',
  '0.0',
  '1_000.5',
  '7.5',
  '0.5',
  '100.0',
  '2.675',
];
export const FIELD_NAMES = [
  'a',
  'b',
  'name',
  'enabled',
  'schema',
  'alias',
  'tags',
  'meta',
  'owner',
  'x',
  'y',
  'n',
  'my key',
  'kebab-key',
  'materialized',
  'id',
  'items',
];
const LIST_NAMES: Partial<Record<string, readonly string[]>> = {
  int: ['nums', 'ids', 'counts'],
  str: ['words', 'tags', 'names'],
  float: ['prices', 'rates'],
  num: ['values_', 'amounts'],
  bool: ['flags'],
  scalar: ['mixed', 'items'],
  list: ['matrix', 'pairs'],
  any: ['things', 'stuff'],
  dict: ['cols', 'columns'],
};
export const COLUMN_TYPES = ['int', 'text', 'date', 'bool', 'numeric'];
const COLUMN_NAMES = ['id', 'name', 'amount', 'created_at', 'Status', 'email', 'is_active', 'zip'];

/** The case's context: 3 to 7 variables of varied types, each named from a pool that fits it. */
export function contextVars(rng: Rng, freshName: (pool: readonly string[]) => string): Var[] {
  const kinds = ['int', 'int', 'float', 'str', 'str', 'bool', 'none', 'list', 'list', 'list', 'dict', 'dict', 'cols'] as const;
  const count = rng.int(3, 7);
  const vars: Var[] = [];
  const names: Record<(typeof kinds)[number], readonly string[]> = {
    int: ['n', 'count_', 'limit', 'days', 'offset_', 'k'],
    float: ['price', 'ratio', 'rate'],
    str: ['s', 'label', 'schema', 'prefix', 'word', 'title_'],
    bool: ['flag', 'enabled', 'is_full'],
    none: ['nothing', 'owner'],
    list: ['items', 'things'],
    dict: ['cfg', 'meta', 'model', 'info'],
    cols: ['cols', 'columns', 'fields'],
  };
  const first = rng.chance(0.4) ? (['int', 'str', 'cols'] as const) : (['int', 'str', 'list'] as const);
  for (let i = 0; i < count; i++) {
    const kind = first[i] ?? rng.pick(kinds);
    const entry = contextValue(rng, kind);
    const of = isList(entry.ty) ? entry.ty.of.k : '';
    const name = freshName(LIST_NAMES[of] ?? names[kind]);
    vars.push({ name, ...entry });
  }
  return vars;
}

function contextValue(rng: Rng, kind: string): { ty: Ty; value: Json } {
  switch (kind) {
    case 'int':
      return { ty: INT, value: rng.pick(INTS) };
    case 'float':
      return { ty: FLOAT, value: rng.pick(FLOATS) };
    case 'str':
      return { ty: STR, value: rng.pick(STRINGS) };
    case 'bool':
      return { ty: BOOL, value: rng.chance(0.5) };
    case 'none':
      return { ty: NONE, value: null };
    case 'list':
      return contextList(rng);
    case 'dict':
      return contextDict(rng, 2);
    default:
      return columns(rng);
  }
}

function contextList(rng: Rng): { ty: Ty; value: Json } {
  const length = rng.weighted([
    [1, 0],
    [2, 1],
    [4, 2],
    [5, 3],
    [3, 4],
    [1, 6],
  ] as const);
  const kind = rng.weighted([
    [4, 'int'],
    [4, 'str'],
    [2, 'float'],
    [2, 'num'],
    [1, 'bool'],
    [2, 'scalar'],
    [1, 'list'],
    [1, 'any'],
  ] as const);
  const values: Json[] = [];
  for (let i = 0; i < length; i++) values.push(elementValue(rng, kind));
  const of: Ty = kind === 'list' ? listOf(INT) : { k: kind };
  return { ty: listOf(of, length), value: values };
}

function elementValue(rng: Rng, kind: string): Json {
  switch (kind) {
    case 'int':
      return rng.pick(INTS);
    case 'float':
      return rng.pick(FLOATS);
    case 'num':
      return rng.chance(0.5) ? rng.pick(INTS) : rng.pick(FLOATS);
    case 'str':
      return rng.pick(STRINGS);
    case 'bool':
      return rng.chance(0.5);
    case 'list':
      return [rng.pick(INTS), rng.pick(INTS)];
    case 'scalar':
      return elementValue(rng, rng.pick(['int', 'float', 'str', 'bool', 'none']));
    case 'any':
      return elementValue(rng, rng.pick(['int', 'str', 'none', 'list', 'dict']));
    case 'dict':
      return { a: rng.pick(INTS), b: rng.pick(STRINGS) };
    default:
      return null;
  }
}

function contextDict(rng: Rng, depth: number): { ty: Ty; value: Json } {
  const fields: Field[] = [];
  const value: { [key: string]: Json } = {};
  const count = rng.int(1, 4);
  for (let i = 0; i < count; i++) {
    const key = rng.pick(FIELD_NAMES);
    if (key in value) continue;
    const kind = rng.weighted([
      [3, 'int'],
      [3, 'str'],
      [1, 'float'],
      [2, 'bool'],
      [1, 'none'],
      [2, 'list'],
      [depth > 1 ? 2 : 0, 'dict'],
    ] as const);
    const entry = kind === 'dict' ? contextDict(rng, depth - 1) : contextValue(rng, kind);
    fields.push({ key, ty: entry.ty });
    value[key] = entry.value;
  }
  return { ty: { k: 'dict', fields }, value };
}

/** A dbt-like column list: dicts with name, type and value. */
function columns(rng: Rng): { ty: Ty; value: Json } {
  const length = rng.weighted([
    [1, 0],
    [2, 1],
    [4, 2],
    [4, 3],
    [2, 4],
  ] as const);
  const value: Json[] = [];
  for (let i = 0; i < length; i++) {
    value.push({ name: rng.pick(COLUMN_NAMES), type: rng.pick(COLUMN_TYPES), value: rng.chance(0.7) ? rng.pick(INTS) : rng.pick(FLOATS) });
  }
  return { ty: listOf(COLUMN, length), value };
}
