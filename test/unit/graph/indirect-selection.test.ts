import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../core/graph/build-graph.js';
import { selectNodes, type SelectionOptions } from '../../../core/graph/select.js';
import { load } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

/** a ← b ← c; relationships tests b→a and c→b; a unit test of b; a singular test reading a and c. */
const FILES = {
  'dbt_project.yml': projectYml('p'),
  'models/a.sql': 'select 1 as id',
  'models/b.sql': "select id from {{ ref('a') }}",
  'models/c.sql': "select id from {{ ref('b') }}",
  'models/props.yml': `version: 2
models:
  - name: b
    columns:
      - name: id
        data_tests:
          - not_null
          - relationships: {to: "ref('a')", field: id}
  - name: c
    columns:
      - name: id
        data_tests:
          - relationships: {to: "ref('b')", field: id}
unit_tests:
  - name: b_passes_ids
    model: b
    given: [{input: "ref('a')", rows: [{id: 1}]}]
    expect: {rows: [{id: 1}]}
`,
  'tests/a_and_c.sql': "select * from {{ ref('a') }} join {{ ref('c') }} using (id) where false",
  'selectors.yml': `selectors:
  - name: b_cautious
    definition: {method: fqn, value: b, indirect_selection: cautious}
  - name: b_and_a
    definition:
      union: [b, a]
`,
};

const B_TO_A = 'relationships_b_id__id__ref_a_';
const C_TO_B = 'relationships_c_id__id__ref_b_';

function select(options: SelectionOptions): string[] {
  const project = load(writeProject(FILES));
  return selectNodes(project, buildGraph(project), options)
    .nodes.map((id) => (id.startsWith('unit_test.') ? (id.split('.').pop() as string) : (id.split('.')[2] as string)))
    .sort();
}

describe('indirect selection', () => {
  it('eager takes every test that touches a selected node', () => {
    expect(select({ select: ['b'] })).toEqual(['b', 'b_passes_ids', C_TO_B, 'not_null_b_id', B_TO_A].sort());
  });

  it('cautious takes tests whose every tested node is selected (a unit test tests its model)', () => {
    expect(select({ select: ['b'], indirectSelection: 'cautious' })).toEqual(['b', 'b_passes_ids', 'not_null_b_id']);
    expect(select({ select: ['a', 'b'], indirectSelection: 'cautious' })).toEqual(
      ['a', 'b', 'b_passes_ids', 'not_null_b_id', B_TO_A].sort(),
    );
  });

  it('buildable also takes tests whose other nodes are upstream of the selection', () => {
    expect(select({ select: ['b'], indirectSelection: 'buildable' })).toEqual(['b', 'b_passes_ids', 'not_null_b_id', B_TO_A].sort());
    // The singular test reads a (upstream of c) and c: buildable from c, not cautious.
    expect(select({ select: ['c'], indirectSelection: 'buildable' })).toContain('a_and_c');
    expect(select({ select: ['c'], indirectSelection: 'cautious' })).not.toContain('a_and_c');
  });

  it('empty takes no test, but a test selected directly stays', () => {
    // (A bare `b` would match the unit test's fqn, p.b.b_passes_ids, directly; a path does not.)
    expect(select({ select: ['path:models/b.sql'], indirectSelection: 'empty' })).toEqual(['b']);
    expect(select({ select: ['path:models/b.sql', 'test_name:not_null'], indirectSelection: 'empty' })).toEqual(['b', 'not_null_b_id']);
  });

  it('an excluded node takes its tests with it, by the same mode', () => {
    // Eager: both tests that read a leave (b → a, and the singular test of a and c); b's unit test tests b only.
    expect(select({ exclude: ['a'] })).toEqual(['b', 'b_passes_ids', 'c', C_TO_B, 'not_null_b_id'].sort());
    // Cautious: only tests of a alone would leave with it (there are none); with no --select every
    // test is selected directly, so those that also read other nodes stay, as in dbt.
    expect(select({ exclude: ['a'], indirectSelection: 'cautious' })).toEqual(
      ['a_and_c', 'b', 'b_passes_ids', 'c', C_TO_B, 'not_null_b_id', B_TO_A].sort(),
    );
  });

  it("a selector's own indirect_selection wins; parts of a union join up for cautious", () => {
    expect(select({ selector: 'b_cautious' })).toEqual(['b', 'b_passes_ids', 'not_null_b_id']);
    expect(select({ selector: 'b_and_a', indirectSelection: 'cautious' })).toEqual(
      ['a', 'b', 'b_passes_ids', 'not_null_b_id', B_TO_A].sort(),
    );
  });
});
