#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import type * as RunCli from './run-cli.js';

// `strata --version` answers before anything else is loaded, so it stays instant.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`${pkg.version}\n`);
} else {
  // The bundled CLI (see build.mjs) when the build made one: one file loads faster than hundreds.
  const bundled = new URL('../bundle/run-cli.js', import.meta.url);
  const { runCli } = (existsSync(bundled) ? await import(bundled.href) : await import('./run-cli.js')) as typeof RunCli;
  process.exitCode = await runCli(args);
}
