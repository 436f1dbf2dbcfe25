#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `strata --version` answers before anything else is loaded, so it stays instant.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`${pkg.version}\n`);
} else {
  // The bundled CLI (see build.mjs) when the build made one: one file, compiled from V8's code
  // cache, starts several times faster than hundreds of modules compiled anew.
  const bundle = fileURLToPath(new URL('../bundle/strata.cjs', import.meta.url));
  if (existsSync(bundle)) {
    const { loadBundle } = await import('./load-bundle.js');
    const { runCli, saveCodeCache } = loadBundle(bundle);
    process.exitCode = await runCli(args);
    saveCodeCache();
  } else {
    const { runCli } = await import('./run-cli.js');
    process.exitCode = await runCli(args);
  }
}
