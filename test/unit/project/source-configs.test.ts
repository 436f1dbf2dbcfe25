import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.js';
import { EMPTY_HOME, load, userErrors } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

const hours = (count: number) => ({ count, period: 'hour' as const });

/** Sources in models/staging/sources.yml, so their fqn is [p, staging, <source>, <table>]. */
const SOURCES = `version: 2
sources:
  - name: raw
    tables:
      - name: orders
      - name: customers
  - name: other
    tables:
      - name: events
`;

function project(sourcesConfig: string, files: Record<string, string> = {}) {
  const dir = writeProject({
    'dbt_project.yml': projectYml('p', `sources:\n${sourcesConfig}`),
    'models/staging/sources.yml': SOURCES,
    ...files,
  });
  return { dir, project: load(dir) };
}

const byName = (p: ReturnType<typeof load>) => new Map([...p.sources.values()].map((s) => [s.name, s]));

describe("the project file's sources: tree", () => {
  it('applies each config at the project, folder, source and table level, the most specific winning', () => {
    const { project: p } = project(`  +meta: {owner: all, level: top}
  +tags: top
  p:
    staging:
      +meta: {level: folder}
      +tags: [folder]
      +loaded_at_field: _loaded
      +freshness:
        warn_after: {count: 12, period: hour}
      raw:
        +event_time: created_at
        +tags: source
        +freshness:
          error_after: {count: 24, period: hour}
        orders:
          +meta: {level: table}
          +loaded_at_field: updated_at
          +event_time: ordered_at
`);
    const s = byName(p);
    expect(s.get('orders')).toMatchObject({
      meta: { owner: 'all', level: 'table' },
      tags: ['top', 'folder', 'source'],
      loadedAtField: 'updated_at',
      eventTime: 'ordered_at',
      freshness: { warn_after: hours(12), error_after: hours(24) },
    });
    expect(s.get('customers')).toMatchObject({
      meta: { owner: 'all', level: 'folder' },
      loadedAtField: '_loaded',
      eventTime: 'created_at',
      freshness: { warn_after: hours(12), error_after: hours(24) },
    });
    expect(s.get('events')).toMatchObject({
      meta: { level: 'folder' },
      tags: ['top', 'folder'],
      freshness: { error_after: { count: null } },
    });
    expect(s.get('events')?.eventTime).toBeUndefined();
    expect(p.warnings.filter((w) => w.code === 'unused-config-path')).toEqual([]);
  });

  it("is overridden by the properties file: the source's config, then the table's", () => {
    const { project: p } = project(
      `  p:
    +enabled: false
    +meta: {team: a, kept: yes}
    +event_time: from_project
    +freshness:
      warn_after: {count: 1, period: hour}
`,
      {
        'models/staging/sources.yml': `version: 2
sources:
  - name: raw
    config:
      enabled: true
      meta: {team: b}
      event_time: from_source
      freshness:
        warn_after: {count: 2, period: hour}
    tables:
      - name: orders
        config:
          meta: {team: c}
          event_time: from_table
          freshness:
            warn_after: {count: 3, period: hour}
      - name: customers
  - name: other
    tables:
      - name: events
`,
      },
    );
    const s = byName(p);
    expect(s.get('orders')).toMatchObject({
      meta: { team: 'c', kept: 'yes' },
      eventTime: 'from_table',
      freshness: { warn_after: hours(3) },
    });
    expect(s.get('customers')).toMatchObject({
      meta: { team: 'b', kept: 'yes' },
      eventTime: 'from_source',
      freshness: { warn_after: hours(2) },
    });
    // The project's `+enabled: false` holds where the properties file does not say otherwise.
    expect(s.has('events')).toBe(false);
    expect(p.disabledSources?.has('source.p.other.events')).toBe(true);
  });

  it("a table's own enabled: false leaves it out, with its tests", () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/sources.yml': `version: 2
sources:
  - name: raw
    tables:
      - name: orders
        config: {enabled: false}
        columns:
          - name: id
            data_tests: [not_null]
      - name: customers
`,
    });
    const p = load(dir);
    expect([...p.sources.keys()]).toEqual(['source.p.raw.customers']);
    expect([...p.nodes.keys()].filter((id) => id.startsWith('test.'))).toEqual([]);
  });

  it("switches off an installed package's sources from the root project", () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', 'sources:\n  pkg:\n    +enabled: false\n    feeds:\n      +meta: {unused_when_off: true}\n'),
      'models/a.sql': 'select 1',
      'dbt_packages/pkg/dbt_project.yml': 'name: pkg\nsources:\n  pkg:\n    +tags: from_package\n',
      'dbt_packages/pkg/models/sources.yml': 'version: 2\nsources:\n  - name: feeds\n    tables:\n      - name: clicks\n',
    });
    const p = load(dir);
    expect(p.sources.has('source.pkg.feeds.clicks')).toBe(false);
    expect(p.disabledSources?.get('source.pkg.feeds.clicks')?.tags).toEqual(['from_package']);
    expect(p.warnings.filter((w) => w.code === 'unused-config-path')).toEqual([]);
  });

  it("reads the package's own sources: tree, under the root project's", () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', 'sources:\n  pkg:\n    feeds:\n      +meta: {owner: root}\n'),
      'dbt_packages/pkg/dbt_project.yml': 'name: pkg\nsources:\n  pkg:\n    +meta: {owner: package, origin: package}\n',
      'dbt_packages/pkg/models/sources.yml': 'version: 2\nsources:\n  - name: feeds\n    tables:\n      - name: clicks\n',
    });
    expect(load(dir).sources.get('source.pkg.feeds.clicks')?.meta).toEqual({ owner: 'root', origin: 'package' });
  });

  it('a source() call on a disabled source is an error naming it as disabled, with file:line', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p', 'sources:\n  p:\n    staging:\n      raw:\n        orders:\n          +enabled: false\n'),
      'models/staging/sources.yml': SOURCES,
      'models/stg_orders.sql': "-- orders\nselect * from {{ source('raw', 'orders') }}\n",
    });
    const errors = userErrors(() => load(dir));
    const error = errors.find((d) => d.message.includes('which is disabled'));
    expect(error?.message).toContain(
      "model 'model.p.stg_orders' (models/stg_orders.sql) depends on a source named 'raw.orders' which is disabled",
    );
    expect(error?.at).toMatchObject({ file: 'models/stg_orders.sql', line: 2 });
  });

  it('warns about a path no source table goes through, and about keys that are no source config', () => {
    const { project: p } = project(`  p:
    stagin:
      +enabled: false
    staging:
      raw:
        +quoting: {identifier: true}
        +database: elsewhere
`);
    const unused = p.warnings.filter((w) => w.code === 'unused-config-path');
    expect(unused.map((w) => w.message)).toEqual([expect.stringContaining("'sources.p.stagin'")]);
    expect(unused[0]?.at?.line).toBe(5);
    const ignored = p.warnings.filter((w) => w.code === 'ignored-setting' && w.message.includes('not a source config'));
    expect(ignored.map((w) => w.message)).toEqual([expect.stringContaining("'+quoting'"), expect.stringContaining("'+database'")]);
    // The misspelled folder switched nothing off.
    expect(p.sources.size).toBe(3);
  });

  it('reports a wrongly typed config with its place', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml(
        'p',
        'sources:\n  p:\n    +enabled: maybe\n    staging:\n      +freshness:\n        warn_after: {count: 1, period: fortnight}\n',
      ),
      'models/staging/sources.yml': SOURCES,
    });
    const errors = userErrors(() => load(dir));
    expect(errors.map((e) => e.at?.line)).toEqual(expect.arrayContaining([5, 8]));
    expect(errors.some((e) => e.message.includes('fortnight'))).toBe(true);
  });
});

describe('manifest.json source config', () => {
  it('is written with the resolved values', async () => {
    const { dir } = project(`  +freshness:
    warn_after: {count: 12, period: hour}
  p:
    staging:
      raw:
        +meta: {owner: data}
        +tags: [raw]
        +event_time: created_at
        +loaded_at_field: _loaded
        customers:
          +enabled: false
`);
    const { code, err } = await cli(['parse', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(err).toBe('');
    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
      sources: Record<string, { config: Record<string, unknown>; meta: unknown; tags: unknown; loaded_at_field: unknown }>;
      disabled: Record<string, { resource_type: string; config: { enabled: boolean } }[]>;
    };
    expect(Object.keys(manifest.sources).sort()).toEqual(['source.p.other.events', 'source.p.raw.orders']);
    // As dbt: a disabled source table is listed apart, under `disabled`.
    expect(manifest.disabled['source.p.raw.customers']?.map((e) => [e.resource_type, e.config.enabled])).toEqual([['source', false]]);
    const orders = manifest.sources['source.p.raw.orders'];
    expect(orders?.config).toEqual({
      enabled: true,
      event_time: 'created_at',
      freshness: { warn_after: hours(12), error_after: { count: null, period: null }, filter: null },
      loaded_at_field: '_loaded',
      loaded_at_query: null,
      meta: { owner: 'data' },
      tags: ['raw'],
    });
    expect(orders).toMatchObject({ meta: { owner: 'data' }, tags: ['raw'], loaded_at_field: '_loaded' });
  });
});

describe('manifest.json source descriptions', () => {
  it("writes the sources: entry's description (rendered) as source_description, and the table's own or the source's as description", async () => {
    const { dir } = project('  p: {}\n', {
      'models/staging/sources.yml':
        "sources:\n  - name: raw\n    description: \"{{ 'Raw' ~ ' feed' }}\"\n    tables:\n      - name: orders\n        description: Orders.\n      - name: customers\n",
    });
    expect((await cli(['parse', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
      sources: Record<string, { description: string; source_description: string }>;
    };
    expect(manifest.sources['source.p.raw.orders']).toMatchObject({ description: 'Orders.', source_description: 'Raw feed' });
    expect(manifest.sources['source.p.raw.customers']).toMatchObject({ description: 'Raw feed', source_description: 'Raw feed' });
  });
});

describe('source freshness', () => {
  it("checks each table against the freshness and loaded_at_field resolved from the project's sources: tree", async () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml(
        'p',
        `sources:
  p:
    raw:
      +loaded_at_field: loaded_at
      +freshness:
        warn_after: {count: 1, period: day}
      stale:
        +freshness:
          error_after: {count: 2, period: day}
      switched_off:
        +enabled: false
`,
      ),
      'seeds/stale.csv': 'id,loaded_at\n1,2000-01-01 00:00:00\n',
      'models/sources.yml': `version: 2
sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables:
      - name: stale
      - name: switched_off
`,
    });
    expect((await cli(['seed', '--project-dir', dir], { HOME: EMPTY_HOME })).code).toBe(0);
    const { code } = await cli(['source', 'freshness', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(code).toBe(1);
    const results = (
      JSON.parse(readFileSync(join(dir, 'target/sources.json'), 'utf8')) as {
        results: { unique_id: string; status: string; criteria: unknown }[];
      }
    ).results;
    expect(results).toEqual([
      expect.objectContaining({
        unique_id: 'source.p.raw.stale',
        status: 'error',
        criteria: { warn_after: { count: 1, period: 'day' }, error_after: { count: 2, period: 'day' }, filter: null },
      }),
    ]);
  });
});
