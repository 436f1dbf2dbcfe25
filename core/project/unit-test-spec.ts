import type { Project, ProjectNode, UnitTestRows } from './types.js';

/**
 * What a unit test checks, in the manifest's shape: its model's name, its inputs as written
 * (`ref('x')`), its rows and its overrides. The manifest writes it and state selection compares it.
 */
export function unitTestSpec(project: Project, node: ProjectNode) {
  const info = node.unitTest;
  const rows = (r: UnitTestRows) => ({ rows: r.rows, format: r.format, fixture: r.fixture ?? null });
  const model = project.nodes.get(info?.model ?? '')?.name ?? '';
  const given = [...(info?.given ?? new Map<string, UnitTestRows>())].map(([key, r]) => ({ input: inputText(key), ...rows(r) }));
  const expect = info ? rows(info.expect) : { rows: [], format: 'dict', fixture: null };
  const overrides = info ? { macros: info.macros, vars: info.vars, env_vars: {} } : null;
  return { model, given, expect, overrides };
}

/** The inverse of `inputKey` (build-unit-tests.ts): `ref:x` → `ref('x')`. */
function inputText(key: string): string {
  if (key === 'this') return 'this';
  if (key.startsWith('ref:')) return `ref('${key.slice(4)}')`;
  const [source, table] = key.slice('source:'.length).split('.');
  return `source('${source}', '${table}')`;
}
