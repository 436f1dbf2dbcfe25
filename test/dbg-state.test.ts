import { it } from 'vitest';
import { loadState, modifications } from '../core/graph/state.js';
import { load } from './helpers/load.js';
it('dbg', () => {
  const project = load('/tmp/bk');
  for (const v of ['v12', 'v11']) {
    const state = loadState(`test/fixtures/dbt-manifests/${v}`);
    for (const n of project.nodes.values()) {
      const k = modifications(project, n, state);
      if (k.size) console.log(v, n.uniqueId, [...k], JSON.stringify(n.fqn), JSON.stringify(state.nodes.get(n.uniqueId)?.fqn));
    }
  }
});
