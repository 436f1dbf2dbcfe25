import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { CLI_REFERENCE_PAGE, cliReference } from '../../../cli/reference/cli-reference.js';
import { describeProgram } from '../../../cli/reference/describe-program.js';
import { envVariablesBySource } from '../../../cli/reference/env-flags.js';
import { renderCliReference } from '../../../cli/reference/render-cli-reference.js';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('docs/cli-reference.md', () => {
  it('is what `npm run docs:cli` generates from the CLI as it is now', () => {
    const onDisk = readFileSync(join(ROOT, CLI_REFERENCE_PAGE), 'utf8');
    // toBe on the whole text: the diff vitest prints shows which command or option changed.
    expect(onDisk, 'docs/cli-reference.md is out of date with the CLI: run `npm run docs:cli`').toBe(cliReference(ROOT));
  });

  it('documents the commands and options every dbt user reaches for', () => {
    const page = cliReference(ROOT);
    for (const heading of ['## strata build', '## strata run', '## strata test', '## strata docs generate'])
      expect(page).toContain(`\n${heading}\n`);
    expect(page).toMatch(/\| `-s, --select <selector\.\.\.>` \|/);
    expect(page).toContain('`STRATA_PROFILES_DIR`, `DBT_PROFILES_DIR`');
  });
});

describe('the CLI reference generator', () => {
  /** A source tree with one file, as env-flags.ts scans it. */
  function sourceTree(text: string): string {
    const root = mkdtempSync(join(tmpdir(), 'strata-cli-ref-'));
    mkdirSync(join(root, 'cli'));
    writeFileSync(join(root, 'cli', 'flags.ts'), text);
    return join(root, 'cli');
  }

  it('shows aliases, arguments, defaults, choices and the environment variables the code reads', () => {
    const program = new Command('strata').description('test program');
    program
      .command('show')
      .alias('preview')
      .description('show rows')
      .argument('[selector...]', 'what to show')
      .addOption(new Option('--output <format>', 'how to print').choices(['text', 'json']).default('text'))
      .option('--limit <n>', 'rows to show', '5')
      .addOption(new Option('--secret-flag', 'not for users').hideHelp());
    const envOf = envVariablesBySource([sourceTree("const f = envSetting(env, 'output');\nconst g = options.env.DBT_LIMIT;\n")]);
    const page = renderCliReference(describeProgram(program, envOf));
    expect(page).toContain('## strata show\n\nShow rows.\n\n```\nstrata show [options] [selector...]\n```\n\nAlias: `preview`.');
    expect(page).toContain('| `[selector...]` | what to show |');
    expect(page).toContain('| `--output <format>` | how to print | `"text"` | `text`, `json` | `STRATA_OUTPUT`, `DBT_OUTPUT` |');
    // Only the spelling the code reads directly is named.
    expect(page).toContain('| `--limit <n>` | rows to show | `"5"` |  | `DBT_LIMIT` |');
    expect(page).not.toContain('secret-flag');
    expect(page).toContain('| [`strata show`](#strata-show) | show rows |');
  });

  it('follows a local wrapper to the flag names its callers pass', () => {
    const envOf = envVariablesBySource([
      sourceTree(
        "const setting = (value: string | undefined, flag: string) => value ?? envSetting(env, flag);\nsetting(flags.logPath, 'log-path');\n",
      ),
    ]);
    expect(envOf('--log-path')).toEqual(['STRATA_LOG_PATH', 'DBT_LOG_PATH']);
    expect(envOf('--log-level')).toEqual([]);
    // A wrapper with a body, whose env read is assigned to a variable first.
    const blockBody = envVariablesBySource([
      sourceTree(
        "const fromEnv = (flag: string) => {\n  const value = envSetting(env, flag);\n  return value ?? '';\n};\nfromEnv('resource-types');\n",
      ),
    ]);
    expect(blockBody('--resource-types')).toEqual(['STRATA_RESOURCE_TYPES', 'DBT_RESOURCE_TYPES']);
  });

  it('refuses a flag name it cannot read, rather than leave its variable out of the page', () => {
    expect(() => envVariablesBySource([sourceTree('const flag = pick();\nenvBoolean(env, flag);\n')])).toThrow(/flags\.ts:2/);
  });
});
