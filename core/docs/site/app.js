/* Strata docs site, part 6 of 6: the router. Every view has a hash address, so it can be shared,
   bookmarked, reloaded and reached with back/forward:
     #node/<unique id>  (also #model/…, #source/…, #seed/…, #snapshot/…, #analysis/…, #exposure/…)
     #test/<unique id>  #macro/<unique id>
     #search/<query>    #lineage/<selection>    (empty: the overview) */
(() => {
  'use strict';
  const S = window.StrataDocs;
  const NODE_VIEWS = new Set(['node', 'model', 'source', 'seed', 'snapshot', 'analysis', 'exposure']);
  function view() {
    const hash = location.hash.slice(1);
    const slash = hash.indexOf('/');
    const name = slash < 0 ? hash : hash.slice(0, slash);
    let arg = '';
    try {
      arg = slash < 0 ? '' : decodeURIComponent(hash.slice(slash + 1));
    } catch {
      arg = hash.slice(slash + 1);
    }
    if (NODE_VIEWS.has(name) && S.byId.has(arg)) return S.nodePage(S.byId.get(arg));
    if (name === 'test' && S.testsById.has(arg)) return S.testPage(S.testsById.get(arg));
    if (name === 'macro' && S.macrosById.has(arg)) return S.macroPage(S.macrosById.get(arg));
    if (name === 'search') return S.searchPage(arg);
    if (name === 'lineage') return S.lineagePage(arg);
    if (name && name !== 'overview')
      return [
        S.el('h1', { text: 'Not found' }),
        S.el('p', { class: 'muted', text: `Nothing in these docs at #${hash}.` }),
        ...S.overview(),
      ];
    return S.overview();
  }
  function render() {
    const main = document.querySelector('main');
    main.replaceChildren(...view().filter(Boolean));
    main.scrollTop = 0;
  }
  window.addEventListener('hashchange', render);
  S.initSidebar();
  render();
})();
