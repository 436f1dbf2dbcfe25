import { Graph } from '@dagrejs/graphlib';

/** graphlib's lookup tables: one for all nodes, and per node its edges in and out. */
const TABLES = ['_nodes', '_in', '_preds', '_out', '_sucs', '_edgeObjs', '_edgeLabels'] as const;
const PER_NODE = ['_in', '_preds', '_out', '_sucs'] as const;

type Tables = Record<(typeof TABLES)[number], Record<string, Record<string, unknown>>>;

/**
 * A graphlib Graph whose lookup tables are hash maps from the start. graphlib keeps them in `{}`
 * objects that grow a property per node and per edge id; V8 gives such an object a new hidden
 * class for every property added (some 200,000 for a 10,000-model project), which made building
 * the graph cost twice as much as it does with tables that start as dictionaries (objects
 * without a prototype do). Same graphlib, same behaviour.
 */
class DictionaryGraph extends Graph {
  constructor() {
    super({ directed: true });
    const tables = this as unknown as Tables;
    for (const table of TABLES) tables[table] = Object.create(null) as Record<string, Record<string, unknown>>;
  }

  override setNode(...args: Parameters<Graph['setNode']>): this {
    const name = args[0];
    const fresh = !this.hasNode(name);
    super.setNode(...args); // graphlib tells "no label" from the number of arguments
    if (fresh) {
      const tables = this as unknown as Tables;
      for (const table of PER_NODE) tables[table][name] = Object.create(null) as Record<string, unknown>;
    }
    return this;
  }
}

/** A new directed graph (see {@link DictionaryGraph} for why not `new Graph()`). */
export function directedGraph(): Graph {
  return new DictionaryGraph();
}
