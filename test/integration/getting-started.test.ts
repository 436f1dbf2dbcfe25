import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_HOME } from '../helpers/load.js';
import { queryDuckDbFile } from '../helpers/targets.js';

const repo = resolve(import.meta.dirname, '../..');
const main = join(repo, 'dist/cli/main.js');
const doc = readFileSync(join(repo, 'docs/getting-started.md'), 'utf8');

/** A fenced code block of the page, with the prose between it and the block before it. */
interface Block {
  lang: string;
  body: string;
  before: string;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  let last = 0;
  for (const match of markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    found.push({ lang: match[1] as string, body: match[2] as string, before: markdown.slice(last, match.index) });
    last = (match.index ?? 0) + match[0].length;
  }
  return found;
}

/** The folder a block of commands says to run in: `strata/`, `my_project/`, or any folder. */
function folderOf(block: Block): string | undefined {
  const said = [...block.before.matchAll(/[Ff]rom (?:the folder `([^`]+)`|any folder|the folder that\s+holds your `package\.json`)/g)].at(
    -1,
  );
  return said ? (said[1] ?? 'any folder') : undefined;
}

/** A command line as the test runs it: `npx strata …`/`strata …` is the built binary; `npm install` is left out (published-types.test.ts installs the package for real). */
function runnable(line: string): string | undefined {
  const steps = line
    .split('&&')
    .map((step) => step.trim())
    .filter((step) => !step.startsWith('npm install'));
  if (!steps.length) return undefined;
  return steps.map((step) => step.replace(/^(?:npx\s+)?strata(?:-sql)?(?=\s|$)/, `node '${main}'`)).join(' && ');
}

describe('docs/getting-started.md', () => {
  it('runs verbatim from the folders it names, with the results it says', async () => {
    const all = blocks(doc);
    const root = mkdtempSync(join(tmpdir(), 'strata-getting-started-'));
    // `strata/`: the repository's root, with the quickstart example (without any target/ left in it).
    const clone = join(root, 'strata');
    const quickstart = join(repo, 'examples/quickstart');
    cpSync(quickstart, join(clone, 'examples/quickstart'), {
      recursive: true,
      filter: (src) => !/(^|\/)target(\/|$)/.test(relative(quickstart, src)),
    });
    // `my_project/`: the files the page shows, each under the name written above it.
    const project = join(root, 'my_project');
    for (const block of all) {
      const name = /`([^`]+)`:\s*$/.exec(block.before)?.[1];
      if (!name || block.lang === 'sh') continue;
      mkdirSync(dirname(join(project, name)), { recursive: true });
      writeFileSync(join(project, name), block.body);
    }
    const folders: Record<string, string> = { 'strata/': clone, 'my_project/': project, 'any folder': mkdtempSync(join(root, 'any-')) };

    const shell = all.filter((block) => block.lang === 'sh');
    expect(shell.length).toBeGreaterThanOrEqual(4);
    const outputs: string[] = [];
    for (const block of shell) {
      const folder = folderOf(block);
      expect(folder, `this block does not say which folder to run it from:\n${block.body}`).toBeDefined();
      const cwd = folders[folder as string];
      expect(cwd, `unknown folder '${folder}'`).toBeDefined();
      for (const line of block.body.split('\n').filter((l) => l.trim())) {
        const command = runnable(line);
        if (!command) continue;
        const result = spawnSync('bash', ['-c', command], {
          cwd,
          encoding: 'utf8',
          env: { ...process.env, HOME: EMPTY_HOME, STRATA_PROFILES_DIR: '' },
        });
        expect(result.status, `\`${line}\` in ${folder}:\n${result.stdout}${result.stderr}`).toBe(0);
        outputs.push(result.stdout);
      }
    }

    // The quickstart, as the page says: an embedded DuckDB file under the example's target/.
    const revenueByGroup = await queryDuckDbFile(
      join(clone, 'examples/quickstart/target/strata.duckdb'),
      'select * from main.revenue_by_product_group',
    );
    expect(revenueByGroup.length).toBeGreaterThan(0);
    // my_project: the summary line and the rows the page promises.
    const done = /`(Done\. PASS=\d+ WARN=\d+ ERROR=\d+ SKIP=\d+ TOTAL=\d+)`/.exec(doc)?.[1];
    expect(done).toBeDefined();
    expect(outputs.some((out) => out.includes(done as string))).toBe(true);
    const revenue = await queryDuckDbFile(
      join(project, 'target/strata.duckdb'),
      'select customer, revenue from main.revenue order by customer',
    );
    expect(revenue).toEqual([
      { customer: 'alice', revenue: '19.75' },
      { customer: 'bob', revenue: '30.00' },
    ]);
    expect(doc).toContain('(alice 19.75, bob 30.00)');
    expect(existsSync(join(project, 'target/compiled/my_project/models/marts/revenue.sql'))).toBe(true);
    expect(outputs.some((out) => out.split('\n').includes('stg_orders'))).toBe(true);
  });
});
