import { Graph, alg, version as installedGraphlib } from '@dagrejs/graphlib';

/**
 * The one module that reaches into @dagrejs/graphlib's internals: its private lookup tables.
 * package.json pins graphlib to the version below; the first graph made runs a self-test
 * ({@link graphlibProblem}) so an upgrade that renames or reshapes a table fails at once.
 */

/** The graphlib version these tables were written against (package.json pins it exactly). */
export const GRAPHLIB_VERSION = '4.0.6';

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

let checked = false;

/** A new directed graph (see {@link DictionaryGraph} for why not `new Graph()`). */
export function directedGraph(): Graph {
  if (!checked) checkGraphlib();
  return new DictionaryGraph();
}

/** Throws (a bug, not a user error) if the installed graphlib no longer keeps the tables replaced. */
function checkGraphlib(): void {
  const problem = graphlibProblem(new DictionaryGraph());
  if (problem)
    throw new Error(
      `Strata's graph tables (core/graph/directed-graph.ts) are built on @dagrejs/graphlib ${GRAPHLIB_VERSION}, but ${installedGraphlib} is installed and fails their self-test: ${problem}. Pin it back.`,
    );
  checked = true;
}

/**
 * What is wrong with an empty graph of this kind once it holds a → b → c and a → c, or undefined:
 * neighbours and topological order through graphlib's API, and every replaced table holding the
 * three nodes or edges without a prototype (a table graphlib renamed would stay empty).
 */
export function graphlibProblem(graph: Graph): string | undefined {
  graph.setEdge('a', 'b').setEdge('b', 'c').setEdge('a', 'c');
  const seen = (list: string[] | undefined) => JSON.stringify([...(list ?? [])].sort());
  if (seen(graph.predecessors('c')) !== '["a","b"]') return `predecessors of c are ${seen(graph.predecessors('c'))}`;
  if (seen(graph.successors('a')) !== '["b","c"]') return `successors of a are ${seen(graph.successors('a'))}`;
  const order = JSON.stringify(alg.topsort(graph));
  if (order !== '["a","b","c"]') return `topological order is ${order}`;
  const tables = graph as unknown as Partial<Tables>;
  for (const name of TABLES) {
    const table = tables[name];
    if (!table || Object.getPrototypeOf(table) !== null) return `table ${name} is not a dictionary`;
    const perNode = (PER_NODE as readonly string[]).includes(name) ? Object.values(table) : undefined;
    if (perNode?.some((entry) => Object.getPrototypeOf(entry) !== null)) return `table ${name} has a node entry that is not a dictionary`;
    const count = perNode ? perNode.reduce((sum, entry) => sum + Object.keys(entry).length, 0) : Object.keys(table).length;
    if (count !== 3) return `table ${name} holds ${count} entries, not 3`;
  }
  return undefined;
}
