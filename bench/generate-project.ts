/**
 * Writes a synthetic Strata project of N models with a realistic shape: ~10% source tables,
 * staging views over them, then intermediate and mart models each ref-ing 1–4 earlier models, a mix
 * of view/table/incremental, unique/not_null tests on ~20% of models, a macro and a var in use.
 *
 *   npx tsx bench/generate-project.ts <dir> <models>
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Deterministic pseudo-random numbers, so every run generates the same project. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generateProject(dir: string, models: number): void {
  rmSync(dir, { recursive: true, force: true });
  const rand = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const sources = Math.max(1, Math.round(models * 0.1));
  const staging = Math.max(1, Math.round(models * 0.25));
  mkdirSync(join(dir, 'models/staging'), { recursive: true });
  mkdirSync(join(dir, 'models/intermediate'), { recursive: true });
  mkdirSync(join(dir, 'models/marts'), { recursive: true });
  mkdirSync(join(dir, 'macros'), { recursive: true });
  writeFileSync(
    join(dir, 'strata_project.yml'),
    [
      'name: bench',
      'vars:',
      '  start_date: "2024-01-01"',
      'models:',
      '  bench:',
      '    staging:',
      '      +materialized: view',
      '    marts:',
      '      +materialized: table',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'macros/money.sql'), '{% macro cents(column) %}cast({{ column }} * 100 as bigint){% endmacro %}\n');
  const sourceTables = Array.from({ length: sources }, (_, i) => `t${i}`);
  writeFileSync(
    join(dir, 'models/sources.yml'),
    `version: 2\nsources:\n  - name: raw\n    tables:\n${sourceTables.map((t) => `      - name: ${t}`).join('\n')}\n`,
  );
  const names: string[] = [];
  const props: string[] = ['version: 2', 'models:'];
  for (let i = 0; i < models; i++) {
    let name: string;
    let sql: string;
    if (i < staging) {
      name = `stg_${i}`;
      sql = `select id, amount, {{ cents('amount') }} as amount_cents, updated_at\nfrom {{ source('raw', '${pick(sourceTables)}') }}\nwhere updated_at >= '{{ var("start_date") }}'\n`;
      writeFileSync(join(dir, `models/staging/${name}.sql`), sql);
    } else {
      const mart = i > models * 0.8;
      name = mart ? `mart_${i}` : `int_${i}`;
      const parents = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(names));
      const unique = [...new Set(parents)];
      const kind = pick(['view', 'table', 'incremental']);
      const config =
        kind === 'incremental'
          ? "{{ config(materialized='incremental', unique_key='id') }}\n"
          : kind === 'table' && !mart
            ? "{{ config(materialized='table') }}\n"
            : '';
      const body = unique
        .map((p, k) => (k === 0 ? `from {{ ref('${p}') }} as p0` : `left join {{ ref('${p}') }} as p${k} on p${k}.id = p0.id`))
        .join('\n');
      const incremental =
        kind === 'incremental'
          ? '\n{% if is_incremental() %}where p0.updated_at > (select max(updated_at) from {{ this }}){% endif %}'
          : '';
      sql = `${config}select p0.id, p0.amount + ${i} as amount, p0.updated_at\n${body}${incremental}\n`;
      writeFileSync(join(dir, `models/${mart ? 'marts' : 'intermediate'}/${name}.sql`), sql);
    }
    if (rand() < 0.2)
      props.push(
        `  - name: ${name}`,
        `    description: Model ${i}.`,
        '    columns:',
        '      - name: id',
        '        data_tests: [unique, not_null]',
      );
    names.push(name);
  }
  writeFileSync(join(dir, 'models/properties.yml'), `${props.join('\n')}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const [dir, count] = process.argv.slice(2);
  if (!dir || !count) throw new Error('usage: generate-project.ts <dir> <models>');
  generateProject(dir, Number(count));
  console.log(`Generated ${count} models in ${dir}`);
}
