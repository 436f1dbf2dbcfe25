import type { DependencyGraph } from '../graph/build-graph.js';
import type { Project, ProjectNode } from '../project/types.js';
import { unitTestSpec } from '../project/unit-test-spec.js';
import { renderMarkdown } from './markdown.js';
import type { SiteRunResult } from './site-results.js';

/** One data test or unit test of the docs site: what its page shows. */
export interface SiteTest {
  id: string;
  name: string;
  /** `generic` (declared in YAML), `singular` (a .sql file in tests/) or `unit`. */
  kind: 'generic' | 'singular' | 'unit';
  /** The generic test's macro name (`not_null`, `relationships`, `dbt_utils.at_least_one`…). */
  testName: string | null;
  package: string;
  file: string;
  description: string;
  /** The node the test is declared on (generic and unit tests), else null. */
  attachedTo: string | null;
  column: string | null;
  /** Every node the test reads (its refs and sources). */
  dependsOn: string[];
  /** Config that decides how the test runs and what counts as a failure, as written or defaulted. */
  config: [string, string][];
  sql: string;
  /** Whether `sql` is the compiled SQL (else the raw SQL or YAML-declared call). */
  compiled: boolean;
  /** Unit tests: the inputs given and the rows expected, as text. */
  fixtures: { input: string; rows: string }[];
  tags: string[];
  /** The last run from run_results.json; null when the test has not run since. */
  result: SiteRunResult | null;
}

/** Config keys a test page shows, in dbt's order. */
const TEST_CONFIG_KEYS = [
  'enabled',
  'severity',
  'warn_if',
  'error_if',
  'fail_calc',
  'where',
  'limit',
  'store_failures',
  'store_failures_as',
];

/** A model-level test that names its column as an argument (`unique: {column_name: id}`). */
const columnArgument = (kwargs: Record<string, unknown> | undefined) =>
  typeof kwargs?.column_name === 'string' ? kwargs.column_name : null;

const shownValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** A unit test's rows as text: the format (or fixture file), then one JSON row per line or the CSV/SQL as written. */
function rowsText(r: { rows: unknown; format: string; fixture: string | null }): string {
  const rows = Array.isArray(r.rows) ? r.rows.map((row) => JSON.stringify(row)).join('\n') : String(r.rows);
  return `${r.fixture ? `fixture ${r.fixture}` : r.format}:\n${rows}`;
}

function siteTest(
  project: Project,
  node: ProjectNode,
  dag: DependencyGraph,
  compiled: ReadonlyMap<string, string>,
  result: SiteRunResult | undefined,
): SiteTest {
  const config = node.config as unknown as Record<string, unknown>;
  const sql = compiled.get(node.uniqueId);
  const unit = node.unitTest ? unitTestSpec(project, node) : undefined;
  return {
    id: node.uniqueId,
    name: node.name,
    kind: unit ? 'unit' : (node.test?.kind ?? 'singular'),
    testName: node.test?.testName ? [node.test.namespace, node.test.testName].filter(Boolean).join('.') : null,
    package: node.packageName,
    file: node.originalFilePath,
    description: renderMarkdown(node.description ?? ''),
    attachedTo: node.unitTest?.model ?? node.test?.attachedNode ?? null,
    column: node.test?.column ?? node.test?.columnName ?? columnArgument(node.test?.kwargs),
    dependsOn: ((dag.graph.predecessors(node.uniqueId) as string[] | undefined) ?? []).sort(),
    config: TEST_CONFIG_KEYS.filter((k) => config[k] !== undefined && config[k] !== null).map((k) => [k, shownValue(config[k])]),
    sql: sql ?? (unit ? '' : node.rawCode),
    compiled: sql !== undefined,
    fixtures: unit
      ? [...unit.given.map((g) => ({ input: g.input, rows: rowsText(g) })), { input: 'expect', rows: rowsText(unit.expect) }]
      : [],
    tags: Array.isArray(node.config.tags) ? node.config.tags : [],
    result: result ?? null,
  };
}

/** Every data test and unit test of the project, and for each node the tests that read it. */
export function siteTests(
  project: Project,
  dag: DependencyGraph,
  compiled: ReadonlyMap<string, string>,
  runs: ReadonlyMap<string, SiteRunResult>,
): { tests: SiteTest[]; testsOf: Map<string, string[]> } {
  const tests: SiteTest[] = [];
  const testsOf = new Map<string, string[]>();
  for (const node of project.nodes.values()) {
    if (node.resourceType !== 'test' && node.resourceType !== 'unit_test') continue;
    const test = siteTest(project, node, dag, compiled, runs.get(node.uniqueId));
    tests.push(test);
    // A model's page lists its column and model-level tests and every singular test that refs it.
    for (const id of new Set([...(test.attachedTo ? [test.attachedTo] : []), ...test.dependsOn])) {
      const list = testsOf.get(id) ?? [];
      list.push(test.id);
      testsOf.set(id, list);
    }
  }
  return { tests: tests.sort((a, b) => a.id.localeCompare(b.id)), testsOf };
}
