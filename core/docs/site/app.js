/* Strata docs site: a single page that renders the data embedded in index.html. No network. */
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('strata-data').textContent);
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'text') e.textContent = v;
      else if (k === 'html')
        e.innerHTML = v; // only for descriptions, already made safe when generated
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c) e.append(c);
    return e;
  };
  const link = (node) => el('a', { href: `#node/${encodeURIComponent(node.id)}`, 'data-node': node.id, text: node.name });
  const badge = (node) =>
    el('span', {
      class: `badge ${node.type}${node.external ? ' external' : ''}`,
      text: node.external ? `${node.type} · ${node.package}` : node.type,
    });

  // ---- sidebar: project and database trees, search ----
  let treeMode = 'project';
  function buildTree(paths) {
    const root = { children: new Map(), leaves: [] };
    for (const [path, node] of paths) {
      let level = root;
      for (const part of path) {
        if (!level.children.has(part)) level.children.set(part, { children: new Map(), leaves: [] });
        level = level.children.get(part);
      }
      level.leaves.push(node);
    }
    const render = (level) => {
      const ul = el('ul', { class: 'tree' });
      for (const [name, child] of [...level.children].sort(([a], [b]) => a.localeCompare(b))) {
        ul.append(el('li', {}, el('details', { open: '' }, el('summary', { text: name }), render(child))));
      }
      for (const node of level.leaves.sort((a, b) => a.name.localeCompare(b.name))) ul.append(el('li', {}, badge(node), link(node)));
      return ul;
    };
    return render(root);
  }
  function renderSidebar() {
    const nodes = data.nodes;
    const paths =
      treeMode === 'project'
        ? nodes.map((n) => [n.type === 'source' ? [n.package, 'sources'] : [n.package, ...n.file.split('/').slice(0, -1)], n])
        : nodes.filter((n) => n.relation).map((n) => [[n.database ?? '(default)', n.schema], n]);
    $('#tree').replaceChildren(buildTree(paths));
    document.querySelectorAll('.tabs button').forEach((b) => b.classList.toggle('active', b.dataset.mode === treeMode));
  }
  function renderSearch(query) {
    const q = query.trim().toLowerCase();
    const box = $('#results');
    if (!q) {
      box.replaceChildren();
      $('#tree').hidden = false;
      return;
    }
    $('#tree').hidden = true;
    const hits = data.nodes.filter(
      (n) =>
        n.name.toLowerCase().includes(q) ||
        n.description.toLowerCase().includes(q) ||
        n.columns.some((c) => c.name.toLowerCase().includes(q)),
    );
    box.replaceChildren(
      ...(hits.length
        ? hits.slice(0, 200).map((n) => el('li', {}, badge(n), link(n)))
        : [el('li', { class: 'muted', text: 'No matches' })]),
    );
  }

  // ---- lineage graph (dagre layout, SVG) ----
  function closure(start, key) {
    const seen = new Set();
    const stack = [...start];
    while (stack.length) {
      const id = stack.pop();
      if (seen.has(id) || !byId.has(id)) continue;
      seen.add(id);
      stack.push(...byId.get(id)[key]);
    }
    return seen;
  }
  /** A small subset of dbt's selection syntax: names, +name, name+, tag:x, separated by spaces. */
  function selectIds(text) {
    const terms = text.trim().split(/\s+/).filter(Boolean);
    if (!terms.length) return new Set(byId.keys());
    const out = new Set();
    for (const term of terms) {
      const up = term.startsWith('+');
      const down = term.endsWith('+');
      const body = term.replace(/^\+|\+$/g, '');
      const seeds = data.nodes
        .filter((n) => (body.startsWith('tag:') ? n.tags.includes(body.slice(4)) : n.name === body || n.id === body))
        .map((n) => n.id);
      for (const id of seeds) out.add(id);
      if (up) for (const id of closure(seeds, 'parents')) out.add(id);
      if (down) for (const id of closure(seeds, 'children')) out.add(id);
    }
    return out;
  }
  function drawGraph(ids, focus) {
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 50, marginx: 10, marginy: 10 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const id of ids) {
      const n = byId.get(id);
      g.setNode(id, { width: Math.max(80, n.name.length * 7.2 + 24), height: 28 });
    }
    for (const id of ids) for (const child of byId.get(id).children) if (ids.has(child)) g.setEdge(id, child);
    dagre.layout(g);
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    const { width, height } = g.graph();
    svg.setAttribute('class', 'lineage');
    svg.setAttribute('viewBox', `0 0 ${Math.max(width, 200)} ${Math.max(height, 60)}`);
    svg.setAttribute('height', String(Math.min(Math.max(height, 80), 640)));
    const marker = document.createElementNS(ns, 'marker');
    for (const [k, v] of Object.entries({
      id: 'arrow',
      viewBox: '0 0 10 10',
      refX: '10',
      refY: '5',
      markerWidth: '7',
      markerHeight: '7',
      orient: 'auto',
    }))
      marker.setAttribute(k, v);
    const tip = document.createElementNS(ns, 'path');
    tip.setAttribute('d', 'M0,0 L10,5 L0,10 z');
    tip.setAttribute('fill', '#9aa6bd');
    marker.append(tip);
    const defs = document.createElementNS(ns, 'defs');
    defs.append(marker);
    svg.append(defs);
    for (const e of g.edges()) {
      const pts = g.edge(e).points;
      const path = document.createElementNS(ns, 'path');
      path.setAttribute('class', 'edge');
      path.setAttribute('d', pts.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' '));
      path.setAttribute('data-edge', `${e.v}>${e.w}`);
      path.setAttribute('marker-end', 'url(#arrow)');
      svg.append(path);
    }
    for (const id of g.nodes()) {
      const box = g.node(id);
      const n = byId.get(id);
      const group = document.createElementNS(ns, 'g');
      group.setAttribute('class', `node ${n.type}${n.external ? ' external' : ''}${id === focus ? ' focus' : ''}`);
      group.setAttribute('data-node', id);
      group.setAttribute('transform', `translate(${box.x - box.width / 2},${box.y - box.height / 2})`);
      const rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('width', box.width);
      rect.setAttribute('height', box.height);
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('x', 10);
      label.setAttribute('y', 18);
      label.textContent = n.name;
      group.append(rect, label);
      group.addEventListener('click', () => {
        location.hash = `#node/${encodeURIComponent(id)}`;
      });
      svg.append(group);
    }
    return svg;
  }

  // ---- pages ----
  function overview() {
    const counts = {};
    for (const n of data.nodes) counts[n.type] = (counts[n.type] ?? 0) + 1;
    return [
      el('h1', { text: `${data.project}` }),
      el('p', { class: 'muted', text: `Strata docs · ${data.adapter} · generated ${data.generatedAt}` }),
      el('p', {
        text: Object.entries(counts)
          .map(([t, c]) => `${c} ${t}${c === 1 ? '' : 's'}`)
          .join(' · '),
      }),
      el('p', {}, el('a', { href: '#lineage', text: 'Open the project lineage graph →' })),
    ];
  }
  function lineagePage(selection) {
    const input = el('input', { id: 'lineage-select', value: selection, placeholder: 'selection, e.g. +orders  tag:finance  stg_orders+' });
    const holder = el('div', { id: 'lineage-graph' });
    const show = () => holder.replaceChildren(drawGraph(selectIds(input.value), null));
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') show();
    });
    show();
    return [
      el('h1', { text: 'Lineage' }),
      el('div', { class: 'lineage-bar' }, input, el('button', { onclick: show, text: 'Show' })),
      holder,
    ];
  }
  function nodePage(node) {
    const rows = [
      ['Type', node.external ? `${node.type} (from project ${node.package})` : node.type],
      ['Materialization', node.materialized],
      ['Relation', node.relation || '(inlined: ephemeral)'],
      ['File', node.file],
      ['Owner', node.owner],
      ['Group', node.group],
      ['Access', node.access],
      ['Version', node.version],
      ['Contract', node.contract ? 'enforced' : null],
      ['Tags', node.tags.join(', ') || null],
      ['Row count', node.rowCount === null ? null : String(node.rowCount)],
    ].filter(([, v]) => v !== null && v !== undefined && v !== '');
    const list = (ids) =>
      ids.length
        ? el(
            'ul',
            {},
            ...ids
              .map((id) => byId.get(id))
              .filter(Boolean)
              .map((n) => el('li', {}, badge(n), link(n))),
          )
        : el('p', { class: 'muted', text: 'none' });
    const ids = new Set([node.id, ...closure(node.parents, 'parents'), ...closure(node.children, 'children')]);
    const sql = [];
    if (node.raw) sql.push(el('h2', { text: 'Source SQL' }), el('pre', { class: 'raw', text: node.raw }));
    if (node.compiled) sql.push(el('h2', { text: 'Compiled SQL' }), el('pre', { class: 'compiled', text: node.compiled }));
    return [
      el('h1', {}, badge(node), document.createTextNode(node.name)),
      el('div', { class: 'description', html: node.description || '<p class="muted">No description.</p>' }),
      el('h2', { text: 'Details' }),
      el('table', {}, ...rows.map(([k, v]) => el('tr', {}, el('th', { text: k }), el('td', { text: v })))),
      el('h2', { text: 'Columns' }),
      node.columns.length
        ? el(
            'table',
            { class: 'columns' },
            el(
              'tr',
              {},
              el('th', { text: 'Column' }),
              el('th', { text: 'Type' }),
              el('th', { text: 'Description' }),
              el('th', { text: 'Tests' }),
            ),
            ...node.columns.map((c) =>
              el(
                'tr',
                {},
                el('td', { text: c.name }),
                el('td', { text: c.type ?? '' }),
                el('td', { html: c.description }),
                el('td', { text: c.tests.join(', ') }),
              ),
            ),
          )
        : el('p', { class: 'muted', text: 'No columns documented or found.' }),
      el('h2', { text: 'Lineage' }),
      el('div', { id: 'node-lineage' }, drawGraph(ids, node.id)),
      el('h2', { text: 'Upstream' }),
      el('div', { id: 'upstream' }, list(node.parents)),
      el('h2', { text: 'Downstream' }),
      el('div', { id: 'downstream' }, list(node.children)),
      ...sql,
    ];
  }
  function route() {
    const hash = decodeURIComponent(location.hash.slice(1));
    let content;
    if (hash.startsWith('node/') && byId.has(hash.slice(5))) content = nodePage(byId.get(hash.slice(5)));
    else if (hash.startsWith('lineage')) content = lineagePage(hash.split('/')[1] ?? '');
    else content = overview();
    $('main').replaceChildren(...content);
    $('main').scrollTop = 0;
  }

  $('#search').addEventListener('input', (e) => renderSearch(e.target.value));
  document.querySelectorAll('.tabs button').forEach((b) =>
    b.addEventListener('click', () => {
      treeMode = b.dataset.mode;
      renderSidebar();
    }),
  );
  window.addEventListener('hashchange', route);
  renderSidebar();
  route();
})();
