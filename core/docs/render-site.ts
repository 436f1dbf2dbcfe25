import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SiteData } from './site-data.js';

const siteDir = fileURLToPath(new URL('./site/', import.meta.url));

/** The app's classic scripts (module scripts do not run from file://), in load order: each adds to `window.StrataDocs`. */
const SCRIPTS = ['core.js', 'search.js', 'lineage.js', 'pages.js', 'sidebar.js', 'app.js'];

/** JSON that can sit inside a <script> element: no `</script>` or line separators can break out. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The whole docs site as one HTML file: styles, the dagre layout library, the app and its data. */
export function renderSite(data: SiteData): string {
  const dagrePath = join(dirname(createRequire(import.meta.url).resolve('@dagrejs/dagre/package.json')), 'dist/dagre.js');
  const title = data.project.replace(/[<>&"]/g, '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Strata docs</title>
<style>${readFileSync(join(siteDir, 'style.css'), 'utf8')}</style>
</head>
<body>
<aside>
<input id="search" type="search" placeholder="Search names, columns, SQL… (Enter: all results)" autocomplete="off">
<div class="tabs"><button data-mode="project">Project</button> <button data-mode="database">Database</button> <a href="#lineage">Lineage</a> <a href="#search/">Search</a></div>
<ul id="results" class="tree"></ul>
<div id="tree"></div>
</aside>
<main></main>
<script id="strata-data" type="application/json">${scriptJson(data)}</script>
<script>${readFileSync(dagrePath, 'utf8')}</script>
${SCRIPTS.map((f) => `<script>${readFileSync(join(siteDir, f), 'utf8')}</script>`).join('\n')}
</body>
</html>
`;
}
