import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinDialect } from '../../adapters/dialects.js';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { compileStateFiles } from '../../core/compile/compile-state.js';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { projectYml, writeFiles, writeProject } from '../helpers/temp-project.js';

const files = {
  'dbt_project.yml': projectYml('p', 'vars:\n  kind: view\n'),
  'macros/cents.sql': '{% macro cents(c) %}({{ c }} * 100){% endmacro %}',
  'models/a.sql': 'select 1 as x',
  'models/z.sql': 'select 2 as x',
  'models/b.sql': "select x, {{ cents('x') }} as c from {{ ref('a') }}",
  'models/eph.sql': "{{ config(materialized='ephemeral') }}select 3 as x",
  'models/reads_eph.sql': "select * from {{ ref('eph') }}",
  'models/region.sql': "select '{{ env_var('REGION', 'eu') }}' as region",
  'models/props.yml': 'models:\n  - name: b\n    columns:\n      - name: x\n        data_tests: [unique]\n',
  // An installed package (what `strata deps` leaves), whose macro a model calls.
  'strata_packages/util/dbt_project.yml': 'name: util\n',
  'strata_packages/util/macros/label.sql': "{% macro label() %}'v1'{% endmacro %}",
  'models/labelled.sql': 'select {{ util.label() }} as label',
  'models/reads_graph.sql': 'select {{ graph.nodes | length }} as nodes',
  'models/asks.sql': "select {{ run_query('select 42 as answer').rows[0][0] if execute else 0 }} as answer",
};

const baseEnv = { HOME: EMPTY_HOME };

/** Sets every file's mtime a minute back, so none counts as "just written" (racily clean). */
function age(dir: string, seconds = 60): void {
  const when = new Date(Date.now() - seconds * 1000);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && !relative(dir, entry.parentPath).startsWith('target')) utimesSync(join(entry.parentPath, entry.name), when, when);
  }
}

/** Edits files and dates them 30 seconds back (older than the compile, newer than the rest). */
function edit(dir: string, changes: Record<string, string>): void {
  writeFiles(dir, changes);
  const when = new Date(Date.now() - 30_000);
  for (const file of Object.keys(changes)) utimesSync(join(dir, file), when, when);
}

async function compile(dir: string, env: NodeJS.ProcessEnv = baseEnv, extra: string[] = []): Promise<{ fast: boolean }> {
  const result = await cli(['compile', '--project-dir', dir, ...extra], env);
  expect(result.code, result.err).toBe(0);
  return { fast: existsSync(compileStateFiles(dir).patch) };
}

/** manifest.json (parsed, and its bytes) without the per-invocation metadata, and every compiled file. */
function outputs(dir: string): { manifest: Record<string, unknown>; manifestText: string; compiled: Record<string, string> } {
  const manifestText = readFileSync(join(dir, 'target/manifest.json'), 'utf8').replace(
    /"(invocation_id|generated_at|invocation_started_at)":"[^"]*"/g,
    '"$1":""',
  );
  const manifest = JSON.parse(manifestText) as Record<string, unknown>;
  const compiledDir = join(dir, 'target/compiled');
  const compiled: Record<string, string> = {};
  for (const entry of readdirSync(compiledDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.sql'))
      compiled[relative(compiledDir, join(entry.parentPath, entry.name))] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return { manifest, manifestText, compiled };
}

/** What the re-compile left equals what a full compile of the same files writes, manifest.json byte for byte. */
async function expectSameAsFullCompile(dir: string, env: NodeJS.ProcessEnv = baseEnv, extra: string[] = []): Promise<void> {
  const patched = outputs(dir);
  const state = compileStateFiles(dir);
  for (const file of Object.values(state)) rmSync(file, { force: true });
  rmSync(join(dir, 'target/partial_parse.json'), { force: true });
  expect((await compile(dir, env, extra)).fast).toBe(false);
  expect(patched).toEqual(outputs(dir));
}

describe('re-compile from the last compile state', () => {
  it('with nothing changed, only renews the metadata', async () => {
    const dir = writeProject(files);
    age(dir);
    expect((await compile(dir)).fast).toBe(false);
    const firstId = (JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { metadata: { invocation_id: string } })
      .metadata.invocation_id;
    expect((await compile(dir)).fast).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { metadata: { invocation_id: string } };
    expect(manifest.metadata.invocation_id).not.toBe(firstId);
    await expectSameAsFullCompile(dir);
  });

  it('patches an edited model whose refs, config and macro calls stay the same, through growing and shrinking edits', async () => {
    const dir = writeProject(files);
    age(dir);
    await compile(dir);
    edit(dir, { 'models/b.sql': "select x, {{ cents('x') }} as c, 'a much longer text than before' as note from {{ ref('a') }}" });
    expect((await compile(dir)).fast).toBe(true);
    expect(readFileSync(join(dir, 'target/compiled/p/models/b.sql'), 'utf8')).toContain(
      '\'a much longer text than before\' as note from "strata"."main"."a"',
    );
    edit(dir, { 'models/z.sql': 'select 22 as x' });
    expect((await compile(dir)).fast).toBe(true);
    edit(dir, { 'models/b.sql': "select {{ cents('x') }} as c from {{ ref('a') }}" });
    expect((await compile(dir)).fast).toBe(true);
    await expectSameAsFullCompile(dir);
  });

  it('compiles in full when a change can reach other nodes, and the result is right', async () => {
    const cases: {
      name: string;
      change: (dir: string) => void;
      env?: NodeJS.ProcessEnv;
      args?: string[];
      check: (o: ReturnType<typeof outputs>) => void;
    }[] = [
      {
        name: 'a ref changed',
        change: (d) => edit(d, { 'models/b.sql': "select x, {{ cents('x') }} as c from {{ ref('z') }}" }),
        check: (o) => expect(o.compiled['p/models/b.sql']).toContain('"z"'),
      },
      {
        name: 'config() changed',
        change: (d) => edit(d, { 'models/a.sql': "{{ config(alias='a2') }}select 1 as x" }),
        check: (o) => expect(o.compiled['p/models/b.sql']).toContain('"a2"'),
      },
      {
        name: 'a macro changed',
        change: (d) => edit(d, { 'macros/cents.sql': '{% macro cents(c) %}({{ c }} * 1000){% endmacro %}' }),
        check: (o) => expect(o.compiled['p/models/b.sql']).toContain('* 1000'),
      },
      {
        name: 'an ephemeral model changed',
        change: (d) => edit(d, { 'models/eph.sql': "{{ config(materialized='ephemeral') }}select 4 as x" }),
        check: (o) => expect(o.compiled['p/models/reads_eph.sql']).toContain('select 4 as x'),
      },
      {
        name: 'a properties file changed',
        change: (d) => edit(d, { 'models/props.yml': 'models:\n  - name: b\n    config:\n      alias: b2\n' }),
        check: (o) => expect(Object.keys(o.manifest.nodes as object).some((id) => id.startsWith('test.'))).toBe(false),
      },
      {
        name: 'a file was added',
        change: (d) => edit(d, { 'models/new_one.sql': "select * from {{ ref('b') }}" }),
        check: (o) => expect(o.compiled['p/models/new_one.sql']).toContain('"b"'),
      },
      {
        name: 'a model reading graph changed',
        change: (d) => edit(d, { 'models/reads_graph.sql': 'select {{ graph.nodes | length }} as nodes, 2 as edited' }),
        check: (o) => expect(o.compiled['p/models/reads_graph.sql']).toMatch(/select \d+ as nodes, 2 as edited/),
      },
      {
        name: 'a model asking the database changed',
        change: (d) =>
          edit(d, { 'models/asks.sql': "select {{ run_query('select 43 as answer').rows[0][0] if execute else 0 }} as answer" }),
        check: (o) => expect(o.compiled['p/models/asks.sql']).toContain('select 43 as answer'),
      },
      {
        name: 'an installed package changed',
        change: (d) => edit(d, { 'strata_packages/util/macros/label.sql': "{% macro label() %}'v2'{% endmacro %}" }),
        check: (o) => expect(o.compiled['p/models/labelled.sql']).toContain("'v2'"),
      },
      {
        name: 'an env var it read changed',
        change: () => undefined,
        env: { ...baseEnv, REGION: 'us' },
        check: (o) => expect(o.compiled['p/models/region.sql']).toContain("'us'"),
      },
      {
        name: '--vars changed',
        change: () => undefined,
        args: ['--vars', '{kind: table}'],
        check: (o) =>
          expect((o.manifest.nodes as Record<string, { config: { materialized: string } }>)['model.p.a']?.config.materialized).toBe('view'),
      },
      {
        name: 'manifest.json was written by another command',
        change: (d) =>
          writeFileSync(join(d, 'target/manifest.json'), readFileSync(join(d, 'target/manifest.json'), 'utf8').replace('"p"', '"p" ')),
        check: () => undefined,
      },
    ];
    for (const c of cases) {
      const dir = writeProject(files);
      age(dir);
      await compile(dir);
      c.change(dir);
      expect((await compile(dir, c.env ?? baseEnv, c.args ?? [])).fast, c.name).toBe(false);
      c.check(outputs(dir));
      // And the state it leaves is good for the next (fast) compile.
      expect((await compile(dir, c.env ?? baseEnv, c.args ?? [])).fast, c.name).toBe(true);
      await expectSameAsFullCompile(dir, c.env ?? baseEnv, c.args ?? []);
    }
  });

  it('treats a file written just before the compile as changed (it may have changed while being read)', async () => {
    const dir = writeProject(files);
    age(dir);
    // Both versions get one mtime, as two writes within one mtime tick do, so size and mtime cannot
    // tell them apart. It is a minute ahead, so it counts as written during the compile however
    // long the compile takes to start.
    const tick = new Date(Date.now() + 60_000);
    const write = (text: string) => {
      writeFiles(dir, { 'models/z.sql': text });
      utimesSync(join(dir, 'models/z.sql'), tick, tick);
    };
    write('select 5 as x');
    await compile(dir);
    write('select 6 as x');
    expect((await compile(dir)).fast).toBe(true);
    expect(readFileSync(join(dir, 'target/compiled/p/models/z.sql'), 'utf8')).toContain('select 6 as x');
  });

  it('knows the same adapter types as the adapters themselves', async () => {
    for (const adapter of BUILTIN_ADAPTERS) expect(await builtinDialect(adapter.name)).toBe(adapter.dialect);
  });
});
