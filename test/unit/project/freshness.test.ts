import { describe, expect, it } from 'vitest';
import { freshnessStatus, mergeFreshness, type FreshnessThreshold } from '../../../core/project/freshness.js';
import { load, userErrors } from '../../helpers/load.js';
import { projectYml, writeProject } from '../../helpers/temp-project.js';

const hours = (count: number) => ({ count, period: 'hour' as const });

/** Loads a project with `yml` as its only properties file and returns its sources by table name. */
function sources(yml: string, projectExtra = '') {
  const dir = writeProject({ 'dbt_project.yml': projectYml('p', projectExtra), 'models/sources.yml': yml });
  return new Map([...load(dir).sources.values()].map((s) => [s.name, s]));
}

describe('freshness properties', () => {
  it('a table inherits the source freshness and loaded_at_field, and overrides them one key at a time', () => {
    const s = sources(`version: 2
sources:
  - name: raw
    loaded_at_field: _loaded
    freshness:
      warn_after: {count: 12, period: hour}
      error_after: {count: 24, period: hour}
      filter: "_loaded > now() - interval '3 days'"
    tables:
      - name: inherits
      - name: overrides
        loaded_at_field: updated_at
        freshness:
          warn_after: {count: 1, period: day}
      - name: no_error
        freshness:
          error_after: null
      - name: off
        freshness: null
      - name: custom
        loaded_at_query: select max(x) from y
`);
    expect(s.get('inherits')).toMatchObject({
      loadedAtField: '_loaded',
      freshness: { warn_after: hours(12), error_after: hours(24), filter: "_loaded > now() - interval '3 days'" },
    });
    expect(s.get('overrides')).toMatchObject({
      loadedAtField: 'updated_at',
      freshness: { warn_after: { count: 1, period: 'day' }, error_after: hours(24) },
    });
    expect(s.get('no_error')?.freshness).toMatchObject({ warn_after: hours(12), error_after: null });
    expect(s.get('off')?.freshness).toBeUndefined();
    // A table's loaded_at_query wins over the source's loaded_at_field.
    expect(s.get('custom')).toMatchObject({ loadedAtField: '_loaded', loadedAtQuery: 'select max(x) from y' });
  });

  it("reads dbt 1.10's config: placement, the project's sources: +freshness, and a table's loaded_at_field: null", () => {
    const s = sources(
      `version: 2
sources:
  - name: raw
    loaded_at_query: select 1
    config:
      freshness:
        error_after: {count: 2, period: day}
    tables:
      - name: a
      - name: b
        loaded_at_field: null
        config:
          freshness:
            warn_after: {count: 30, period: minute}
  - name: plain
    tables: [{name: c, loaded_at_field: ts}]
`,
      'sources:\n  +freshness:\n    warn_after: {count: 6, period: hour}\n',
    );
    expect(s.get('a')?.freshness).toMatchObject({ warn_after: hours(6), error_after: { count: 2, period: 'day' } });
    expect(s.get('b')?.freshness).toMatchObject({ warn_after: { count: 30, period: 'minute' } });
    // loaded_at_field: null at the table drops the source's loaded_at_query too.
    expect(s.get('b')?.loadedAtQuery).toBeUndefined();
    expect(s.get('b')?.loadedAtField).toBeUndefined();
    expect(s.get('c')).toMatchObject({ loadedAtField: 'ts', freshness: { warn_after: hours(6) } });
  });

  it('reports bad values with file and line', () => {
    const dir = writeProject({
      'dbt_project.yml': projectYml('p'),
      'models/sources.yml': `version: 2
sources:
  - name: raw
    loaded_at_field: a
    tables:
      - name: t
        freshness:
          warn_after: {count: twelve, period: hour}
          error_after: {count: 1, period: week}
          fliter: x > 1
      - name: u
        loaded_at_field: a
        loaded_at_query: select 1
`,
    });
    const problems = userErrors(() => load(dir)).filter((d) => d.code === 'invalid-freshness');
    expect(problems.map((d) => [d.at?.file, d.at?.line])).toEqual([
      ['models/sources.yml', 10],
      ['models/sources.yml', 8],
      ['models/sources.yml', 9],
      ['models/sources.yml', 13],
    ]);
    expect(problems.map((d) => d.message).join('\n')).toMatch(
      /fliter[\s\S]*count[\s\S]*week[\s\S]*both loaded_at_field and loaded_at_query/,
    );
  });
});

describe('freshness rules', () => {
  const threshold: FreshnessThreshold = { warn_after: hours(1), error_after: hours(2), filter: null };

  it('warns or errors only strictly past a limit', () => {
    expect(freshnessStatus(threshold, 3600)).toBe('pass');
    expect(freshnessStatus(threshold, 3601)).toBe('warn');
    expect(freshnessStatus(threshold, 7200)).toBe('warn');
    expect(freshnessStatus(threshold, 7201)).toBe('error');
    expect(freshnessStatus({ ...threshold, error_after: { count: 2, period: null } }, 1e9)).toBe('warn');
  });

  it('merges as dbt: null switches off until a later level writes a threshold again', () => {
    expect(mergeFreshness([undefined, null, threshold])).toEqual(threshold);
    expect(mergeFreshness([threshold, null, undefined])).toEqual({
      warn_after: { count: null, period: null },
      error_after: { count: null, period: null },
      filter: null,
    });
    expect(mergeFreshness([threshold, { warn_after: { count: 5, period: null }, error_after: null, filter: 'x' }])).toEqual({
      warn_after: hours(1),
      error_after: null,
      filter: 'x',
    });
  });
});
