import { BUILTIN_ADAPTERS } from '../adapters/index.js';
import { Compiler } from '../core/compile/compiler.js';
import { buildGraph } from '../core/graph/build-graph.js';
import { loadProject } from '../core/project/load-project.js';
import { manifestArtifact } from '../core/artifacts/manifest.js';
import { newInvocation } from '../core/artifacts/run-results.js';
const dir = process.argv[2] ?? '/tmp/bench10k';
let t = performance.now();
const lap = (label: string) => {
  const n = performance.now();
  console.log(label.padEnd(10), (n - t).toFixed(0), 'ms');
  t = n;
};
const project = loadProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS });
lap('load');
const dag = buildGraph(project);
lap('graph');
const adapter = BUILTIN_ADAPTERS[0]!;
const compiler = new Compiler(project, dag, adapter.dialect);
const out = new Map<string, string>();
for (const id of dag.order) if (project.nodes.get(id)?.resourceType !== 'seed') out.set(id, compiler.compile(id).compiledSql);
lap('compile');
const m = JSON.stringify(manifestArtifact({ project, dag, dialect: adapter.dialect, invocation: newInvocation({}), compiled: out }));
lap('manifest');
console.log(
  'manifest MB',
  (m.length / 1e6).toFixed(1),
  'heap MB',
  (process.memoryUsage().heapUsed / 1e6).toFixed(0),
  'rss MB',
  (process.memoryUsage().rss / 1e6).toFixed(0),
);
