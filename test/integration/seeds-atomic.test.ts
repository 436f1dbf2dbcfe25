import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import type { ConnectionPool } from '../../core/adapter/adapter.js';
import { prepareProject } from '../../core/compile/compile-project.js';
import { runProject, type RunOptions } from '../../core/run/run-project.js';
import { runPlan } from '../../core/run/run-plan.js';
import type { ProjectNode } from '../../core/project/types.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { TEST_TARGETS, uniqueSchema, postgresOutput, type TestTarget } from '../helpers/targets.js';
import { writeFiles, writeProject } from '../helpers/temp-project.js';

const repo = resolve(import.meta.dirname, '../..');

/** A seed of `count` rows, all tagged `batch`: a table holding rows of two batches was mixed. */
function csv(batch: string, count: number, last?: string): string {
  const rows = Array.from({ length: count }, (_, i) => `${i + 1},${batch},${i + 1}.25,2024-01-${String((i % 28) + 1).padStart(2, '0')}`);
  if (last !== undefined) rows[rows.length - 1] = last;
  return `id,batch,amount,day\n${rows.join('\n')}\n`;
}

/** One profile output on the target, shared by every project given it (one DuckDB file, or one Postgres schema). */
function sharedOutput(target: TestTarget, duckdbFile: string): { yaml: string; schema: string } {
  if (target.name === 'duckdb')
    return { schema: 'main', yaml: `      type: duckdb\n      path: ${duckdbFile}\n      schema: main\n      threads: 1\n` };
  const schema = uniqueSchema();
  return { schema, yaml: postgresOutput(schema, 1) };
}

for (const target of TEST_TARGETS) {
  describe(`seeds are swapped in whole and streamed, on ${target.name}`, () => {
    /** Projects `p` with seeds/s.csv from each of `seeds`, all building into the same place. */
    function projects(seeds: string[], extra = '') {
      const dirs = seeds.map((text) => writeProject({ 'dbt_project.yml': `name: p\nprofile: p\n${extra}`, 'seeds/s.csv': text }));
      const output = sharedOutput(target, join(dirs[0] as string, 'test.duckdb'));
      for (const dir of dirs) writeFiles(dir, { 'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n${output.yaml}` });
      const seed = async (dir: string, options: Partial<RunOptions> = {}) =>
        (await runProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME }, resourceTypes: ['seed'], ...options }))
          .summary;
      const query = (sql: string) => target.query(dirs[0] as string, sql.replaceAll('{schema}', output.schema));
      return { dirs, schema: output.schema, seed, query };
    }

    // Ctrl-C while the file has no more data yet (a slow disk, a pipe): the backend waits for data and
    // would not act on a server-side cancel until some came, so the load must stop from the client.
    it.runIf(target.name === 'postgres')(
      'a load cancelled while its file sends nothing stops at once, and the session still answers',
      async () => {
        const { dirs, schema } = projects([csv('a', 3)]);
        const dir = dirs[0] as string;
        const { adapter, project } = prepareProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME } });
        const fifo = join(dir, 'slow.csv');
        expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
        // A writer that sends a header and one row, then holds the pipe open.
        const writer = spawn('sh', ['-c', `exec 3>"${fifo}"; printf 'id\\n1\\n' >&3; sleep 60`], { stdio: 'ignore' });
        const pool = await adapter.connect(project.target.config, { size: 1 });
        try {
          await pool.withConnection(async (c) => {
            await c.ensureSchema({ schema });
            await c.execute(`create table "${schema}".slow (id int)`);
            const controller = new AbortController();
            const started = Date.now();
            setTimeout(() => controller.abort(), 500);
            await expect(c.loadCsv({ schema, identifier: 'slow' }, fifo, ['id'], { signal: controller.signal })).rejects.toThrow(
              /canceling statement due to user request/,
            );
            expect(Date.now() - started).toBeLessThan(10_000);
            expect((await c.execute(`select count(*) as n from "${schema}".slow`)).rows).toEqual([{ n: '0' }]);
          });
        } finally {
          writer.kill('SIGKILL');
          await pool.close();
        }
      },
      30_000,
    );

    it('two seed runs at once on one target: every round ends with one whole CSV, never doubled or mixed (20 rounds)', async () => {
      const { dirs, seed, query } = projects([csv('a', 300), csv('b', 500)]);
      for (let round = 0; round < 20; round++) {
        const summaries = await Promise.all(dirs.map((dir) => seed(dir)));
        expect(summaries.map((s) => s.results.map((r) => r.status))).toEqual([['success'], ['success']]);
        const rows = await query('select batch, count(*) as n, count(distinct id) as ids from {schema}.s group by batch');
        expect(rows).toHaveLength(1);
        const n = rows[0]?.batch === 'a' ? '300' : '500';
        expect(rows[0]).toEqual({ batch: rows[0]?.batch, n, ids: n });
      }
    });

    it('two loads at once without the run lock (the plans alone): never doubled or mixed, and the old table stays whole (20 rounds)', async () => {
      const { dirs } = projects([csv('a', 300), csv('b', 500)]);
      const prepared = dirs.map((dir) => prepareProject({ projectDir: dir, adapters: BUILTIN_ADAPTERS, env: { HOME: EMPTY_HOME } }));
      const { adapter, project } = prepared[0] as (typeof prepared)[number];
      const nodes = prepared.map((p) => p.project.nodes.get('seed.p.s') as ProjectNode);
      const relation = (nodes[0] as ProjectNode).relation;
      const pools: ConnectionPool[] = [];
      try {
        for (let i = 0; i < 2; i++) pools.push(await adapter.connect(project.target.config, { size: 1 }));
        await pools[0]?.withConnection((c) => c.ensureSchema(relation));
        const load = (pool: ConnectionPool, node: ProjectNode) =>
          pool.withConnection(async (c) => {
            const existing = (await c.listRelations(relation)).find((r) => r.identifier === relation.identifier);
            const input = {
              node,
              compiledSql: '',
              existing,
              dependents: [],
              foreignKeys: [],
              dialect: adapter.dialect,
              capabilities: adapter.capabilities,
              buildId: 't',
            };
            await runPlan(c, input, new AbortController().signal);
          });
        for (let round = 0; round < 20; round++) {
          const outcomes = await Promise.allSettled(pools.map((pool, i) => load(pool, nodes[i] as ProjectNode)));
          const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [String((o.reason as Error).message)] : []));
          // Postgres makes the second load wait for the first (a lock on the seed's name); DuckDB
          // has no such lock and refuses the second transaction's conflicting writes instead.
          if (target.name === 'postgres') expect(failures).toEqual([]);
          else for (const failure of failures) expect(failure).toMatch(/conflict/i);
          expect(failures.length).toBeLessThan(2);
          const { rows } = await (pools[0] as ConnectionPool).withConnection((c) =>
            c.execute(`select batch, count(*) as n from ${adapter.dialect.qualify(relation)} group by batch`),
          );
          expect(rows).toHaveLength(1);
          expect(Number(rows[0]?.n)).toBe(rows[0]?.batch === 'a' ? 300 : 500);
          const left = await (pools[0] as ConnectionPool).withConnection((c) => c.listRelations(relation));
          expect(left.map((r) => r.identifier)).toEqual(['s']);
        }
      } finally {
        for (const pool of pools) await pool.close();
      }
    });

    it('a reload after the CSV changes holds exactly the new rows', async () => {
      const {
        dirs: [dir = ''],
        seed,
        query,
      } = projects(['id,name\n1,a\n2,b\n3,c\n']);
      expect((await seed(dir)).success).toBe(true);
      writeFiles(dir, { 'seeds/s.csv': 'id,name\n7,x\n2,changed\n' });
      expect((await seed(dir)).success).toBe(true);
      expect(await query('select id, name from {schema}.s order by id')).toEqual([
        { id: '2', name: 'changed' },
        { id: '7', name: 'x' },
      ]);
    });

    it('a load the database refuses leaves the previous rows and no leftover tables', async () => {
      const {
        dirs: [dir = ''],
        schema,
        seed,
        query,
      } = projects([csv('a', 3)]);
      expect((await seed(dir)).success).toBe(true);
      // Looks like a date (so it is inferred as one) but is not a day.
      writeFiles(dir, { 'seeds/s.csv': csv('b', 5, '5,b,5.25,2024-02-30') });
      const failed = await seed(dir);
      expect(failed.results[0]?.status).toBe('error');
      expect(failed.results[0]?.message).toMatch(/2024-02-30/);
      expect(await query('select batch, count(*) as n from {schema}.s group by batch')).toEqual([{ batch: 'a', n: '3' }]);
      const tables =
        target.name === 'duckdb'
          ? "select table_name from duckdb_tables() where schema_name = 'main'"
          : `select table_name from information_schema.tables where table_schema = '${schema}'`;
      expect(await query(tables)).toEqual([{ table_name: 's' }]);
    });

    it("infers a large seed's types from its first 1 MiB of rows: a later value that does not fit fails the load whole, and column_types fixes it", async () => {
      const rows = 40_000;
      const big = (last: string) =>
        `id,code,note\n${Array.from({ length: rows }, (_, i) => (i === rows - 1 ? last : `${i + 1},${(i * 7) % 1000},"note, number ${i + 1}"`)).join('\n')}\n`;
      const {
        dirs: [dir = ''],
        seed,
        query,
      } = projects([big(`${rows},7,"last"`)]);
      expect(statSync(join(dir, 'seeds/s.csv')).size).toBeGreaterThan(1024 * 1024);
      expect((await seed(dir)).success).toBe(true);
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
        nodes: Record<string, { checksum: unknown }>;
      };
      // dbt checksums a seed over 1 MiB by its path.
      expect(manifest.nodes['seed.p.s']?.checksum).toEqual({ name: 'path', checksum: 'seeds/s.csv' });

      writeFiles(dir, { 'seeds/s.csv': big(`${rows},A7,"last"`) });
      const failed = await seed(dir);
      expect(failed.results[0]?.status).toBe('error');
      expect(failed.results[0]?.message).toMatch(new RegExp(`line:? ${rows + 1}\\b`, 'i'));
      expect(failed.results[0]?.message).toMatch(
        /A7.*\(while trying to load the CSV rows; column types were inferred from the first [\d,]+ rows, so set column_types for a column whose later values differ\)$/s,
      );
      expect(await query('select count(*) as n, max(code) as top from {schema}.s')).toEqual([{ n: String(rows), top: '999' }]);

      writeFiles(dir, { 'dbt_project.yml': 'name: p\nprofile: p\nseeds:\n  p:\n    s:\n      +column_types: {code: varchar(10)}\n' });
      expect((await seed(dir)).success).toBe(true);
      expect(await query(`select count(*) as n, max(case when id = ${rows} then code end) as last from {schema}.s`)).toEqual([
        { n: String(rows), last: 'A7' },
      ]);
    });

    it('loads 200,000 rows (16 MB) with memory that does not follow the file', () => {
      const wide = (count: number) =>
        `id,batch,amount,day,note\n${Array.from({ length: count }, (_, i) => `${i + 1},a,${i + 1}.25,2024-01-${String((i % 28) + 1).padStart(2, '0')},"note, number ${i + 1} with some words to make it wider"`).join('\n')}\n`;
      const { dirs } = projects([wide(10), wide(200_000)]);
      const size = statSync(join(dirs[1] as string, 'seeds/s.csv')).size;
      // Each load in a process of its own, so its peak RSS is its own: a small seed, then the large one.
      const script = join(dirs[0] as string, 'measure.mts');
      writeFileSync(
        script,
        [
          `import { runCli } from ${JSON.stringify(join(repo, 'cli/run-cli.ts'))};`,
          "const code = await runCli(process.argv.slice(2), { out: () => undefined, err: (line) => process.stderr.write(line + '\\n') }, process.env);",
          'process.stdout.write(JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS }));',
          'process.exit(0);',
        ].join('\n'),
      );
      const peak = (dir: string) => {
        const result = spawnSync(process.execPath, ['--import', 'tsx', script, 'seed', '--project-dir', dir], {
          cwd: repo,
          encoding: 'utf8',
          env: { ...process.env, HOME: EMPTY_HOME },
        });
        const report = JSON.parse(result.stdout || '{}') as { code?: number; maxRssKb?: number };
        expect(report.code, result.stderr).toBe(0);
        return (report.maxRssKb ?? 0) * 1024;
      };
      const small = peak(dirs[0] as string);
      const large = peak(dirs[1] as string);
      // Reading the CSV whole took some 23 times its size (1.5 GB for 67 MB). What grows now is a
      // fixed 1 MiB sample, and on DuckDB the new table's data in the database's own buffers.
      expect(large - small).toBeLessThan(size * (target.name === 'duckdb' ? 5 : 3));
      console.log(
        `${target.name}: ${(size / 1e6).toFixed(1)} MB seed, peak RSS ${(small / 1e6).toFixed(0)} MB for 10 rows, ${(large / 1e6).toFixed(0)} MB for 200,000 rows`,
      );
    });
  });
}
