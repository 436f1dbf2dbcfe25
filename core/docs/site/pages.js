/* Strata docs site, part 4 of 6: the views (overview, node, test, search, lineage), each a list of elements. */
(() => {
  'use strict';
  const S = window.StrataDocs;
  const { data, byId, testsById, el, route, link, testLink, badge, macroBadge, statusOf, statusBadge, testBadge, table } = S;

  const nodeList = (ids) =>
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
  const sqlBlocks = (pairs) =>
    pairs.filter(([, sql]) => sql).flatMap(([title, sql, cls]) => [el('h2', { text: title }), el('pre', { class: cls, text: sql })]);

  function overview() {
    const counts = {};
    for (const n of data.nodes) counts[n.type] = (counts[n.type] ?? 0) + 1;
    const tests = data.tests ?? [];
    if (tests.length) counts.test = tests.length;
    if (data.macros?.length) counts.macro = data.macros.length;
    const statuses = {};
    for (const t of tests) statuses[statusOf(t)] = (statuses[statusOf(t)] ?? 0) + 1;
    const plural = (c, t) => (c === 1 ? `${c} ${t}` : t === 'analysis' ? `${c} analyses` : `${c} ${t}s`);
    return [
      el('h1', { text: data.project }),
      el('p', { class: 'muted', text: `Strata docs · ${data.adapter} · generated ${data.generatedAt}` }),
      el('p', {
        text: Object.entries(counts)
          .map(([t, c]) => plural(c, t))
          .join(' · '),
      }),
      tests.length
        ? el(
            'p',
            { id: 'test-summary' },
            'Tests, last run: ',
            ...Object.entries(statuses).flatMap(([s, c]) => [
              el('span', { class: `status status-${s.replace(/\s+/g, '-')}`, text: `${c} ${s}` }),
              ' ',
            ]),
          )
        : null,
      el('p', {}, el('a', { href: route('lineage'), text: 'Open the project lineage graph →' })),
      el('p', {}, el('a', { href: route('search', ''), text: 'Search names, descriptions, columns and SQL →' })),
    ];
  }

  function testsTable(ids) {
    const tests = ids.map((id) => testsById.get(id)).filter(Boolean);
    if (!tests.length) return el('p', { class: 'muted', text: 'No tests.' });
    return el(
      'table',
      { class: 'tests' },
      el('tr', {}, el('th', { text: 'Status' }), el('th', { text: 'Test' }), el('th', { text: 'Kind' }), el('th', { text: 'Column' })),
      ...tests.map((t) =>
        el(
          'tr',
          { 'data-test-row': t.id },
          el('td', {}, statusBadge(t)),
          el('td', {}, testLink(t)),
          el('td', { text: t.kind === 'generic' ? `generic (${t.testName ?? '?'})` : t.kind }),
          el('td', { text: t.column ?? '' }),
        ),
      ),
    );
  }

  /** An age in seconds as people say it: `2528 d 14 h`, `3 h 5 m`, `40 s`. */
  const age = (seconds) => {
    const s = Math.round(seconds);
    const [d, h, m] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60)];
    if (d) return `${d} d ${h} h`;
    if (h) return `${h} h ${m} m`;
    return m ? `${m} m ${s % 60} s` : `${s} s`;
  };

  function sourceSection(source) {
    const last = source.lastFreshness;
    const rows = [
      ['Source', source.sourceName],
      ['Loader', source.loader || null],
      ['Loaded at field', source.loadedAtField],
      ['Warn after', source.freshness?.warnAfter],
      ['Error after', source.freshness?.errorAfter],
      ['Freshness filter', source.freshness?.filter],
    ];
    const lastRows = last
      ? [
          ['Status', el('span', { class: `status status-${last.status.replace(/\s+/g, '-')}`, text: last.status })],
          ['Newest row loaded at', last.maxLoadedAt],
          ['Checked at', last.snapshottedAt],
          ['Age', last.ageSeconds === null ? null : age(last.ageSeconds)],
          ['Error', last.error],
        ]
      : [];
    return [
      el('h2', { text: 'Source' }),
      source.sourceDescription ? el('div', { class: 'source-description', html: source.sourceDescription }) : null,
      el('div', { id: 'source-details' }, table(rows)),
      el('h2', { text: 'Last freshness check' }),
      el(
        'div',
        { id: 'source-freshness' },
        last
          ? table(lastRows)
          : el('p', {
              class: 'muted',
              text: source.freshness ? "Not checked yet: run 'strata source freshness'." : 'No freshness configured.',
            }),
      ),
    ];
  }

  /** Only http(s) addresses become links: an exposure's url is written by anyone. */
  const safeUrl = (url) => (url && /^https?:\/\//i.test(url) ? el('a', { href: url, rel: 'noopener', text: url }) : url);

  function exposureSection(exposure) {
    return [
      el('h2', { text: 'Exposure' }),
      el(
        'div',
        { id: 'exposure-details' },
        table([
          ['Exposure type', exposure.type],
          ['Label', exposure.label],
          ['Maturity', exposure.maturity],
          ['URL', safeUrl(exposure.url)],
        ]),
      ),
    ];
  }

  function columnsSection(node) {
    return [
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
                el(
                  'td',
                  {},
                  ...c.tests
                    .map((id) => testsById.get(id))
                    .filter(Boolean)
                    .flatMap((t) => [statusBadge(t), testLink(t), ' ']),
                ),
              ),
            ),
          )
        : el('p', { class: 'muted', text: 'No columns documented or found.' }),
    ];
  }

  function nodePage(node) {
    const ids = new Set([node.id, ...S.closure(node.parents, 'parents'), ...S.closure(node.children, 'children')]);
    // Analyses are never built, so never tested; exposures have neither columns nor tests.
    const testable = node.type !== 'analysis' && node.type !== 'exposure';
    return [
      el(
        'h1',
        {},
        badge(node),
        document.createTextNode(node.name),
        node.versionLabel ? el('span', { class: 'version', text: node.versionLabel }) : null,
      ),
      el('div', { class: 'description', html: node.description || '<p class="muted">No description.</p>' }),
      el('h2', { text: 'Details' }),
      table([
        ['Type', node.external ? `${node.type} (from project ${node.package})` : node.type],
        ['Project', node.external ? node.package : null],
        ['Materialization', node.materialized],
        ['Relation', node.relation || (node.materialized === 'ephemeral' ? '(inlined: ephemeral)' : null)],
        ['File', node.file],
        ['Owner', node.owner],
        ['Group', node.group],
        ['Access', node.access],
        ['Version', node.version],
        ['Contract', node.contract ? 'enforced' : null],
        ['Tags', node.tags.join(', ')],
        ['Row count', node.rowCount === null ? null : String(node.rowCount)],
      ]),
      ...(node.source ? sourceSection(node.source) : []),
      ...(node.exposure ? exposureSection(node.exposure) : []),
      ...(node.type === 'exposure' ? [] : columnsSection(node)),
      ...(testable ? [el('h2', { text: `Tests (${node.tests.length})` }), el('div', { id: 'node-tests' }, testsTable(node.tests))] : []),
      el('h2', { text: 'Lineage' }),
      el('div', { id: 'node-lineage' }, S.drawGraph(ids, node.id)),
      el('h2', { text: node.type === 'exposure' ? 'Depends on' : 'Upstream' }),
      el('div', { id: 'upstream' }, nodeList(node.parents)),
      el('h2', { text: 'Downstream' }),
      el('div', { id: 'downstream' }, nodeList(node.children)),
      ...sqlBlocks([
        ['Source SQL', node.raw, 'raw'],
        ['Compiled SQL', node.compiled, 'compiled'],
      ]),
    ];
  }

  function testPage(test) {
    const r = test.result;
    const tested = test.attachedTo ? byId.get(test.attachedTo) : null;
    return [
      el('h1', {}, testBadge(test), document.createTextNode(test.name)),
      test.description ? el('div', { class: 'description', html: test.description }) : null,
      el('h2', { text: 'Last run' }),
      el(
        'div',
        { id: 'test-result' },
        r
          ? table([
              ['Status', statusBadge(test)],
              ['Failures', r.failures === null ? null : String(r.failures)],
              ['Message', r.message],
              ['Execution time', r.executionTime === null ? null : `${r.executionTime.toFixed(3)} s`],
              ['Completed at', r.completedAt],
            ])
          : el('p', {}, statusBadge(test), ' No result in run_results.json: the test has not run since the last command that ran nodes.'),
      ),
      el('h2', { text: 'Details' }),
      table([
        ['Kind', test.kind === 'unit' ? 'unit test' : `${test.kind} data test`],
        ['Test', test.testName],
        ['Tests', tested ? el('span', {}, badge(tested), link(tested)) : null],
        ['Column', test.column],
        ['Depends on', test.dependsOn.length ? nodeList(test.dependsOn) : null],
        ['File', test.file],
        ['Package', test.package],
        ['Tags', test.tags.join(', ')],
      ]),
      el('h2', { text: 'Config' }),
      el('div', { id: 'test-config' }, test.config.length ? table(test.config) : el('p', { class: 'muted', text: 'Defaults.' })),
      ...sqlBlocks([[test.compiled ? 'Compiled SQL' : 'SQL', test.sql, 'test-sql']]),
      ...test.fixtures.flatMap((f) => [
        el('h2', { text: f.input === 'expect' ? 'Expected rows' : `Given ${f.input}` }),
        el('pre', { text: f.rows }),
      ]),
    ];
  }

  function macroPage(macro) {
    return [
      el('h1', {}, macroBadge(), document.createTextNode(macro.name)),
      el('h2', { text: 'Details' }),
      table([
        ['Package', macro.package],
        ['File', macro.file],
      ]),
      el('h2', { text: 'Arguments' }),
      el(
        'div',
        { id: 'macro-arguments' },
        macro.arguments.length
          ? el('ul', {}, ...macro.arguments.map((a) => el('li', {}, el('code', { text: a }))))
          : el('p', { class: 'muted', text: 'none' }),
      ),
      ...sqlBlocks([['SQL', macro.sql, 'macro-sql']]),
    ];
  }

  function searchPage(query) {
    const input = el('input', {
      id: 'search-page-input',
      type: 'search',
      value: query,
      placeholder: 'Words to find in names, descriptions, columns, SQL',
      autocomplete: 'off',
    });
    const box = el('div', { id: 'search-results' });
    const show = () => {
      const q = input.value.trim();
      if (!q) {
        box.replaceChildren(el('p', { class: 'muted', text: 'Type to search.' }));
        return;
      }
      const hits = S.search(q);
      box.replaceChildren(
        el('p', { class: 'muted', id: 'search-count', text: `${hits.length} result${hits.length === 1 ? '' : 's'}` }),
        el(
          'ol',
          { class: 'search-hits' },
          ...hits
            .slice(0, 100)
            .map((h) =>
              el(
                'li',
                { 'data-hit': h.entry.item.id },
                ...S.hitLabel(h.entry),
                el('span', { class: 'muted field', text: ` · ${h.best.field}` }),
                el('div', {}, S.snippet(h, q)),
              ),
            ),
        ),
      );
    };
    input.addEventListener('input', () => {
      // The address follows the query without a history entry per keystroke.
      window.history.replaceState(null, '', route('search', input.value));
      show();
    });
    show();
    window.setTimeout(() => input.focus());
    return [el('h1', { text: 'Search' }), input, box];
  }

  function lineagePage(selection) {
    const input = el('input', { id: 'lineage-select', value: selection, placeholder: 'selection, e.g. +orders  tag:finance  stg_orders+' });
    const holder = el('div', { id: 'lineage-graph' });
    const apply = () => {
      // A new selection is a new view: its own address and history entry.
      if (input.value !== selection) location.hash = route('lineage', input.value);
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') apply();
    });
    const ids = S.selectIds(selection);
    holder.append(
      ids.size
        ? S.drawGraph(ids, null)
        : el('p', {
            class: 'empty-selection',
            text: `Nothing matches the selection “${selection}”. Selectors: a name, name.v2, a unique id, tag:x, source:x, package:x, exposure:x, with + before or after.`,
          }),
    );
    return [
      el('h1', { text: 'Lineage' }),
      el('div', { class: 'lineage-bar' }, input, el('button', { onclick: apply, text: 'Show' })),
      holder,
    ];
  }

  Object.assign(S, { overview, nodePage, testPage, macroPage, searchPage, lineagePage });
})();
