// Build after tsc: copies the docs site's assets, bundles the CLI and marks it executable.
//
// The CLI is bundled (dist/bundle/strata.cjs) because loading ~250 separate modules (zod alone is
// 95 files) and compiling them costs every command 100 ms and more before it does anything; the
// bundle is one file that V8 compiles from its code cache (cli/load-bundle.ts). The unbundled
// dist/ stays for the library API (`strata-sql`, `strata-sql/adapters`); dist/cli/main.js uses
// the bundle when it is there.
import { build } from 'esbuild';
import { chmodSync, cpSync, readFileSync, rmSync } from 'node:fs';

cpSync('core/docs/site', 'dist/core/docs/site', { recursive: true });
rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ['dist/cli/run-cli.js'],
  outfile: 'dist/bundle/strata.cjs',
  bundle: true,
  // One CommonJS file, run as a script so that V8's code cache applies (cli/load-bundle.ts).
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Less text for V8 to parse on a first start; names are kept, so stack traces and profiles read.
  minifyWhitespace: true,
  minifySyntax: true,
  // Database drivers (one of them native) load on first connect, from node_modules as usual.
  external: ['@duckdb/node-api', 'pg', 'pg-copy-streams'],
  // The code finds its assets and dependencies from its own location.
  define: { 'import.meta.url': '__strataModuleUrl' },
  banner: { js: "const __strataModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
const bundle = readFileSync('dist/bundle/strata.cjs', 'utf8');
// A script run from the code cache has no import() in Node 20: every dynamic import must have been bundled.
if (/\bimport\(/.test(bundle))
  throw new Error('dist/bundle/strata.cjs still calls import(): load that module with require (see adapters/load-driver.ts)');
// The docs site's assets sit next to the code that reads them, in both layouts.
cpSync('core/docs/site', 'dist/bundle/site', { recursive: true });
chmodSync('dist/cli/main.js', 0o755);
