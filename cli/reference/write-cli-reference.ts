// `npm run docs:cli`: writes docs/cli-reference.md from the CLI's own definitions.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLI_REFERENCE_PAGE, cliReference } from './cli-reference.js';

const repoRoot = resolve(import.meta.dirname, '../..');
writeFileSync(join(repoRoot, CLI_REFERENCE_PAGE), cliReference(repoRoot));
process.stdout.write(`Wrote ${CLI_REFERENCE_PAGE}\n`);
