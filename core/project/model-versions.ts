import type { Properties } from './properties.js';
import type { NodeProperties } from './properties-file.js';
import type { ColumnDef } from './types.js';

/** One declared version of a model, and the file that defines it. */
export interface VersionSpec {
  /** The model's name (without the version suffix). */
  model: string;
  /** The version, as written (`2`, `'2.1'`). */
  v: string | number;
  /** Whether an unpinned ref gets this version. */
  latest: boolean;
  deprecationDate?: string;
  /** The version's own entry under `versions:`. */
  entry: NonNullable<NodeProperties['versions']>[number];
}

/**
 * Files that define model versions, by file name without `.sql`: `defined_in`, or dbt's default
 * `<model>_v<v>`; the latest version may also live in the plain `<model>.sql`.
 */
export function versionedFiles(properties: Properties): Map<string, VersionSpec> {
  const out = new Map<string, VersionSpec>();
  for (const [key, patch] of properties.patches) {
    const versions = patch.props.versions;
    if (!key.startsWith('models:') || !versions?.length) continue;
    const model = patch.props.name;
    const latest =
      patch.props.latest_version ??
      versions
        .map((v) => v.v)
        .sort((a, b) => Number(a) - Number(b))
        .pop();
    for (const entry of versions) {
      const deprecation = entry.deprecation_date ?? patch.props.deprecation_date;
      const spec: VersionSpec = {
        model,
        v: entry.v,
        latest: String(entry.v) === String(latest),
        entry,
        ...(deprecation ? { deprecationDate: deprecationDateText(deprecation) } : {}),
      };
      out.set(entry.defined_in ?? `${model}_v${entry.v}`, spec);
      if (spec.latest && !entry.defined_in && !out.has(model)) out.set(model, spec);
    }
  }
  return out;
}

/** A `deprecation_date` as written: YAML reads a bare date as a Date, kept as its `YYYY-MM-DD`. */
export function deprecationDateText(value: string | Date): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
}

/**
 * A version's columns: the model's columns narrowed by `include`/`exclude`, then the version's
 * own column entries added or replaced.
 */
export function versionColumns(
  base: Record<string, ColumnDef>,
  spec: VersionSpec,
  render: (text: string | undefined) => string,
): Record<string, ColumnDef> {
  const entries = spec.entry.columns ?? [];
  const rule = entries.find((c): c is { include: string | string[]; exclude?: string[] } => 'include' in c);
  const included = (name: string) => {
    if (!rule) return true;
    const include =
      rule.include === 'all' || rule.include === '*' ? true : (Array.isArray(rule.include) ? rule.include : [rule.include]).includes(name);
    return include && !(rule.exclude ?? []).includes(name);
  };
  const out: Record<string, ColumnDef> = Object.fromEntries(Object.entries(base).filter(([name]) => included(name)));
  for (const c of entries) {
    if ('include' in c) continue;
    out[c.name] = {
      name: c.name,
      description: render(c.description),
      meta: c.meta ?? {},
      tags: [],
      tests: [...(c.tests ?? []), ...(c.data_tests ?? [])],
      constraints: c.constraints ?? [],
      ...(c.data_type ? { dataType: c.data_type } : {}),
      ...(c.quote !== undefined ? { quote: c.quote } : {}),
    };
  }
  return out;
}
