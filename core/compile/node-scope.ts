import type { RenderScope } from '../template/engine.js';

/** Where a node's scope keeps what its shared getters build on first read. */
export const LAZY = Symbol('lazy names');

/** A node's compile scope. */
export interface NodeScope extends RenderScope {
  [LAZY]: { model: () => unknown; database: () => RenderScope; graph: () => unknown };
}

/**
 * What every node's compile scope inherits: the names shared by all renders, and getters for the
 * names few templates read (`model`, `graph`, the database functions), built on first read from
 * the node's own {@link LAZY} functions. Each node's scope then holds only its own few names:
 * an object literal with getters, made for each of 10,000 nodes, was a measurable share of
 * the compile pass.
 */
export function nodeScopePrototype(base: RenderScope): RenderScope {
  const lazy = (read: (scope: NodeScope) => unknown): PropertyDescriptor => ({
    enumerable: true,
    configurable: true,
    get(this: NodeScope) {
      return read(this);
    },
  });
  const fromDatabase = (name: string) => lazy((scope) => scope[LAZY].database()[name]);
  return Object.create(base, {
    model: lazy((scope) => scope[LAZY].model()),
    graph: lazy((scope) => scope[LAZY].graph()),
    run_query: fromDatabase('run_query'),
    statement: fromDatabase('statement'),
    load_result: fromDatabase('load_result'),
    api: fromDatabase('api'),
    __strata_database: fromDatabase('__strata_database'),
  }) as RenderScope;
}
