// Build after tsc: copies the docs site's assets, bundles the CLI and marks it executable.
//
// The CLI is bundled (dist/bundle/) because loading ~250 separate modules (zod alone is 95 files)
// costs every command 50–80 ms before it does anything. The unbundled dist/ stays for the library
// API (`strata-sql`, `strata-sql/adapters`); dist/cli/main.js uses the bundle when it is there.
import { build } from 'esbuild';
import { chmodSync, cpSync, rmSync } from 'node:fs';

cpSync('core/docs/site', 'dist/core/docs/site', { recursive: true });
rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ['dist/cli/run-cli.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true, // commands are still loaded only when they run
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Less text for V8 to parse at every start; names are kept, so stack traces and profiles read.
  minifyWhitespace: true,
  minifySyntax: true,
  // Database drivers (one of them native) load on first connect, from node_modules as usual.
  external: ['@duckdb/node-api', 'pg', 'pg-copy-streams'],
  // CommonJS dependencies (nunjucks, commander) call require() for Node's own modules.
  banner: { js: "import { createRequire as __strataRequire } from 'node:module'; const require = __strataRequire(import.meta.url);" },
  logLevel: 'warning',
});
// The docs site's assets sit next to the code that reads them, in both layouts.
cpSync('core/docs/site', 'dist/bundle/site', { recursive: true });
chmodSync('dist/cli/main.js', 0o755);
