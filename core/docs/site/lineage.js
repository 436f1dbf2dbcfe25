/* Strata docs site, part 3 of 6: lineage selection and the graph drawing (dagre layout, SVG). */
(() => {
  'use strict';
  const { data, byId, route, label } = window.StrataDocs;
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
  /** The nodes one selector word names: a name, `name.v2`, a unique id, `tag:x`, `source:x`, `package:x`, `exposure:x`. */
  function matches(n, body) {
    if (body.startsWith('tag:')) return n.tags.includes(body.slice(4));
    if (body.startsWith('source:')) return n.type === 'source' && (n.source.sourceName === body.slice(7) || n.name === body.slice(7));
    if (body.startsWith('package:')) return n.package === body.slice(8);
    if (body.startsWith('exposure:')) return n.type === 'exposure' && n.name === body.slice(9);
    return n.name === body || n.id === body || (n.versionLabel !== null && `${n.name}.${n.versionLabel}` === body);
  }
  /** A subset of dbt's selection syntax: the words above, with `+` before or after, separated by spaces. */
  function selectIds(text) {
    const terms = text.trim().split(/\s+/).filter(Boolean);
    if (!terms.length) return new Set(byId.keys());
    const out = new Set();
    for (const term of terms) {
      const up = term.startsWith('+');
      const down = term.endsWith('+');
      const body = term.replace(/^\+|\+$/g, '');
      const seeds = data.nodes.filter((n) => matches(n, body)).map((n) => n.id);
      for (const id of seeds) out.add(id);
      if (up) for (const id of closure(seeds, 'parents')) out.add(id);
      if (down) for (const id of closure(seeds, 'children')) out.add(id);
    }
    return out;
  }

  const NS = 'http://www.w3.org/2000/svg';
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  /** Where edges meet a node: spread evenly down its side, in the order they arrive, so no two arrowheads touch. */
  function ports(edges, box, side, nextY) {
    const sorted = [...edges].sort((a, b) => nextY(a) - nextY(b));
    const x = side === 'in' ? box.x - box.width / 2 : box.x + box.width / 2;
    return new Map(sorted.map((e, i) => [e, { x, y: box.y - box.height / 2 + (box.height * (i + 1)) / (sorted.length + 1) }]));
  }
  /** Horizontal S-curves through the points: each edge leaves and enters its nodes level. */
  const curve = (pts) =>
    pts
      .map((p, i) => {
        if (!i) return `M${p.x},${p.y}`;
        const q = pts[i - 1];
        const dx = (p.x - q.x) / 2;
        return `C${q.x + dx},${q.y} ${p.x - dx},${p.y} ${p.x},${p.y}`;
      })
      .join(' ');
  function drawGraph(ids, focus) {
    const g = new dagre.graphlib.Graph({ multigraph: false });
    g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 60, marginx: 12, marginy: 12 });
    g.setDefaultEdgeLabel(() => ({}));
    const degree = new Map([...ids].map((id) => [id, { in: 0, out: 0 }]));
    const edges = [];
    for (const id of ids)
      for (const child of byId.get(id).children)
        if (ids.has(child)) {
          edges.push([id, child]);
          degree.get(id).out++;
          degree.get(child).in++;
        }
    for (const id of ids) {
      const n = byId.get(id);
      const d = degree.get(id);
      // Tall enough that the arrowheads of many parents stay apart.
      g.setNode(id, { width: Math.max(80, label(n).length * 7.2 + 24), height: Math.max(28, 10 * (Math.max(d.in, d.out) + 1)) });
    }
    for (const [v, w] of edges) g.setEdge(v, w);
    dagre.layout(g);
    // dagre's graph size leaves out the bends of long edges: measure nodes and edge points instead.
    const xs = [];
    const ys = [];
    for (const id of g.nodes()) {
      const b = g.node(id);
      xs.push(b.x - b.width / 2, b.x + b.width / 2);
      ys.push(b.y - b.height / 2, b.y + b.height / 2);
    }
    for (const e of g.edges())
      for (const p of g.edge(e).points) {
        xs.push(p.x);
        ys.push(p.y);
      }
    const pad = 12;
    const [minX, minY] = [Math.min(0, ...xs) - pad, Math.min(0, ...ys) - pad];
    const width = Math.max(200, Math.max(...xs) + pad - minX);
    const height = Math.max(60, Math.max(...ys) + pad - minY);
    const svg = svgEl('svg', {
      class: 'lineage',
      viewBox: `${minX} ${minY} ${width} ${height}`,
      height: Math.min(Math.max(height, 80), 640),
    });
    const marker = svgEl('marker', {
      id: 'arrow',
      viewBox: '0 0 10 10',
      refX: 10,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto',
    });
    marker.append(svgEl('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#9aa6bd' }));
    const defs = svgEl('defs', {});
    defs.append(marker);
    svg.append(defs);
    const inner = (e) => g.edge(e).points.slice(1, -1);
    const towards = (e, end) => {
      const pts = inner(e);
      if (!pts.length) return g.node(end === 'in' ? e.v : e.w).y;
      return end === 'in' ? pts[pts.length - 1].y : pts[0].y;
    };
    const inPorts = new Map();
    const outPorts = new Map();
    for (const id of g.nodes()) {
      for (const [e, p] of ports(g.inEdges(id) ?? [], g.node(id), 'in', (e) => towards(e, 'in'))) inPorts.set(e, p);
      for (const [e, p] of ports(g.outEdges(id) ?? [], g.node(id), 'out', (e) => towards(e, 'out'))) outPorts.set(e, p);
    }
    for (const e of g.edges()) {
      const pts = [outPorts.get(e), ...inner(e), inPorts.get(e)];
      svg.append(svgEl('path', { class: 'edge', d: curve(pts), 'data-edge': `${e.v}>${e.w}`, 'marker-end': 'url(#arrow)' }));
    }
    for (const id of g.nodes()) {
      const box = g.node(id);
      const n = byId.get(id);
      const group = svgEl('g', {
        class: `node ${n.type}${n.external ? ' external' : ''}${id === focus ? ' focus' : ''}`,
        'data-node': id,
        transform: `translate(${box.x - box.width / 2},${box.y - box.height / 2})`,
      });
      const text = svgEl('text', { x: 10, y: box.height / 2 + 4 });
      text.textContent = n.name;
      if (n.versionLabel) {
        const version = svgEl('tspan', { class: 'version', dx: 5 });
        version.textContent = n.versionLabel;
        text.append(version);
      }
      group.append(svgEl('rect', { width: box.width, height: box.height }), text);
      group.addEventListener('click', () => {
        location.hash = route('node', id);
      });
      svg.append(group);
    }
    return svg;
  }
  Object.assign(window.StrataDocs, { closure, selectIds, drawGraph });
})();
