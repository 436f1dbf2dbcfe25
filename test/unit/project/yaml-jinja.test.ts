import { describe, expect, it } from 'vitest';
import { EMPTY_HOME as home, load, userErrors } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

// Jinja in dbt_project.yml, profiles.yml and properties files, rendered natively as dbt renders
// them: which keys, with which context, and what type comes out.

const duckdbProfile = (extra = '') =>
  `p:\n  target: "{{ env_var('WHICH', 'dev') }}"\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      threads: "{{ env_var('THREADS', '1') | as_number }}"\n${extra}`;

describe('Jinja in the project file', () => {
  it('renders config trees natively: a CLI var gives a bool, target.type a string, env_var a number', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml(
        'p',
        `models:
  p:
    +materialized: "{{ 'table' if target.type == 'postgres' else 'view' }}"
    +meta: {size: "{{ env_var('SIZE') | as_number }}", flag: "{{ var('flag', true) }}"}
    optional:
      +enabled: "{{ var('load_optional', false) }}"
`,
      ),
      'models/a.sql': 'select 1',
      'models/optional/b.sql': 'select 1',
    });
    const project = load(dir, { env: { HOME: home, SIZE: '12' } });
    expect(project.nodes.get('model.p.a')?.config.materialized).toBe('view');
    expect(project.nodes.get('model.p.a')?.config.meta).toEqual({ size: 12, flag: true });
    expect(project.disabled.has('model.p.b')).toBe(true);
    const withVar = load(dir, { env: { HOME: home, SIZE: '12' }, vars: { load_optional: true } });
    expect(withVar.nodes.get('model.p.b')?.config.enabled).toBe(true);
  });

  it('leaves hooks, run hooks, query-comment and vars unrendered', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml(
        'p',
        `on-run-start: "select '{{ target.name }}'"
query-comment: "{{ invocation_id }}"
vars:
  later: "{{ target.name }}"
models:
  p:
    +pre-hook: "select '{{ this }}'"
    +post-hook: ["select '{{ this }}'"]
`,
      ),
      'models/a.sql': 'select 1',
    });
    const project = load(dir);
    expect(project.settings['on-run-start']).toBe("select '{{ target.name }}'");
    expect(project.settings['query-comment']).toBe('{{ invocation_id }}');
    expect(project.settings.vars).toEqual({ later: '{{ target.name }}' });
    expect(project.nodes.get('model.p.a')?.config.pre_hook).toEqual(["select '{{ this }}'"]);
    expect(project.nodes.get('model.p.a')?.config.post_hook).toEqual(["select '{{ this }}'"]);
  });

  it("sees only --vars, not the project's own vars, and says so at the line", () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', `vars:\n  on: true\nmodels:\n  p:\n    +enabled: "{{ var('on') }}"\n`),
      'models/a.sql': 'select 1',
    });
    const [problem] = userErrors(() => load(dir));
    expect(problem?.code).toBe('missing-var');
    expect(problem?.message).toContain('see only --vars');
    expect(problem?.at).toMatchObject({ file: 'dbt_project.yml', line: 7 });
    expect(load(dir, { vars: { on: false } }).disabled.has('model.p.a')).toBe(true);
  });

  it('finds the profile from a rendered profile name and renders the profile natively, only the chosen output', () => {
    const dir = writeProject({
      'dbt_project.yml': `name: p\nprofile: "{{ env_var('PROFILE_NAME') }}"\n`,
      'models/a.sql': 'select 1',
      'profiles.yml': duckdbProfile(`    other:\n      type: duckdb\n      path: "{{ env_var('NOT_SET') }}"\n`),
    });
    const project = load(dir, { env: { HOME: home, PROFILE_NAME: 'p', THREADS: '3' } });
    expect(project.target.profileName).toBe('p');
    expect(project.target.targetName).toBe('dev');
    expect(project.target.info.threads).toBe(3);
    const other = userErrors(() => load(dir, { env: { HOME: home, PROFILE_NAME: 'p', WHICH: 'other' } }));
    expect(other[0]?.code).toBe('missing-env-var');
    // The profile name is rendered once, before the target: its problem is reported once.
    const noName = userErrors(() => load(dir, { env: { HOME: home } }));
    expect(noName.filter((d) => d.code === 'missing-env-var').map((d) => d.at?.line)).toEqual([2]);
  });

  it('fails on as_bool and as_number of values that are not one', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', `models:\n  p:\n    +enabled: "{{ env_var('FLAG') | as_bool }}"\n`),
      'models/a.sql': 'select 1',
    });
    expect(load(dir, { env: { HOME: home, FLAG: 'False' } }).disabled.has('model.p.a')).toBe(true);
    const [problem] = userErrors(() => load(dir, { env: { HOME: home, FLAG: 'no' } }));
    expect(problem?.message).toContain("Could not convert value 'no' into type 'bool'");
    expect(problem?.at).toMatchObject({ file: 'dbt_project.yml', line: 5 });
  });

  it('keeps secret env vars out of the project file', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', `models:\n  p:\n    +schema: "{{ env_var('DBT_ENV_SECRET_X') }}"\n`),
      'models/a.sql': 'select 1',
    });
    expect(userErrors(() => load(dir, { env: { HOME: home, DBT_ENV_SECRET_X: 's' } }))[0]?.message).toContain(
      'can only be used in profiles.yml',
    );
  });

  it("renders a package's project file the same way", () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/a.sql': 'select 1',
      'dbt_packages/pkg/dbt_project.yml': `name: pkg\nmodels:\n  pkg:\n    +enabled: "{{ var('pkg_on', false) }}"\n    +materialized: "{{ 'table' if target.type == 'duckdb' else 'view' }}"\n`,
      'dbt_packages/pkg/models/m.sql': 'select 1',
    });
    expect(load(dir).disabled.get('model.pkg.m')?.config.materialized).toBe('table');
    expect(load(dir, { vars: { pkg_on: true } }).nodes.has('model.pkg.m')).toBe(true);
  });
});

describe('Jinja in properties files', () => {
  const PROPS = `version: 2
models:
  - name: a
    description: "{{ doc('a_doc') }}"
    config:
      tags: "{{ var('tags') }}"
      pre_hook: "select '{{ this }}'"
    columns:
      - name: status
        data_type: "{{ 'text' if target.type == 'postgres' else 'varchar' }}"
        data_tests:
          - accepted_values:
              values: "{{ var('types') }}"
              config:
                severity: "{{ 'warn' if target.name == 'dev' else 'error' }}"
          - relationships:
              to: "{{ ref('b') }}"
              field: id
  - name: b
    columns:
      - name: id
        data_tests:
          - accepted_values:
              values: var('ids')
seeds:
  - name: s
    config:
      column_types: {code: "{{ 'varchar(' ~ var('width') ~ ')' }}"}
sources:
  - name: raw
    schema: "{{ target.schema }}_raw"
    tables:
      - name: t
        identifier: "{{ var('table_name') }}"
`;

  function project() {
    return load(
      writeProject({
        'dbt_project.yml': projectYml('p', `vars:\n  tags: [x, y]\n  types: [placed]\n  ids: [1]\n  width: 3\n  table_name: events\n`),
        'models/a.sql': "select 'placed' as status",
        'models/b.sql': 'select 1 as id',
        'models/docs.md': '{% docs a_doc %}About a.{% enddocs %}',
        'models/props.yml': PROPS,
        'seeds/s.csv': 'code\nabc\n',
      }),
    );
  }

  it('renders values natively with project vars and target, leaving descriptions, hooks and test arguments for later', () => {
    const p = project();
    const a = p.nodes.get('model.p.a');
    expect(a?.description).toBe('About a.');
    expect(a?.config.tags).toEqual(['x', 'y']);
    expect(a?.config.pre_hook).toEqual(["select '{{ this }}'"]);
    expect(a?.columns.status?.dataType).toBe('varchar');
    expect(p.nodes.get('seed.p.s')?.config.column_types).toEqual({ code: 'varchar(3)' });
    expect([...p.sources.values()][0]?.relation).toMatchObject({ schema: 'main_raw', identifier: 'events' });
  });

  it('renders test configs while parsing and test arguments when the test runs, with refs in arguments as dependencies', () => {
    const tests = [...project().nodes.values()].filter((n) => n.resourceType === 'test');
    const accepted = tests.find((t) => t.name.startsWith('accepted_values'));
    expect(accepted?.config.severity).toBe('warn');
    expect(accepted?.test?.kwargs).toEqual({ values: "{{ var('types') }}" });
    expect(accepted?.rawCode).toContain('values=__strata_test_kwargs["values"]');
    // A bare call is an expression, as dbt wraps it in {{ }}.
    expect(tests.find((t) => t.name.startsWith('accepted_values_b'))?.rawCode).toContain("values=var('ids')");
    const relationships = tests.find((t) => t.name.startsWith('relationships'));
    expect(relationships?.refs.map((r) => r.name)).toEqual(['a', 'b']);
  });
});
