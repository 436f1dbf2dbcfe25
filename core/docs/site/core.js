/* Strata docs site, part 1 of 6: the embedded data and the DOM helpers every view uses. Classic
   script (module scripts do not run from file://): parts share one global, StrataDocs. */
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('strata-data').textContent);
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const testsById = new Map((data.tests ?? []).map((t) => [t.id, t]));
  const macrosById = new Map((data.macros ?? []).map((m) => [m.id, m]));
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'html')
        e.innerHTML = v; // only for descriptions, already made safe when generated
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
    return e;
  };
  /** The hash route of a view: `#node/<id>`, `#test/<id>`, `#macro/<id>`, `#search/<query>`, `#lineage/<selection>`. */
  const route = (view, arg) => `#${view}${arg === undefined ? '' : `/${encodeURIComponent(arg)}`}`;
  const label = (node) => (node.versionLabel ? `${node.name} ${node.versionLabel}` : node.name);
  const link = (node) => el('a', { href: route('node', node.id), 'data-node': node.id, text: label(node) });
  const testLink = (test) => el('a', { href: route('test', test.id), 'data-test': test.id, text: test.name });
  const macroLink = (macro) => el('a', { href: route('macro', macro.id), 'data-macro': macro.id, text: macro.name });
  const macroBadge = () => el('span', { class: 'badge macro', text: 'macro' });
  const badge = (node) =>
    el('span', {
      class: `badge ${node.type}${node.external ? ' external' : ''}`,
      text: node.external ? `${node.type} · ${node.package}` : node.type,
    });
  /** A test's last status: pass, fail, warn, error, skipped, or "not run" when run_results.json has none. */
  const statusOf = (test) => test.result?.status ?? 'not run';
  const statusBadge = (test) => el('span', { class: `status status-${statusOf(test).replace(/\s+/g, '-')}`, text: statusOf(test) });
  const testBadge = (test) => el('span', { class: 'badge test', text: test.kind === 'unit' ? 'unit test' : 'test' });
  const table = (rows) =>
    el(
      'table',
      { class: 'details' },
      ...rows
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => el('tr', {}, el('th', { text: k }), typeof v === 'string' ? el('td', { text: v }) : el('td', {}, v))),
    );
  /** Visible text of generated (already safe) description HTML, for search. */
  const plain = (html) => {
    if (!html) return '';
    const t = document.createElement('template');
    t.innerHTML = html;
    return t.content.textContent.replace(/\s+/g, ' ').trim();
  };
  window.StrataDocs = {
    data,
    byId,
    testsById,
    macrosById,
    el,
    route,
    label,
    link,
    testLink,
    macroLink,
    badge,
    macroBadge,
    statusOf,
    statusBadge,
    testBadge,
    table,
    plain,
  };
})();
