import { pathInPackage } from '../artifacts/definition-entries.js';
import type { Project } from '../project/types.js';

/** One macro of the docs site: its page shows where it is defined, its arguments and its SQL. */
export interface SiteMacro {
  id: string;
  name: string;
  package: string;
  file: string;
  /** The arguments of its signature as written (`column_name`, `quote=true`). */
  arguments: string[];
  sql: string;
}

/**
 * The macros of the project and its installed packages (not Strata's built-in ones: dbt's docs
 * site leaves out the `dbt` and adapter packages too). A file of a package is named from the
 * package's folder, as dbt names it.
 */
export function siteMacros(project: Pick<Project, 'name' | 'root' | 'packages' | 'macros'>): SiteMacro[] {
  const own = new Set([project.name, ...project.packages.map((p) => p.name)]);
  return project.macros
    .filter((m) => own.has(m.packageName))
    .map((m) => ({
      id: m.uniqueId,
      name: m.name,
      package: m.packageName,
      file: pathInPackage(project, m.packageName, m.file),
      arguments: signatureArguments(m.sql),
      sql: m.sql,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The comma-separated arguments between the parentheses of `{% macro name(...) %}` (or `{% test ... %}`). */
export function signatureArguments(sql: string): string[] {
  const open = /\{%-?\s*(?:macro|test|materialization)\s+[\w.]+\s*\(/.exec(sql);
  if (!open) return [];
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const ch of sql.slice(open.index + open[0].length)) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      if (depth === 0) break;
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) args.push(current.trim());
  return args;
}
