import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS } from '../helpers/targets.js';
import { DEFAULT_FILES, type BadInputCase } from './case.js';
import { CONFIG_CASES } from './cases-config.js';
import { DATABASE_CASES, duckdbAt } from './cases-database.js';
import { FILE_CASES } from './cases-files.js';
import { GRAPH_CASES } from './cases-graph.js';
import { INVOCATION_CASES } from './cases-invocation.js';
import { TEMPLATE_CASES } from './cases-templates.js';
import { YAML_CASES } from './cases-yaml.js';

/** Every broken project and invocation (issue #18). */
const CASES: BadInputCase[] = [
  ...YAML_CASES,
  ...CONFIG_CASES,
  ...GRAPH_CASES,
  ...FILE_CASES,
  ...TEMPLATE_CASES,
  ...INVOCATION_CASES,
  ...DATABASE_CASES,
];

const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?$/m;
/** Printed output stays readable: a diagnostic about a 5 MB line does not print the line. */
const MAX_OUTPUT = 100_000;
const hasPostgres = TEST_TARGETS.some((t) => t.name === 'postgres');

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Writes the case's project into a fresh folder; returns the folder. */
function writeCase(c: BadInputCase): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bad-input-'));
  const files: Record<string, string | Buffer | null> = { ...DEFAULT_FILES, ...c.files };
  for (const [path, content] of Object.entries(files)) {
    if (content === null) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  c.setup?.(dir);
  return dir;
}

/**
 * A DuckDB path under /proc: Node's recursive mkdir there never returns (ENOENT from procfs makes
 * it retry), so this case runs the built CLI in a child process that is killed if it hangs, rather
 * than in the test's own process.
 */
describe('bad input that could hang the process', () => {
  const main = resolve(import.meta.dirname, '../../dist/cli/main.js');
  it.skipIf(!existsSync(main))('duckdb: a path under /proc fails at once (exit 2, database-file-unusable)', () => {
    const dir = writeCase({
      name: 'proc',
      files: { 'models/a.sql': 'select 1 as x\n', 'profiles.yml': duckdbAt('/proc/strata/test.duckdb') },
      argv: [],
      exit: 2,
    });
    const result = spawnSync(process.execPath, [main, 'run', '--project-dir', dir], {
      env: { HOME: EMPTY_HOME, PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    const shown = `strata run printed (status ${result.status}, signal ${result.signal}):\n${result.stdout}${result.stderr}`;
    expect.soft(result.signal, shown).toBeNull();
    expect.soft(result.status, shown).toBe(2);
    expect.soft(result.stderr, shown).toContain('error[database-file-unusable]');
    expect.soft(result.stderr, shown).toContain('/proc/strata');
    expect.soft(result.stderr, shown).not.toMatch(STACK_TRACE);
  });
});

describe('bad input: every broken project or invocation gets an exit code, a diagnostic code, a place and no stack trace', () => {
  it('has at least 80 cases, each named once', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    it.skipIf(c.postgres === true && !hasPostgres)(c.name, async () => {
      const dir = writeCase(c);
      const argv = c.argv.map((a) => a.replaceAll('{dir}', dir));
      // Right after the command words, so a flag left without its value stays so.
      const firstFlag = argv.findIndex((a) => a.startsWith('-'));
      if (!argv.includes('--project-dir')) argv.splice(firstFlag < 0 ? argv.length : firstFlag, 0, '--project-dir', dir);
      const result = await cli(argv, { HOME: EMPTY_HOME, PATH: process.env.PATH ?? '', ...c.env });
      const printed = `${result.out}\n${result.err}`;
      const shown = `strata ${c.argv.join(' ')} printed (exit ${result.code}):\n${printed.length > 4000 ? `${printed.slice(0, 4000)}…` : printed}`;

      expect.soft(result.code, shown).toBe(c.exit);
      expect.soft(printed, shown).not.toMatch(STACK_TRACE);
      expect.soft(printed, shown).not.toMatch(/internal error/i);
      expect.soft(printed.length, `${printed.length} characters printed`).toBeLessThan(MAX_OUTPUT);
      if (c.code === 'usage') {
        expect.soft(result.err, shown).toMatch(/^error(\[[a-z-]+\])?: /m);
      } else if (c.code !== undefined) {
        const severity = c.exit === 0 ? 'warning' : 'error';
        expect.soft(printed, shown).toMatch(new RegExp(`${severity}\\[(?:${c.code})\\]: `));
        if (c.at) expect.soft(printed, shown).toMatch(new RegExp(`(^|/)${escape(c.at)}:\\d+: ${severity}\\[(?:${c.code})\\]: `, 'm'));
      } else if (c.exit === 0) {
        expect.soft(printed, shown).not.toMatch(/(^|: )error(\[[a-z-]+\])?: /m);
      }
      if (c.message !== undefined) {
        if (typeof c.message === 'string') expect.soft(printed, shown).toContain(c.message);
        else expect.soft(printed, shown).toMatch(c.message);
      }
      await c.check?.(dir, printed);
    });
  }
});
