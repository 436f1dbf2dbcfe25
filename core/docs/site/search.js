/* Strata docs site, part 2 of 6: full-text search over names, descriptions, columns and SQL of
   nodes, tests and macros, ranked, each hit with the text around its best match. */
(() => {
  'use strict';
  const { data, el, plain, badge, link, testBadge, testLink, macroBadge, macroLink } = window.StrataDocs;
  /** Where a match counts most: a name beats a column, a column beats a description, SQL counts least. */
  const WEIGHTS = { name: 10, column: 6, description: 4, 'column description': 3, SQL: 1 };
  let index = null;
  /** Built on first use: a big project pays for it only when someone searches. */
  function buildIndex() {
    const entries = [];
    for (const n of data.nodes) {
      const fields = [
        ['name', n.name],
        ['description', plain(n.description)],
        ...n.columns.flatMap((c) => [
          ['column', c.name],
          ['column description', c.name + ': ' + plain(c.description)],
        ]),
        ['SQL', n.raw ?? ''],
      ];
      if (n.source) fields.push(['description', plain(n.source.sourceDescription)]);
      if (n.exposure?.label) fields.push(['name', n.exposure.label]);
      entries.push({ kind: 'node', item: n, fields: fields.filter(([, v]) => v) });
    }
    for (const t of data.tests ?? []) {
      const fields = [
        ['name', t.name],
        ['description', plain(t.description)],
        ['SQL', t.sql ?? ''],
      ];
      if (t.column) fields.push(['column', t.column]);
      entries.push({ kind: 'test', item: t, fields: fields.filter(([, v]) => v) });
    }
    for (const m of data.macros ?? [])
      entries.push({
        kind: 'macro',
        item: m,
        fields: [
          ['name', m.name],
          ['SQL', m.sql],
        ],
      });
    for (const e of entries) e.lower = e.fields.map(([, v]) => v.toLowerCase());
    return entries;
  }
  /** Ranked hits for `query`: every word must occur somewhere in an entry. */
  function search(query) {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) return [];
    index = index ?? buildIndex();
    const hits = [];
    for (const entry of index) {
      let score = 0;
      let best = null;
      let all = true;
      for (const term of terms) {
        let termScore = 0;
        entry.fields.forEach(([field], i) => {
          const at = entry.lower[i].indexOf(term);
          if (at < 0) return;
          let s = WEIGHTS[field];
          if (field === 'name' && entry.lower[i] === term) s *= 3;
          else if (at === 0) s *= 1.5;
          termScore = Math.max(termScore, s);
          if (!best || s > best.score) best = { score: s, field, index: i, at };
        });
        if (!termScore) {
          all = false;
          break;
        }
        score += termScore;
      }
      if (all) hits.push({ entry, score, best });
    }
    return hits.sort((a, b) => b.score - a.score || a.entry.item.name.localeCompare(b.entry.item.name));
  }
  /** The text around a hit's best match, with every query word marked (built as DOM nodes, never HTML). */
  function snippet(hit, query) {
    const text = hit.entry.fields[hit.best.index][1];
    const start = Math.max(0, hit.best.at - 60);
    const end = Math.min(text.length, hit.best.at + 100);
    const part = (start ? '…' : '') + text.slice(start, end).replace(/\s+/g, ' ') + (end < text.length ? '…' : '');
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const pieces = part.split(new RegExp(`(${escaped.join('|')})`, 'gi'));
    return el(
      'span',
      { class: 'snippet' },
      ...pieces.map((p) => (terms.includes(p.toLowerCase()) ? el('mark', { text: p }) : document.createTextNode(p))),
    );
  }
  /** A hit's badge and link, by what it is: a node, a test or a macro. */
  const hitLabel = (entry) => {
    if (entry.kind === 'test') return [testBadge(entry.item), testLink(entry.item)];
    if (entry.kind === 'macro') return [macroBadge(), macroLink(entry.item)];
    return [badge(entry.item), link(entry.item)];
  };
  Object.assign(window.StrataDocs, { search, snippet, hitLabel });
})();
