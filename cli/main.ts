#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// `strata --version` answers before anything else is loaded, so it stays instant.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { runCli } = await import('./run-cli.js');
  process.exitCode = await runCli(args);
}
