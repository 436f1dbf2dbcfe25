import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A project name dbt accepts: letters, digits and underscores, not starting with a digit. */
export function isValidProjectName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * The files of a new project (`strata init`), as dbt's starter project lays them out: a project
 * file, two example models with their tests, and the empty folders every project has. Every
 * file builds and every test passes on a fresh target.
 */
export function starterProjectFiles(name: string, profile: string): Record<string, string> {
  return {
    'strata_project.yml': `# The project: its name, the profile (in profiles.yml) it builds with, and where its files are.
name: ${name}
version: '1.0.0'
profile: ${JSON.stringify(profile)}

model-paths: [models]
analysis-paths: [analyses]
test-paths: [tests]
seed-paths: [seeds]
macro-paths: [macros]
snapshot-paths: [snapshots]

clean-targets: [target, dbt_packages]

# Configs for whole folders; a model's own config() overrides them.
models:
  ${name}:
    example:
      +materialized: view
`,
    'models/example/first_model.sql': `-- A table built from a select. Change the materialization to 'view' (or drop
-- this config) and run again: the same SQL builds a view.
{{ config(materialized='table') }}

with source_data as (
    select 1 as id
    union all
    select 2 as id
)

select *
from source_data
`,
    'models/example/second_model.sql': `-- ref() reads another model and tells Strata to build it first.
select *
from {{ ref('first_model') }}
where id = 1
`,
    'models/example/schema.yml': `version: 2

models:
  - name: first_model
    description: "A starter model: two rows of ids"
    columns:
      - name: id
        description: "The primary key of this table"
        data_tests:
          - unique
          - not_null

  - name: second_model
    description: "A starter model that reads first_model"
    columns:
      - name: id
        description: "The primary key of this table"
        data_tests:
          - unique
          - not_null
`,
    'analyses/.gitkeep': '',
    'macros/.gitkeep': '',
    'seeds/.gitkeep': '',
    'snapshots/.gitkeep': '',
    'tests/.gitkeep': '',
    '.gitignore': 'target/\ndbt_packages/\nlogs/\n*.duckdb\n*.duckdb.wal\n',
    'README.md': `# ${name}

A Strata project (dbt-compatible). Try:

- \`strata debug\`: checks the profile and the connection
- \`strata build\`: builds the models and runs their tests
- \`strata docs generate\`: writes the documentation site

Models live in \`models/\`; \`models/example/\` shows a table, a view that reads it with \`ref()\`,
and tests declared in \`schema.yml\`.
`,
  };
}

/** Writes the starter project into `dir` (the caller checks that it does not exist yet). */
export function writeStarterProject(dir: string, name: string, profile: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = starterProjectFiles(name, profile);
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return Object.keys(files);
}
