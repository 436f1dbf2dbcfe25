import { hash } from 'node:crypto';
import { repr, str } from '../template/py-values.js';
import type { TestInfo } from './types.js';

/**
 * A generic test's name, file name and unique id, computed exactly as dbt computes them
 * (`synthesize_generic_test_names` and `create_test_node` in dbt-core's parser): `--state`
 * against a manifest dbt wrote finds the same tests only when every character agrees.
 * dbt's formulas run on Python values, so `str()` and `repr()` here are Python's (py-values.ts).
 */

/** dbt's `test_metadata`: the test macro's name, package and arguments (with `column_name` and `model`). */
export interface TestMetadata {
  name: string;
  kwargs: Record<string, unknown>;
  namespace: string | null;
}

/** The names dbt gives a generic test: `full` for its name, unique id and fqn; `short` for its alias and file. */
export interface TestNames {
  full: string;
  short: string;
}

/** dbt's names longer than this get a short name (a cut identifier and an md5) for their alias and file. */
const MAX_NAME = 63;

/**
 * `<test>_<target>_<arguments>`: the arguments sorted by name (without `model`), a mapping's
 * values and a list's items taken one by one, each Python's `str()` with every run of characters
 * other than ASCII letters, digits and `_` made one `_`, joined by `__`.
 */
export function syntheticTestNames(testType: string, target: string, args: Record<string, unknown>): TestNames {
  const parts = pythonSorted(Object.keys(args))
    .filter((name) => name !== 'model')
    .flatMap((name) => {
      const value = args[name];
      if (Array.isArray(value)) return value;
      return value !== null && typeof value === 'object' ? Object.values(value) : [value];
    })
    .map((part) => str(part).replace(/[^0-9a-zA-Z_]+/g, '_'));
  const identifier = `${testType}_${target}`;
  const full = `${identifier}_${parts.join('__')}`;
  if ([...full].length <= MAX_NAME) return { full, short: full };
  return { full, short: `${[...identifier].slice(0, 30).join('')}_${md5(full)}` };
}

/** The last part of a generic test's unique id: the md5 of its name and the repr of its hashable metadata, last 10 digits. */
export function testIdHash(name: string, metadata: TestMetadata): string {
  return md5(name + repr(hashable(metadata))).slice(-10);
}

/**
 * dbt's `get_hashable_md`: mappings with their keys sorted, lists item by item, anything else
 * Python's `str()` of it (so None is 'None', true is 'True').
 */
export function hashable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hashable);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(pythonSorted(Object.keys(value)).map((k) => [k, hashable((value as Record<string, unknown>)[k])]));
  return str(value);
}

/** What a generic test is declared on, as dbt writes it into the test. */
export interface TestTarget {
  /** `ref('orders')`, `ref('orders', version='2')` or `source('erp', 'sales')`. */
  call: string;
  /** The target's part of the test's name: `orders`, `orders_v2`, `erp_sales`. */
  name: string;
  source: boolean;
}

/** The target of a test attached to `attachedNode` (a model's, seed's, snapshot's or source's unique id). */
export function testTarget(attachedNode: string): TestTarget {
  const [type, , name = '', ...rest] = attachedNode.split('.');
  if (type === 'source') {
    const table = rest.join('.');
    return { call: `source('${name}', '${table}')`, name: `${name}_${table}`, source: true };
  }
  // A versioned model's unique id ends in `.v<version>`.
  const version = rest.length ? rest.join('.').slice(1) : undefined;
  return version === undefined
    ? { call: `ref('${name}')`, name, source: false }
    : { call: `ref('${name}', version='${version}')`, name: `${name}_v${version}`, source: false };
}

/** dbt's `test_metadata` of a generic test: its arguments with `column_name` (when on a column) and `model` last. */
export function testMetadata(test: TestInfo): TestMetadata {
  const target = testTarget(test.attachedNode ?? '');
  return {
    name: test.testName ?? '',
    kwargs: {
      ...test.kwargs,
      ...(test.columnName !== undefined ? { column_name: test.columnName } : {}),
      model: `{{ get_where_subquery(${target.call}) }}`,
    },
    namespace: test.namespace ?? null,
  };
}

/** A generic test's names and unique id, as dbt gives them; `customName` is a `name:` given on the test. */
export function testIdentity(test: TestInfo, packageName: string, customName?: string): TestNames & { uniqueId: string } {
  const metadata = testMetadata(test);
  const target = testTarget(test.attachedNode ?? '');
  const type = (target.source ? 'source_' : '') + metadata.name;
  const names = customName
    ? { full: customName, short: customName }
    : syntheticTestNames(metadata.namespace ? `${metadata.namespace}_${type}` : type, target.name, metadata.kwargs);
  return { ...names, uniqueId: `test.${packageName}.${names.full}.${testIdHash(names.full, metadata)}` };
}

function md5(text: string): string {
  return hash('md5', text, 'hex');
}

/** Strings in Python's order: by code point (JavaScript's default sort compares UTF-16 units). */
function pythonSorted(keys: string[]): string[] {
  const codes = (s: string) => [...s].map((c) => c.codePointAt(0) as number);
  return keys.sort((a, b) => {
    const ca = codes(a);
    const cb = codes(b);
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return (ca[i] as number) - (cb[i] as number);
    return ca.length - cb.length;
  });
}
