import { Graph, alg } from '@dagrejs/graphlib';
import { describe, expect, it } from 'vitest';
import { directedGraph, graphlibProblem } from '../../../core/graph/directed-graph.js';

describe('directedGraph', () => {
  it('behaves as graphlib does: nodes, edges, neighbours, sort, removal', () => {
    const g = directedGraph();
    g.setNode('a').setNode('b', { label: 1 });
    g.setEdge('a', 'b');
    g.setEdge('b', 'c'); // creates c
    g.setEdge('a', 'b'); // again: still one edge
    expect(g.nodes().sort()).toEqual(['a', 'b', 'c']);
    expect(g.node('b')).toEqual({ label: 1 });
    expect(g.edgeCount()).toBe(2);
    expect(g.predecessors('b')).toEqual(['a']);
    expect(g.successors('b')).toEqual(['c']);
    expect(alg.topsort(g)).toEqual(['a', 'b', 'c']);
    g.removeNode('b');
    expect(g.nodes().sort()).toEqual(['a', 'c']);
    expect(g.successors('a')).toEqual([]);
  });

  it('keeps a label set again on an existing node, and its edges', () => {
    const g = directedGraph();
    g.setEdge('x', 'y');
    g.setNode('y', 'label');
    expect(g.node('y')).toBe('label');
    expect(g.predecessors('y')).toEqual(['x']);
  });
});

describe("graphlib's start-up self-test", () => {
  it('passes on the installed graphlib with the dictionary tables', () => {
    expect(graphlibProblem(directedGraph())).toBeUndefined();
  });

  it('finds tables graphlib keeps as plain objects, and wrong neighbours', () => {
    expect(graphlibProblem(new Graph())).toBe('table _nodes is not a dictionary');
    expect(graphlibProblem(Object.assign(directedGraph(), { predecessors: () => ['b'] }))).toBe('predecessors of c are ["b"]');
  });
});
