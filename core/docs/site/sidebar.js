/* Strata docs site, part 5 of 6: the sidebar: project and database trees, quick search. */
(() => {
  'use strict';
  const S = window.StrataDocs;
  const { data, el, route, link, testLink, macroLink, badge, testBadge, macroBadge } = S;
  let treeMode = 'project';
  /** `paths` are [folders, element] pairs; folders named in `closed` start folded (tests are many). */
  function buildTree(paths, closed) {
    const root = { children: new Map(), leaves: [] };
    for (const [path, item] of paths) {
      let level = root;
      for (const part of path) {
        if (!level.children.has(part)) level.children.set(part, { children: new Map(), leaves: [] });
        level = level.children.get(part);
      }
      level.leaves.push(item);
    }
    const render = (level) => {
      const ul = el('ul', { class: 'tree' });
      for (const [name, child] of [...level.children].sort(([a], [b]) => a.localeCompare(b))) {
        ul.append(el('li', {}, el('details', closed.has(name) ? {} : { open: '' }, el('summary', { text: name }), render(child))));
      }
      for (const leaf of level.leaves.sort((a, b) => a.name.localeCompare(b.name))) ul.append(leaf.li);
      return ul;
    };
    return render(root);
  }
  const nodeLeaf = (n) => ({ name: n.name, li: el('li', {}, badge(n), link(n)) });
  /**
   * A node's folders: its project, then its file's folders (an analysis under its analyses folder,
   * as in dbt's docs); upstream (mesh) nodes sit under their project's name, exposures by type.
   */
  const projectPath = (n) => {
    if (n.type === 'source') return [n.package, 'sources'];
    if (n.type === 'exposure') return [n.package, 'exposures', n.exposure.type];
    if (n.external) return [n.package, 'upstream models'];
    return [n.package, ...n.file.split('/').slice(0, -1)];
  };
  function renderTree() {
    const paths =
      treeMode === 'project'
        ? [
            ...data.nodes.map((n) => [projectPath(n), nodeLeaf(n)]),
            ...(data.tests ?? []).map((t) => [[t.package, 'tests'], { name: t.name, li: el('li', {}, testBadge(t), testLink(t)) }]),
            ...(data.macros ?? []).map((m) => [
              [m.package, ...m.file.split('/').slice(0, -1)],
              { name: m.name, li: el('li', {}, macroBadge(), macroLink(m)) },
            ]),
          ]
        : data.nodes.filter((n) => n.relation).map((n) => [[n.database ?? '(default)', n.schema], nodeLeaf(n)]);
    // Tests and macros are many: their folders start folded.
    document.getElementById('tree').replaceChildren(buildTree(paths, new Set(['tests', 'macros'])));
    document.querySelectorAll('.tabs button').forEach((b) => b.classList.toggle('active', b.dataset.mode === treeMode));
  }
  /** Quick results under the box; Enter or "all results" opens the search page. */
  function quickSearch(query) {
    const q = query.trim();
    const box = document.getElementById('results');
    document.getElementById('tree').hidden = Boolean(q);
    if (!q) {
      box.replaceChildren();
      return;
    }
    const hits = S.search(q);
    box.replaceChildren(
      ...(hits.length
        ? hits.slice(0, 20).map((h) => el('li', {}, ...S.hitLabel(h.entry)))
        : [el('li', { class: 'muted', text: 'No matches' })]),
      el(
        'li',
        { class: 'all-results' },
        el('a', { href: route('search', q), text: `All ${hits.length} result${hits.length === 1 ? '' : 's'} with context →` }),
      ),
    );
  }
  function initSidebar() {
    const input = document.getElementById('search');
    input.addEventListener('input', () => quickSearch(input.value));
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && input.value.trim()) location.hash = route('search', input.value.trim());
    });
    document.querySelectorAll('.tabs button').forEach((b) =>
      b.addEventListener('click', () => {
        treeMode = b.dataset.mode;
        renderTree();
      }),
    );
    renderTree();
  }
  Object.assign(S, { initSidebar });
})();
