/**
 * The `doc.dbt.__overview__` entry every dbt manifest holds: the front page of dbt's docs site
 * when the project has no `{% docs __overview__ %}` of its own (that one, `doc.<project>.__overview__`,
 * is shown instead). dbt's docs site fails to load its overview page without either.
 */
export const DEFAULT_OVERVIEW_ID = 'doc.dbt.__overview__';

const DEFAULT_OVERVIEW_TEXT = `### Welcome

This site documents the project: every model, seed, snapshot, source, test and macro, what each
one is for, and how they depend on one another.

### Finding your way

- **Project** (left): the resources as they are laid out in the project's folders, and the
  installed packages.
- **Database** (left): the same resources as relations, grouped by database and schema.
- **Search** (top): find a resource by name, description, column or code.

### A resource's page

Its description and columns, its configuration, the SQL as written and as compiled, and what it
depends on and what depends on it.

### The lineage graph

The button at the bottom right of a page opens the graph of everything upstream and downstream of
that resource. Narrow it with selectors such as \`+orders\` or \`tag:nightly\`, and open any node's
page by clicking it.

### Your own front page

Write a \`{% docs __overview__ %}\` block in a Markdown file of the project to replace this page.
`;

export const DEFAULT_OVERVIEW_ENTRY = {
  name: '__overview__',
  resource_type: 'doc',
  package_name: 'dbt',
  path: 'overview.md',
  original_file_path: 'docs/overview.md',
  unique_id: DEFAULT_OVERVIEW_ID,
  block_contents: DEFAULT_OVERVIEW_TEXT.trim(),
} as const;
