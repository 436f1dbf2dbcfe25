import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../core/graph/build-graph.js';
import { withTestBlocking } from '../../../core/graph/test-edges.js';
import { load } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

describe('withTestBlocking', () => {
  it('makes what is downstream of everything a singular test refs wait for it, as dbt does', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/a.sql': 'select 1 as x',
      'models/b.sql': 'select 1 as x',
      'models/a_child.sql': "select * from {{ ref('a') }}",
      'models/a_grandchild.sql': "select * from {{ ref('a_child') }}",
      'models/ab.sql': "select * from {{ ref('a_child') }} join {{ ref('b') }} on true",
      'models/ab_child.sql': "select * from {{ ref('ab') }}",
      'tests/on_a.sql': "select * from {{ ref('a') }} where x < 0",
      'tests/on_a_and_b.sql': "select * from {{ ref('a') }} join {{ ref('b') }} on true where false",
      'tests/on_nothing.sql': 'select 1 as x where false',
    });
    const project = load(dir);
    const dag = buildGraph(project);
    const blocking = withTestBlocking(project, dag);
    const waitsFor = (test: string) => (blocking.graph.successors(`test.p.${test}`) as string[]).map((id) => id.split('.')[2]).sort();
    // One ref: its children (their children wait through them).
    expect(waitsFor('on_a')).toEqual(['a_child']);
    // Two refs: the first nodes that have both upstream; not a_child, which reads only a.
    expect(waitsFor('on_a_and_b')).toEqual(['ab']);
    expect(waitsFor('on_nothing')).toEqual([]);
    expect(blocking.order.indexOf('test.p.on_a_and_b')).toBeLessThan(blocking.order.indexOf('model.p.ab'));
  });
});
