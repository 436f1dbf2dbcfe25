import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { externalConfigProblem, externalLocation, type ExternalConfig } from './external-location.js';
import type { FileFormat } from './file-reader.js';

// Another project's model published as files (`materialized: external` in its manifest): where the
// files are and how this project reads them. `strata publish` records the resolved, absolute
// location; a manifest written otherwise (target/manifest.json, dbt-duckdb's) may hold a relative
// location or none, and those resolve against the publisher's project folder, never this one's.

/** An upstream model's files, as this project reads them. */
export interface PublishedFiles {
  /** Absolute path or URL: one file, or the folder of a partitioned model. */
  location: string;
  format: FileFormat;
  /** Hive partition columns (empty when not partitioned by columns). */
  partitionBy: string[];
  /** The reader call over the files, e.g. `read_parquet('/lake/customers.parquet')`. */
  readAs: string;
}

/** An upstream manifest node's config, as far as files go. */
export type PublishedConfig = ExternalConfig & { materialized?: string };

/**
 * The files of an upstream model, `undefined` when it is not a file model, or a `problem` when its
 * manifest config cannot describe them.
 */
export function publishedFiles(
  config: PublishedConfig | undefined,
  identifier: string,
  manifestFile: string,
  projectName: string,
): { files?: PublishedFiles; problem?: string } {
  if (config?.materialized !== 'external') return {};
  const problem = externalConfigProblem(config);
  if (problem !== undefined) return { problem };
  // The publisher's external_root is not in its manifest: an absent location falls back on its
  // project folder (the default external_root); `strata publish` always records the location.
  const publisherDir = projectDirOf(manifestFile, projectName);
  const at = externalLocation(config, identifier, { external_root: publisherDir }, publisherDir);
  return { files: { location: at.location, format: at.format, partitionBy: at.partitionBy, readAs: at.readAs } };
}

/**
 * The publishing project's folder: the nearest folder above the manifest whose project file names
 * `projectName` (so a manifest copied into the consumer's folder never resolves against the
 * consumer), else the manifest's own folder.
 */
export function projectDirOf(manifestFile: string, projectName: string): string {
  const start = dirname(manifestFile);
  for (let dir = start; ; dir = dirname(dir)) {
    if (namesProject(dir, projectName)) return dir;
    if (dirname(dir) === dir) return start;
  }
}

function namesProject(dir: string, projectName: string): boolean {
  return ['strata_project.yml', 'dbt_project.yml'].some((name) => {
    const file = join(dir, name);
    if (!existsSync(file)) return false;
    const m = /^name:\s*['"]?([\w-]+)['"]?\s*(#.*)?$/m.exec(readFileSync(file, 'utf8'));
    return m?.[1] === projectName;
  });
}
